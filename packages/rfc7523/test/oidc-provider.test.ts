import { randomBytes } from 'node:crypto';
import { OAuth2ResponseError, OAuth2Token } from '@x/core';
import {
  type AuthorizationServerMetadata,
  OAuth2Client,
  type OAuth2ClientOptions,
} from '@x/oauth2';
import { type AuthorizationServer, startAuthorizationServer } from '@x/testing';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE, ClientSecretJWT, PrivateKeyJWT } from '../src/index.js';
import {
  ecKeyPair,
  expectNoSecrets,
  pemBody,
  recordingTransport,
  rejectionOf,
  rsaKeyPair,
  type SentRequest,
} from './support.js';

// ClientSecretJWT and PrivateKeyJWT against a real authorization server
// (oidc-provider) that verifies every assertion itself: signature, iss, sub,
// aud, exp and jti replay.

const rsa = rsaKeyPair();
const ec = ecKeyPair('P-256');
const hsSecret = randomBytes(48).toString('base64url'); // 64 characters
let as: AuthorizationServer;
let metadata: AuthorizationServerMetadata;

beforeAll(async () => {
  as = await startAuthorizationServer({
    clients: {
      secretJwt: {
        client_id: 'secret-jwt-client',
        client_secret: hsSecret,
        token_endpoint_auth_method: 'client_secret_jwt',
      },
      keyJwt: {
        client_id: 'key-jwt-client',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...rsa.publicJwk, kid: 'rsa-1', use: 'sig' }] },
      },
      esKeyJwt: {
        client_id: 'es-key-jwt-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...ec.publicJwk, kid: 'ec-1', use: 'sig' }] },
      },
    },
  });
  const response = await fetch(as.endpoints.discovery);
  metadata = (await response.json()) as AuthorizationServerMetadata;
});

afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

interface Variant {
  name: string;
  clientId: string;
  clientSecret: string;
  method: () => ClientSecretJWT | PrivateKeyJWT;
  alg: string;
  kid: string | undefined;
}

const variants: Variant[] = [
  {
    name: 'ClientSecretJWT (HS256)',
    clientId: 'secret-jwt-client',
    clientSecret: hsSecret,
    method: () => new ClientSecretJWT(),
    alg: 'HS256',
    kid: undefined,
  },
  {
    name: 'PrivateKeyJWT (RS256, clientSecret: privateKeyPem)',
    clientId: 'key-jwt-client',
    clientSecret: rsa.privatePem,
    method: () => new PrivateKeyJWT(as.endpoints.token, { kid: 'rsa-1' }),
    alg: 'RS256',
    kid: 'rsa-1',
  },
];

function client(
  variant: Variant,
  transport: OAuth2ClientOptions['transport'],
  extra: Partial<OAuth2ClientOptions> = {},
): OAuth2Client {
  return new OAuth2Client({
    clientId: variant.clientId,
    clientSecret: variant.clientSecret,
    tokenEndpointAuthMethod: variant.method(),
    redirectUri: 'http://127.0.0.1/cb',
    scope: 'api:read',
    metadata,
    allowInsecureTransport: true,
    transport,
    ...extra,
  });
}

