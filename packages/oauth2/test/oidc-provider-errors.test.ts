import { inspect } from 'node:util';
import {
  InvalidResponseError,
  MismatchingStateError,
  OAuth2ResponseError,
  type OAuthError,
} from '@x/core';
import { type AuthorizationServer, startAuthorizationServer } from '@x/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationServerMetadata } from '../src/index.js';
import { clientFor, discover, recordingTransport } from './oidc-provider-support.js';

// The real server's error responses, surfaced by OAuth2Client as typed
// errors that carry the status and never a secret.

let as: AuthorizationServer;
let metadata: AuthorizationServerMetadata;

beforeAll(async () => {
  as = await startAuthorizationServer();
  metadata = await discover(as);
});

afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

async function caught(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('expected a rejection');
  return error as OAuthError;
}

function expectNoSecret(error: unknown, secrets: Array<string | undefined>): void {
  const renderings = [String(error), JSON.stringify(error), inspect(error, { depth: 5 })];
  for (const secret of secrets) {
    if (secret === undefined) continue;
    for (const text of renderings) expect(text).not.toContain(secret);
  }
}

describe('invalid_client', () => {
  it.each(['client_secret_basic', 'client_secret_post'])(
    '%s with a wrong secret: OAuth2ResponseError invalid_client, status 401',
    async (method) => {
      const { transport } = recordingTransport();
      const wrongSecret = 'wrong-secret-0123456789-abcdefghij';
      const client = clientFor({ ...as.findClient(method), client_secret: wrongSecret }, metadata, {
        transport,
      });
      const error = await caught(client.fetchToken({ grantType: 'client_credentials' }));
      expect(OAuth2ResponseError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'ERR_OAUTH_RESPONSE',
        error: 'invalid_client',
        status: 401,
      });
      expect(client.token).toBeUndefined();
      expectNoSecret(error, [wrongSecret]);
    },
  );

  it('an unknown client_id: invalid_client, status 401', async () => {
    const { transport } = recordingTransport();
    const client = clientFor({ ...as.findClient('none'), client_id: 'nobody' }, metadata, {
      transport,
    });
    const error = await caught(client.fetchToken({ code: 'x'.repeat(43) }));
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

describe('invalid_grant', () => {
  it('a code used twice: the second exchange is refused, the first token kept', async () => {
    const { transport } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { url, state, codeVerifier } = await client.createAuthorizationUrl();
    const callback = await as.authorize(url);
    const token = await client.fetchToken({ authorizationResponse: callback });

    const error = await caught(
      client.fetchToken({ authorizationResponse: callback, state, codeVerifier }),
    );
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(client.token).toBe(token);
    const code = new URL(callback).searchParams.get('code') ?? undefined;
    expectNoSecret(error, [code, codeVerifier, token.access_token, token.refresh_token]);
  });

  it('a made-up refresh token: invalid_grant, status 400, no secret in the error', async () => {
    const { transport } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_post'), metadata, { transport });
    const fake = 'fake-refresh-token-0123456789abcdef';
    const error = await caught(client.refreshToken({ refreshToken: fake }));
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
    expectNoSecret(error, [fake, as.findClient('client_secret_post').client_secret]);
  });

  it('the public client without its code_verifier: refused by the server', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('none'), metadata, { transport });
    const { url, state } = await client.createAuthorizationUrl();
    const callback = await as.authorize(url);
    // A fresh client has no pending verifier: the code goes out without one.
    const fresh = clientFor(as.findClient('none'), metadata, { transport });
    const error = await caught(fresh.fetchToken({ authorizationResponse: callback, state }));
    expect(sent[0]?.params.has('code_verifier')).toBe(false);
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
  });
});

describe('authorization responses', () => {
  it('a denied consent: access_denied raised after the state check', async () => {
    const { transport } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { url } = await client.createAuthorizationUrl();
    const callback = await as.authorize(url, { consent: false });
    const error = await caught(client.fetchToken({ authorizationResponse: callback }));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ error: 'access_denied' });
  });

  it('a callback with another state is refused before any token request', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { url } = await client.createAuthorizationUrl();
    const callback = await as.authorize(url);
    const error = await caught(
      client.fetchToken({ authorizationResponse: callback, state: 'not-the-state-we-sent' }),
    );
    expect(MismatchingStateError.isInstance(error)).toBe(true);
    expect(sent).toEqual([]);
  });

  it('a callback whose iss is not the issuer is refused (RFC 9207 mix-up defence)', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { url } = await client.createAuthorizationUrl();
    const callback = new URL(await as.authorize(url));
    callback.searchParams.set('iss', 'http://127.0.0.1:1');
    const error = await caught(client.fetchToken({ authorizationResponse: callback.href }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(sent).toEqual([]);
  });

  it('prompt=none without a session: login_required from the server, surfaced as typed', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { url } = await client.createAuthorizationUrl({ prompt: 'none' });
    const callback = new URL(await as.authorize(url));
    expect(callback.searchParams.get('error')).toBe('login_required');
    const error = await caught(client.fetchToken({ authorizationResponse: callback.href }));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ error: 'login_required' });
    expect(sent).toEqual([]);
  });
});
