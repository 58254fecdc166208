import {
  InvalidArgumentError,
  OAuth2ResponseError,
  type OAuth2Token,
  OAuthError,
  type OAuthErrorCode,
} from '@x/core';
import { ClientSecretJWT } from '@x/rfc7523';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AssertionClient, type AssertionClientOptions } from '../src/index.js';
import {
  expectNoSecrets,
  get,
  JWT_BEARER,
  ManualClock,
  rejectionOf,
  rsaKey,
  startTokenServer,
  type TokenServer,
  transport,
} from './support.js';

const ISSUER = 'svc@example.com';
const key = rsaKey();
let clock: ManualClock;
let server: TokenServer;

beforeEach(async () => {
  clock = new ManualClock();
  server = await startTokenServer({ publicKey: key.publicKey, issuer: ISSUER, clock });
});

afterEach(async () => {
  server.release();
  await server.close();
});

function newClient(options: Partial<AssertionClientOptions> = {}): AssertionClient {
  return new AssertionClient({
    tokenEndpoint: server.tokenEndpoint,
    issuer: ISSUER,
    subject: 'alice@example.com',
    key: key.privatePem,
    kid: 'key-1',
    scope: ['read', 'write'],
    transport,
    clock,
    allowInsecureTransport: true,
    ...options,
  });
}

describe('fetching a token', () => {
  it('exchanges a verified assertion for a token: iss, sub, aud, kid, scope, no client auth', async () => {
    const client = newClient();
    const request = await client.authorize(get(`${server.origin}/resource`));
    expect(request.headers.get('authorization')).toBe('Bearer at-1');
    expect(client.token?.access_token).toBe('at-1');

    const [call, ...rest] = server.calls;
    expect(rest).toEqual([]);
    expect(call?.params.get('grant_type')).toBe(JWT_BEARER);
    expect(call?.params.get('scope')).toBe('read write');
    expect([...(call?.params.keys() ?? [])].sort()).toEqual(['assertion', 'grant_type', 'scope']);
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.header).toEqual({ alg: 'RS256', kid: 'key-1' });
    expect(call?.payload).toMatchObject({
      iss: ISSUER,
      sub: 'alice@example.com',
      aud: server.tokenEndpoint,
      iat: Math.floor(clock.now() / 1000),
      exp: Math.floor(clock.now() / 1000) + 60,
    });
  });

  it('identifies the client when given a clientId, or authenticates it with a method', async () => {
    await newClient({ clientId: 'client-7' }).fetchToken();
    expect(server.calls[0]?.params.get('client_id')).toBe('client-7');

    const secret = 'a-client-secret-of-at-least-32-bytes!!';
    await newClient({
      clientId: 'client-8',
      clientSecret: secret,
      tokenEndpointAuthMethod: new ClientSecretJWT(),
    }).fetchToken();
    const params = server.calls[1]?.params;
    expect(params?.get('client_id')).toBe('client-8');
    expect(decodeJwt(params?.get('client_assertion') ?? '').iss).toBe('client-8');
    expect(params?.has('client_secret')).toBe(false);
  });

  it('calls updateToken with every new token', async () => {
    const updateToken = vi.fn();
    const client = newClient({ updateToken });
    const first = await client.fetchToken();
    const second = await client.fetchToken();
    expect(updateToken).toHaveBeenCalledTimes(2);
    expect(updateToken.mock.calls[0]?.[0]).toBe(first);
    expect(updateToken.mock.calls[1]?.[0]).toBe(second);
    expect(updateToken.mock.calls[1]?.[1]).toEqual({ accessToken: 'at-1' });
  });

  it('starts from a stored token and fetches only when it is due', async () => {
    const nowSeconds = Math.floor(clock.now() / 1000);
    const client = newClient({
      token: { access_token: 'stored', token_type: 'Bearer', expires_at: nowSeconds + 600 },
    });
    expect((await client.authorize(get(`${server.origin}/x`))).headers.get('authorization')).toBe(
      'Bearer stored',
    );
    expect(server.calls).toEqual([]);
    clock.advance(600 - 59);
    await client.authorize(get(`${server.origin}/x`));
    expect(server.calls).toHaveLength(1);
  });
});