/** Asserts a request authenticated with a client assertion, and returns the assertion. */
function expectAssertion(request: SentRequest | undefined, variant: Variant, aud: string): string {
  expect(request).toBeDefined();
  const sent = request as SentRequest;
  expect(sent.headers.get('authorization')).toBeNull();
  expect(sent.params.has('client_secret')).toBe(false);
  expect(sent.params.get('client_id')).toBe(variant.clientId);
  expect(sent.params.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
  const assertion = sent.params.get('client_assertion') ?? '';
  const claims = decodeJwt(assertion);
  expect(claims.iss).toBe(variant.clientId);
  expect(claims.sub).toBe(variant.clientId);
  expect(claims.aud).toBe(aud);
  expect((claims.exp as number) - (claims.iat as number)).toBe(60);
  expect(decodeProtectedHeader(assertion)).toEqual({
    alg: variant.alg,
    ...(variant.kid ? { kid: variant.kid } : {}),
  });
  return assertion;
}

describe.each(variants)('$name', (variant) => {
  it('client credentials: the server accepts a fresh assertion on every request', async () => {
    const { transport, sent } = recordingTransport();
    const c = client(variant, transport);
    const first = await c.fetchToken({ grantType: 'client_credentials' });
    const second = await c.fetchToken({ grantType: 'client_credentials' });
    expect(first).toBeInstanceOf(OAuth2Token);
    expect(second.access_token).not.toBe(first.access_token);
    const [a, b] = sent.map((r) => expectAssertion(r, variant, as.endpoints.token));
    // oidc-provider refuses a replayed jti, so both succeeding proves freshness too.
    expect(decodeJwt(a as string).jti).not.toBe(decodeJwt(b as string).jti);
  });

  it('authorization code, refresh, introspection and revocation', async () => {
    const { transport, sent } = recordingTransport();
    const c = client(variant, transport);
    const { url } = await c.createAuthorizationUrl();
    const token = await c.fetchToken({ authorizationResponse: await as.authorize(url) });
    expect(token.refresh_token).toEqual(expect.any(String));
    const refreshed = await c.refreshToken();

    await expect(c.introspectToken(undefined, refreshed)).resolves.toMatchObject({
      active: true,
      client_id: variant.clientId,
      sub: 'alice',
    });
    await c.revokeToken(undefined, refreshed);
    await expect(c.introspectToken(undefined, refreshed)).resolves.toMatchObject({
      active: false,
    });

    const endpoints = sent.map((r) => r.url);
    expect(endpoints).toEqual([
      as.endpoints.token,
      as.endpoints.token,
      as.endpoints.introspection,
      as.endpoints.revocation,
      as.endpoints.introspection,
    ]);
    // The audience is the token endpoint for every endpoint: the one given, else the client's.
    const jtis = sent.map((r) => decodeJwt(expectAssertion(r, variant, as.endpoints.token)).jti);
    expect(new Set(jtis).size).toBe(jtis.length);
  });

  it('addresses the issuer with audience: "issuer"', async () => {
    const { transport, sent } = recordingTransport();
    const method =
      variant.alg === 'HS256'
        ? new ClientSecretJWT({ audience: 'issuer' })
        : new PrivateKeyJWT({ audience: 'issuer', kid: 'rsa-1' });
    const c = client(variant, transport, { tokenEndpointAuthMethod: method });
    await c.fetchToken({ grantType: 'client_credentials' });
    expectAssertion(sent[0], variant, as.issuer);
  });

  it('an assertion signed with the wrong key is refused: invalid_client, no secret in the error', async () => {
    const { transport, sent } = recordingTransport();
    const wrongKey =
      variant.alg === 'HS256' ? randomBytes(48).toString('base64url') : rsaKeyPair().privatePem;
    const c = client(variant, transport, { clientSecret: wrongKey });
    const error = await rejectionOf(c.fetchToken({ grantType: 'client_credentials' }));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect((error as OAuth2ResponseError).error).toBe('invalid_client');
    expect((error as OAuth2ResponseError).status).toBe(401);
    const assertion = sent[0]?.params.get('client_assertion') ?? '';
    expect(assertion).not.toBe('');
    expectNoSecrets(error, [assertion, wrongKey, pemBody(wrongKey)]);
  });

  it('an expired assertion (a clock ten minutes behind) is refused: invalid_client', async () => {
    const { transport, sent } = recordingTransport();
    const c = client(variant, transport, { clock: { now: () => Date.now() - 600_000 } });
    const error = await rejectionOf(c.fetchToken({ grantType: 'client_credentials' }));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect((error as OAuth2ResponseError).error).toBe('invalid_client');
    const claims = decodeJwt(sent[0]?.params.get('client_assertion') ?? '');
    expect(claims.exp as number).toBeLessThan(Date.now() / 1000);
  });
});

describe('PrivateKeyJWT with an explicit key', () => {
  it('signs with ES256 and a JWK key (its kid in the header), ignoring clientSecret', async () => {
    const { transport, sent } = recordingTransport();
    const jwk: JWK = { ...ec.privateJwk, kid: 'ec-1' };
    const c = new OAuth2Client({
      clientId: 'es-key-jwt-client',
      tokenEndpointAuthMethod: new PrivateKeyJWT({ alg: 'ES256', key: jwk }),
      metadata,
      allowInsecureTransport: true,
      transport,
    });
    const token = await c.fetchToken({ grantType: 'client_credentials' });
    await expect(c.introspectToken(undefined, token)).resolves.toMatchObject({ active: true });
    const header = decodeProtectedHeader(sent[0]?.params.get('client_assertion') ?? '');
    expect(header).toEqual({ alg: 'ES256', kid: 'ec-1' });
  });

  it('a client with neither key nor clientSecret fails before sending anything', async () => {
    const { transport, sent } = recordingTransport();
    const c = new OAuth2Client({
      clientId: 'key-jwt-client',
      tokenEndpointAuthMethod: new PrivateKeyJWT(),
      metadata,
      allowInsecureTransport: true,
      transport,
    });
    await expect(c.fetchToken({ grantType: 'client_credentials' })).rejects.toThrow(
      /private_key_jwt needs a private key/,
    );
    expect(sent).toEqual([]);
  });
});
