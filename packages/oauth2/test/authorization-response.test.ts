import { InvalidResponseError, MismatchingStateError, OAuth2ResponseError } from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationServerMetadata,
  OAuth2Client,
  parseAuthorizationResponse,
} from '../src/index.js';
import {
  expectNoSecrets,
  rejectionOf,
  sendJson,
  startServer,
  type TestServer,
  transport,
} from './support.js';

let as: TestServer;
beforeAll(async () => {
  as = await startServer((_req, res) =>
    sendJson(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 }),
  );
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
});

const ISSUER = 'https://as.example.com';
const CB = 'https://app.example.com/cb';

function client(metadata: AuthorizationServerMetadata = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: 'top-secret-value',
    redirectUri: CB,
    tokenEndpoint: `${as.origin}/token`,
    metadata: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, ...metadata },
    allowInsecureTransport: true,
    transport,
  });
}

async function started(metadata?: AuthorizationServerMetadata) {
  const c = client(metadata);
  const { state } = await c.createAuthorizationUrl();
  return { c, state };
}

describe('state checks (CSRF)', () => {
  it('refuses a missing state when one was sent, without calling the token endpoint', async () => {
    const { c } = await started();
    const error = await rejectionOf(
      c.fetchToken({ authorizationResponse: `${CB}?code=secret-code-1` }),
    );
    expect(error).toBeInstanceOf(MismatchingStateError);
    expect(error).toMatchObject({ code: 'ERR_MISMATCHING_STATE' });
    expectNoSecrets(error, ['secret-code-1', 'top-secret-value']);
    expect(as.requests).toHaveLength(0);
    expect(c.token).toBeUndefined();
  });

  it('refuses a mismatching state', async () => {
    const { c, state } = await started();
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?code=c&state=${state}x` }),
    ).rejects.toBeInstanceOf(MismatchingStateError);
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?code=c&state=${state.slice(0, -1)}` }),
    ).rejects.toBeInstanceOf(MismatchingStateError);
    expect(as.requests).toHaveLength(0);
  });

  it('refuses an unexpected state when none was sent', async () => {
    const c = client();
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?code=c&state=forged` }),
    ).rejects.toBeInstanceOf(MismatchingStateError);
    expect(as.requests).toHaveLength(0);
  });

  it('checks state before reporting an error= response', async () => {
    const { c, state } = await started();
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?error=access_denied&state=wrong` }),
    ).rejects.toBeInstanceOf(MismatchingStateError);
    const error = await rejectionOf(
      c.fetchToken({
        authorizationResponse: `${CB}?error=access_denied&error_description=User+said+no&state=${state}`,
      }),
    );
    expect(error).toBeInstanceOf(OAuth2ResponseError);
    expect(error).toMatchObject({
      error: 'access_denied',
      error_description: 'User said no',
      code: 'ERR_OAUTH_RESPONSE',
    });
    expect(as.requests).toHaveLength(0);
  });

  it('refuses a response with neither code nor error', async () => {
    const { c, state } = await started();
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?state=${state}` }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('ignores a fragment appended to a code response (Facebook #_=_)', async () => {
    const { c, state } = await started();
    const token = await c.fetchToken({ authorizationResponse: `${CB}?code=c&state=${state}#_=_` });
    expect(token.access_token).toBe('at');
  });
});

describe('iss checks (RFC 9207)', () => {
  it('accepts the expected iss and refuses another one', async () => {
    const ok = await started();
    await ok.c.fetchToken({
      authorizationResponse: `${CB}?code=c&state=${ok.state}&iss=${encodeURIComponent(ISSUER)}`,
    });
    expect(as.requests).toHaveLength(1);

    const bad = await started();
    const error = await rejectionOf(
      bad.c.fetchToken({
        authorizationResponse: `${CB}?code=c&state=${bad.state}&iss=${encodeURIComponent('https://evil.example')}`,
      }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(String(error)).toMatch(/mix-up/);
    expect(as.requests).toHaveLength(1);
  });

  it('an iss mismatch wins over an error= response', async () => {
    const { c, state } = await started();
    await expect(
      c.fetchToken({
        authorizationResponse: `${CB}?error=access_denied&state=${state}&iss=https://evil.example`,
      }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('requires iss when metadata says the server sends it', async () => {
    const { c, state } = await started({ authorization_response_iss_parameter_supported: true });
    await expect(
      c.fetchToken({ authorizationResponse: `${CB}?code=c&state=${state}` }),
    ).rejects.toThrow(/no iss parameter/);
    expect(as.requests).toHaveLength(0);
  });

  it('does not require iss otherwise', async () => {
    const { c, state } = await started();
    await c.fetchToken({ authorizationResponse: `${CB}?code=c&state=${state}` });
    expect(as.requests).toHaveLength(1);
  });

  it('checks the implicit fragment the same way', async () => {
    const c = client();
    const { state } = await c.createAuthorizationUrl({ responseType: 'token' });
    await expect(
      c.fetchToken({
        authorizationResponse: `${CB}#access_token=leaky-token-1&token_type=Bearer&state=nope`,
      }),
    ).rejects.toBeInstanceOf(MismatchingStateError);
    const error = await rejectionOf(
      c.fetchToken({ authorizationResponse: `${CB}#error=access_denied&state=${state}` }),
    );
    expect(error).toBeInstanceOf(OAuth2ResponseError);
    const noType = await rejectionOf(
      c.fetchToken({ authorizationResponse: `${CB}#access_token=leaky-token-1&state=${state}` }),
    );
    expect(noType).toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
    expectNoSecrets(noType, ['leaky-token-1']);
    expect(c.token).toBeUndefined();
  });
});

describe('parseAuthorizationResponse', () => {
  it('returns the parameters of a valid response', () => {
    expect(
      parseAuthorizationResponse(`${CB}?code=abc&state=s&iss=${ISSUER}`, {
        state: 's',
        issuer: ISSUER,
      }),
    ).toMatchObject({ code: 'abc', state: 's', iss: ISSUER });
  });

  it('accepts neither state sent nor received', () => {
    expect(parseAuthorizationResponse(`${CB}?code=abc`, { state: undefined }).code).toBe('abc');
  });
});