describe('re-signing at expiry', () => {
  it('signs a new assertion (new jti, new iat) once the token is within leeway of expiring', async () => {
    const client = newClient();
    const resource = `${server.origin}/resource`;
    await client.authorize(get(resource));
    clock.advance(3600 - 61); // still more than 60 s left
    expect((await client.authorize(get(resource))).headers.get('authorization')).toBe(
      'Bearer at-1',
    );
    expect(server.calls).toHaveLength(1);

    clock.advance(2); // 59 s left: inside the leeway
    expect((await client.authorize(get(resource))).headers.get('authorization')).toBe(
      'Bearer at-2',
    );
    expect(server.calls).toHaveLength(2);
    const [first, second] = server.calls.map((c) => c.payload);
    expect(second?.jti).not.toBe(first?.jti);
    expect(second?.iat).toBe((first?.iat as number) + 3600 - 59);
    expect(second?.exp).toBe((second?.iat as number) + 60);
  });

  it('does not fetch on every call when the server issues tokens shorter than the leeway', async () => {
    server.behave({ kind: 'token', expiresIn: 30 });
    const client = newClient();
    await client.authorize(get(`${server.origin}/x`));
    clock.advance(10);
    await client.authorize(get(`${server.origin}/x`));
    expect(server.calls).toHaveLength(1); // due at half its lifetime
    clock.advance(6);
    await client.authorize(get(`${server.origin}/x`));
    expect(server.calls).toHaveLength(2);
  });
});

describe('single flight', () => {
  it('100 concurrent authorize() calls with an expired token make exactly one token request', async () => {
    const client = newClient();
    await client.fetchToken();
    clock.advance(3600); // expired
    server.hold();
    const pending = Array.from({ length: 100 }, () =>
      client.authorize(get(`${server.origin}/resource`)),
    );
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    server.release();
    const requests = await Promise.all(pending);
    expect(server.calls).toHaveLength(2); // the first fetch, then exactly one more
    expect(new Set(requests.map((r) => r.headers.get('authorization')))).toEqual(
      new Set(['Bearer at-2']),
    );
  });

  it('a failure reaches every caller as the same typed error; the next call recovers', async () => {
    const client = newClient();
    server.behave({ kind: 'error', status: 503, error: 'temporarily_unavailable' });
    server.hold();
    const pending = Array.from({ length: 100 }, () =>
      rejectionOf(client.authorize(get(`${server.origin}/resource`))),
    );
    await vi.waitFor(() => expect(server.calls).toHaveLength(1));
    server.release();
    const errors = await Promise.all(pending);
    expect(server.calls).toHaveLength(1);
    expect(new Set(errors).size).toBe(1);
    const [error] = errors;
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect((error as OAuth2ResponseError).error).toBe('temporarily_unavailable');
    expect((error as OAuth2ResponseError).status).toBe(503);

    server.behave({ kind: 'token' });
    const request = await client.authorize(get(`${server.origin}/resource`));
    expect(request.headers.get('authorization')).toBe('Bearer at-1');
    expect(server.calls).toHaveLength(2);
  });

  it('invalid_grant is surfaced once, not retried, and holds no assertion or key', async () => {
    const client = newClient({ issuer: 'someone-else' }); // the server will not verify it
    const error = await rejectionOf(client.authorize(get(`${server.origin}/resource`)));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect((error as OAuth2ResponseError).error).toBe('invalid_grant');
    expect(server.calls).toHaveLength(1);
    const assertion = server.calls[0]?.params.get('assertion') ?? '';
    expectNoSecrets(error, [assertion, key.privatePem.split('\n')[1] as string]);
    // Each later call tries once more: still no loop.
    await rejectionOf(client.fetchToken());
    expect(server.calls).toHaveLength(2);
  });
});

