import { startHttpServer, type TestServer } from '@x/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkRefreshedIdToken,
  type IdTokenClaims,
  IdTokenError,
  localKeySet,
  OIDCClient,
} from '../src/index.js';
import {
  movableClock,
  recordingTransport,
  seconds,
  sign,
  type TestKey,
  testKey,
} from './support.js';

// OIDC Core 12.2: an id_token in a refresh response must describe the same
// authentication. A loopback token endpoint answers with id_tokens each test
// signs, so each requirement can fail on its own.

const clock = movableClock();
const now = seconds(clock);
const { transport } = recordingTransport();
let key: TestKey;
let tokenEndpoint: TestServer;
let nextIdToken: string | undefined;

const original: IdTokenClaims = {
  iss: 'https://op.test',
  sub: 'alice',
  aud: 'client-1',
  iat: now - 100,
  exp: now + 3600,
  auth_time: now - 200,
  nonce: 'original-nonce',
};

beforeAll(async () => {
  key = await testKey('RS256', 'k1');
  tokenEndpoint = await startHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        access_token: `at-${Math.random()}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt-2',
        ...(nextIdToken === undefined ? {} : { id_token: nextIdToken }),
      }),
    );
  });
});

afterAll(async () => {
  await tokenEndpoint.close();
});

const idToken = (claims: Record<string, unknown>) =>
  sign(claims, key.privateKey, { alg: 'RS256', kid: 'k1' });

async function client(updateToken = vi.fn()) {
  return new OIDCClient({
    clientId: 'client-1',
    metadata: { issuer: 'https://op.test', token_endpoint: tokenEndpoint.url },
    keys: localKeySet({ keys: [key.publicJwk] }),
    token: {
      access_token: 'at-1',
      token_type: 'Bearer',
      expires_at: now - 10, // expired: authorize() refreshes first
      refresh_token: 'rt-1',
      id_token: await idToken(original),
    },
    updateToken,
    clock,
    transport,
    allowInsecureTransport: true,
  });
}

describe('checkRefreshedIdToken', () => {
  it.each([
    ['iss', { iss: 'https://other.test' }, 'refresh-iss'],
    ['sub', { sub: 'bob' }, 'refresh-sub'],
    ['aud', { aud: ['client-1', 'other'] }, 'refresh-aud'],
    ['azp (appeared)', { azp: 'client-1' }, 'refresh-azp'],
    ['auth_time', { auth_time: now }, 'refresh-auth-time'],
  ] as const)('refuses a changed %s', (_name, changes, check) => {
    const refreshed = { ...original, ...changes } as IdTokenClaims;
    expect(() => checkRefreshedIdToken(original, refreshed)).toThrow(
      expect.objectContaining({ code: 'ERR_ID_TOKEN_REFRESH', check }),
    );
  });

  it('accepts the same authentication with a new iat and exp, aud as a set, auth_time absent', () => {
    const { auth_time: _omitted, ...rest } = original;
    expect(() =>
      checkRefreshedIdToken(original, { ...rest, iat: now, exp: now + 7200, aud: ['client-1'] }),
    ).not.toThrow();
  });
});

describe('OIDCClient refresh', () => {
  it('stores a refreshed token whose id_token keeps iss, sub, aud and auth_time', async () => {
    const updateToken = vi.fn();
    const c = await client(updateToken);
    nextIdToken = await idToken({ ...original, iat: now, exp: now + 3600 });
    const token = await c.refreshToken();
    expect(token.id_token).toBe(nextIdToken);
    expect(c.claims?.iat).toBe(now);
    expect(updateToken).toHaveBeenCalledOnce();
  });

  it.each([
    ['another sub', { sub: 'bob' }, 'ERR_ID_TOKEN_REFRESH', 'refresh-sub'],
    [
      'another aud',
      { aud: ['client-1', 'api'], azp: 'client-1' },
      'ERR_ID_TOKEN_REFRESH',
      'refresh-aud',
    ],
    ['another auth_time', { auth_time: now - 5 }, 'ERR_ID_TOKEN_REFRESH', 'refresh-auth-time'],
    ['another nonce', { nonce: 'a-different-nonce' }, 'ERR_ID_TOKEN_NONCE', 'nonce'],
    ['another issuer', { iss: 'https://other.test' }, 'ERR_ID_TOKEN_ISS', 'iss'],
    ['an expired id_token', { exp: now - 3600 }, 'ERR_ID_TOKEN_EXP', 'exp'],
  ] as const)(
    'refuses %s before storing anything or calling updateToken',
    async (_name, changes, code, check) => {
      const updateToken = vi.fn();
      const c = await client(updateToken);
      const before = c.token;
      nextIdToken = await idToken({ ...original, iat: now, ...changes });
      const error = await c.refreshToken().catch((e: unknown) => e);
      expect(IdTokenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code, check });
      expect(c.token).toBe(before);
      expect(updateToken).not.toHaveBeenCalled();
    },
  );

  it('applies the same checks to the automatic refresh before a request', async () => {
    const c = await client();
    nextIdToken = await idToken({ ...original, iat: now, sub: 'mallory' });
    await expect(
      c.authorize({ method: 'GET', url: 'https://api.test/me', headers: new Headers() }),
    ).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_REFRESH', check: 'refresh-sub' });
  });

  it('accepts a refreshed id_token without a nonce, and carries the id_token over when none comes', async () => {
    const c = await client();
    const { nonce: _omitted, ...rest } = original;
    nextIdToken = await idToken({ ...rest, iat: now });
    await c.refreshToken();
    expect(c.claims?.nonce).toBeUndefined();
    const kept = c.token?.id_token;
    nextIdToken = undefined;
    const token = await c.refreshToken();
    expect(token.id_token).toBe(kept);
  });
});