describe('retry after 401', () => {
  async function send(client: AssertionClient, url: string): Promise<Response> {
    const request = await client.authorize(get(url));
    return fetch(request.url, { headers: request.headers });
  }

  it('fetches a new token once on invalid_token and the resent request succeeds', async () => {
    const client = newClient();
    const resource = `${server.origin}/resource`;
    const stale = await client.authorize(get(resource));
    server.issued.push('revoked-by-the-server'); // the server now only accepts a newer token
    const response = await fetch(stale.url, { headers: stale.headers });
    expect(response.status).toBe(401);
    expect(await client.retry(stale, response)).toBe(true);
    expect(server.calls).toHaveLength(2);
    expect((await send(client, resource)).status).toBe(200);
  });

  it('does not fetch when another caller already replaced the token', async () => {
    const client = newClient();
    const stale = await client.authorize(get(`${server.origin}/resource`));
    await client.fetchToken();
    const response = {
      status: 401,
      headers: new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' }),
    };
    expect(await client.retry(stale, response)).toBe(true);
    expect(server.calls).toHaveLength(2);
  });

  it('knows the token of a request a protectedRequest hook rewrote', async () => {
    const client = newClient();
    client.registerComplianceHook('protectedRequest', (request) => {
      const headers = new Headers(request.headers);
      headers.set('x-api-token', headers.get('authorization')?.slice(7) ?? '');
      headers.delete('authorization');
      return { ...request, headers };
    });
    const stale = await client.authorize(get(`${server.origin}/resource`));
    expect(stale.headers.has('authorization')).toBe(false);
    await client.fetchToken();
    const response = {
      status: 401,
      headers: new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' }),
    };
    expect(await client.retry(stale, response)).toBe(true);
    expect(server.calls).toHaveLength(2); // no third token request
  });

  it('given the request from before authorize (it carries no token), fetches', async () => {
    const client = newClient();
    const original = get(`${server.origin}/resource`);
    await client.authorize(original);
    await client.fetchToken();
    const response = {
      status: 401,
      headers: new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' }),
    };
    expect(await client.retry(original, response)).toBe(true);
    expect(server.calls).toHaveLength(3);
  });

  it('ignores other responses', async () => {
    const client = newClient();
    const request = await client.authorize(get(`${server.origin}/resource`));
    for (const response of [
      { status: 401, headers: new Headers() },
      {
        status: 403,
        headers: new Headers({ 'www-authenticate': 'Bearer error="insufficient_scope"' }),
      },
      { status: 500, headers: new Headers() },
    ]) {
      expect(await client.retry(request, response)).toBe(false);
    }
    expect(server.calls).toHaveLength(1);
  });
});

describe('options', () => {
  it('refuses bad options with typed errors', () => {
    const cases: Array<[Partial<AssertionClientOptions>, OAuthErrorCode, RegExp]> = [
      [{ issuer: '' }, 'ERR_INVALID_ARGUMENT', /issuer must be a non-empty string/],
      [{ alg: 'none' as 'RS256' }, 'ERR_INVALID_ARGUMENT', /alg "none" is refused/],
      [{ leeway: -1 }, 'ERR_INVALID_ARGUMENT', /leeway/],
      [{ expiresIn: 0 }, 'ERR_INVALID_ARGUMENT', /expiresIn/],
      [{ claims: { iss: 'x' } }, 'ERR_INVALID_ARGUMENT', /claims may not set "iss"/],
      [{ headers: { alg: 'HS256' } }, 'ERR_INVALID_ARGUMENT', /may not set "alg"/],
      [{ key: '' }, 'ERR_INVALID_ARGUMENT', /key must be/],
      [
        { tokenEndpoint: 'http://as.example.com/token' },
        'ERR_INSECURE_TRANSPORT',
        /https is required/,
      ],
    ];
    for (const [options, code, message] of cases) {
      let error: unknown;
      try {
        newClient(options);
      } catch (caught) {
        error = caught;
      }
      expect(OAuthError.isInstance(error) && error.code).toBe(code);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a key that does not fit the alg fails the token request, without the key in the error', async () => {
    const secret = 'x'.repeat(64);
    const client = newClient({ key: secret });
    const error = await rejectionOf(client.fetchToken());
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/RS256 needs a private key/);
    expectNoSecrets(error, [secret]);
    expect(server.calls).toEqual([]);
  });

  it('refuses a plain-http API URL before fetching any token', async () => {
    const error = await rejectionOf(newClient().authorize(get('http://api.example.com/data')));
    expect(OAuthError.isInstance(error) && error.code).toBe('ERR_INSECURE_TRANSPORT');
    expect(server.calls).toEqual([]);
  });

  it('exposes its settings', () => {
    const client = newClient({ audience: 'https://as.example.com' });
    expect(client).toMatchObject({
      tokenEndpoint: server.tokenEndpoint,
      issuer: ISSUER,
      subject: 'alice@example.com',
      audience: 'https://as.example.com',
      scope: 'read write',
      alg: 'RS256',
      leeway: 60,
      expiresIn: 60,
    });
    expect(client.token as OAuth2Token | undefined).toBeUndefined();
  });
});
