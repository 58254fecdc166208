import { OAuth2Token } from '@x/core';
import {
  type AuthorizationServer,
  startAuthorizationServer,
  startHttpServer,
  TEST_REDIRECT_URI,
  type TestClient,
  type TestServer,
} from '@x/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  discover,
  IdTokenError,
  OIDCClient,
  type OIDCClientOptions,
  type OpenIDProviderMetadata,
  RemoteKeySet,
} from '../src/index.js';
import { movableClock, recordingTransport, seconds, sign, testKey } from './support.js';

// OIDCClient against a real OpenID Provider (oidc-provider) on loopback:
// discovery, the code flow with PKCE and nonce, userinfo, refresh, key
// rotation, implicit and hybrid responses, HS256 id_tokens and logout.

const POST_LOGOUT = 'http://127.0.0.1/bye';
let as: AuthorizationServer;
let metadata: OpenIDProviderMetadata;
const { transport, sent } = recordingTransport();

beforeAll(async () => {
  as = await startAuthorizationServer({
    clients: {
      web: {
        client_id: 'web-client',
        client_secret: 'web-client-secret-0123456789abcdefghijklmnop',
        token_endpoint_auth_method: 'client_secret_basic',
        post_logout_redirect_uris: [POST_LOGOUT],
      },
      signed: {
        client_id: 'signed-userinfo-client',
        client_secret: 'signed-client-secret-0123456789abcdefghijklmn',
        userinfo_signed_response_alg: 'RS256',
      },
      hs: {
        client_id: 'hs256-client',
        client_secret: 'hs256-client-secret-0123456789abcdefghijklmno',
        id_token_signed_response_alg: 'HS256',
      },
      hybrid: {
        client_id: 'hybrid-client',
        client_secret: 'hybrid-client-secret-0123456789abcdefghijklmn',
        application_type: 'native',
        grant_types: ['authorization_code', 'implicit', 'refresh_token'],
        response_types: [
          'code',
          'code id_token',
          'code id_token token',
          'id_token token',
          'id_token',
        ],
      },
    },
    configuration: {
      enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
      responseTypes: ['code', 'code id_token', 'code id_token token', 'id_token token', 'id_token'],
      features: {
        jwtUserinfo: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx: { body: string }, form: string) => {
            ctx.body = `<!doctype html>${form}`;
          },
        },
      },
    },
  });
  metadata = await discover(as.issuer, { transport, allowInsecureTransport: true });
});

afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

function clientFor(test: TestClient, options: Partial<OIDCClientOptions> = {}): OIDCClient {
  return new OIDCClient({
    clientId: test.client_id,
    ...(test.client_secret === undefined ? {} : { clientSecret: test.client_secret }),
    tokenEndpointAuthMethod: test.token_endpoint_auth_method,
    redirectUri: test.redirect_uri,
    metadata,
    transport,
    allowInsecureTransport: true,
    ...options,
  });
}

describe('discovery', () => {
  it('reads the OpenID Connect document', async () => {
    expect(metadata).toMatchObject({
      issuer: as.issuer,
      authorization_endpoint: as.endpoints.authorization,
      token_endpoint: as.endpoints.token,
      jwks_uri: as.endpoints.jwks,
      userinfo_endpoint: as.endpoints.userinfo,
    });
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  });

  it('reads the RFC 8414 document', async () => {
    const before = as.countRequests('/.well-known/oauth-authorization-server');
    const oauth = await discover(as.issuer, {
      transport,
      allowInsecureTransport: true,
      wellKnown: 'oauth-authorization-server',
    });
    expect(oauth.issuer).toBe(as.issuer);
    expect(oauth.token_endpoint).toBe(as.endpoints.token);
    expect(as.countRequests('/.well-known/oauth-authorization-server')).toBe(before + 1);
  });

  it('refuses a document whose issuer is not exactly the one asked for', async () => {
    // Same document (the trailing slash is dropped to build the URL), different identifier.
    await expect(
      discover(`${as.issuer}/`, { transport, allowInsecureTransport: true }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE', message: /not the issuer asked for/ });
  });

  it('refuses plain http without allowInsecureTransport', async () => {
    await expect(discover(as.issuer, { transport })).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
  });

  it('builds a working client with OIDCClient.discover', async () => {
    const client = await OIDCClient.discover(as.issuer, {
      clientId: as.clients.public?.client_id ?? '',
      redirectUri: TEST_REDIRECT_URI,
      transport,
      allowInsecureTransport: true,
    });
    expect(client.issuer).toBe(as.issuer);
    expect(client.metadata.userinfo_endpoint).toBe(as.endpoints.userinfo);
  });
});

describe('the code flow with PKCE and nonce', () => {
  it('validates the id_token and exposes its claims; the token round-trips through JSON', async () => {
    const client = clientFor(as.clients.public as TestClient);
    const { url, nonce, codeVerifier } = await client.createAuthorizationUrl({ maxAge: 600 });
    const sentUrl = new URL(url);
    expect(sentUrl.searchParams.get('scope')).toBe('openid');
    expect(sentUrl.searchParams.get('nonce')).toBe(nonce);
    expect(sentUrl.searchParams.get('max_age')).toBe('600');
    expect(sentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(codeVerifier).toBeDefined();
    expect(nonce).toMatch(/^[A-Za-z0-9]{43}$/);

    const token = await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    expect(token.id_token).toEqual(expect.any(String));
    expect(client.claims).toMatchObject({
      iss: as.issuer,
      sub: 'alice',
      aud: client.clientId,
      nonce,
      auth_time: expect.any(Number),
    });

    const stored = JSON.parse(JSON.stringify(token));
    const again = clientFor(as.clients.public as TestClient, { token: OAuth2Token.from(stored) });
    expect(again.token?.toJSON()).toEqual(token.toJSON());
    expect(again.claims).toEqual(client.claims);
  });

  it('works in a web app: a fresh client per request, state, verifier and nonce from the session', async () => {
    const login = clientFor(as.clients.web as TestClient, { scope: 'api:read' });
    const session = await login.createAuthorizationUrl();
    expect(new URL(session.url).searchParams.get('scope')).toBe('openid api:read');
    const callback = await as.authorize(session.url, { login: 'bob' });

    const client = clientFor(as.clients.web as TestClient, { scope: 'api:read' });
    const { state, codeVerifier, nonce } = session;
    const token = await client.fetchToken({
      authorizationResponse: callback,
      state,
      codeVerifier,
      nonce,
    });
    expect(client.claims?.sub).toBe('bob');
    expect(token.scope).toContain('openid');
  });

  it('refuses the id_token, and stores nothing, when the nonce is not the one sent', async () => {
    for (const [nonce, check] of [
      ['not-the-nonce-that-was-sent', 'nonce'],
      [undefined, 'nonce-unexpected'],
    ] as const) {
      const login = clientFor(as.clients.web as TestClient);
      const session = await login.createAuthorizationUrl();
      const callback = await as.authorize(session.url);
      const client = clientFor(as.clients.web as TestClient);
      const error = await client
        .fetchToken({
          authorizationResponse: callback,
          state: session.state,
          codeVerifier: session.codeVerifier,
          nonce,
        })
        .catch((e: unknown) => e);
      expect(IdTokenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_ID_TOKEN_NONCE', check });
      expect(client.token).toBeUndefined();
      expect(client.claims).toBeUndefined();
    }
  });

  it('keeps concurrent logins on one client apart: each call is checked against its own nonce', async () => {
    const login = clientFor(as.clients.web as TestClient);
    const sessions = [
      await login.createAuthorizationUrl(),
      await login.createAuthorizationUrl(),
      await login.createAuthorizationUrl(),
    ];
    const users = ['alice', 'bob', 'carol'];
    const callbacks = await Promise.all(
      sessions.map((session, i) => as.authorize(session.url, { login: users[i] })),
    );
    const shared = clientFor(as.clients.web as TestClient);
    const exchange = (i: number, nonce: string | undefined) =>
      shared
        .fetchToken({ authorizationResponse: callbacks[i], ...sessions[i], nonce })
        .then((token) => token.id_token)
        .catch((e: unknown) => e);
    // All three in flight at once on one client: alice and bob with their own nonces (state
    // shared between calls would check one against the other's), carol with alice's.
    const [alice, bob, carol] = await Promise.all([
      exchange(0, sessions[0]?.nonce),
      exchange(1, sessions[1]?.nonce),
      exchange(2, sessions[0]?.nonce),
    ]);
    expect([typeof alice, typeof bob]).toEqual(['string', 'string']);
    expect(carol).toMatchObject({ code: 'ERR_ID_TOKEN_NONCE', check: 'nonce' });
    expect(['alice', 'bob']).toContain(shared.claims?.sub); // the refused login stored nothing
  });

  it('refuses a token response without an id_token to an authentication request', async () => {
    const client = clientFor(as.clients.web as TestClient);
    client.registerComplianceHook('accessTokenResponse', (response) => {
      const { id_token: _dropped, ...rest } = JSON.parse(response.body);
      return { ...response, body: JSON.stringify(rest) };
    });
    const { url } = await client.createAuthorizationUrl();
    await expect(
      client.fetchToken({ authorizationResponse: await as.authorize(url) }),
    ).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_MISSING' });
    expect(client.token).toBeUndefined();
  });

  it('validates HS256 id_tokens with the client secret', async () => {
    const client = clientFor(as.clients.hs as TestClient, { idTokenSignedResponseAlg: 'HS256' });
    const { url } = await client.createAuthorizationUrl();
    await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    expect(client.claims?.sub).toBe('alice');
    expect(client.keys).toBeUndefined();
  });

  it('refuses RS256 id_tokens when the client registered HS256', async () => {
    const client = clientFor(as.clients.web as TestClient, { idTokenSignedResponseAlg: 'HS256' });
    const { url } = await client.createAuthorizationUrl();
    await expect(
      client.fetchToken({ authorizationResponse: await as.authorize(url) }),
    ).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_ALG', check: 'alg' });
  });
});

describe('userinfo', () => {
  let stub: TestServer;
  beforeAll(async () => {
    stub = await startHttpServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ sub: 'mallory', email: 'mallory@example.com' }));
    });
  });
  afterAll(async () => {
    await stub.close();
  });

  async function loggedIn(test: TestClient, options: Partial<OIDCClientOptions> = {}) {
    const client = clientFor(test, options);
    const { url } = await client.createAuthorizationUrl();
    await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    return client;
  }

  it('returns the claims when sub matches the id_token', async () => {
    const client = await loggedIn(as.clients.web as TestClient);
    await expect(client.userinfo()).resolves.toEqual({ sub: 'alice' });
    const request = sent.filter((r) => r.url === as.endpoints.userinfo).at(-1);
    expect(request?.headers.get('authorization')).toBe(`Bearer ${client.token?.access_token}`);
  });

  it('verifies a signed (application/jwt) response', async () => {
    const client = await loggedIn(as.clients.signed as TestClient, {
      userinfoSignedResponseAlg: 'RS256',
    });
    await expect(client.userinfo()).resolves.toMatchObject({ sub: 'alice', iss: as.issuer });
  });

  it('refuses a signed response when none was registered', async () => {
    const client = await loggedIn(as.clients.signed as TestClient);
    await expect(client.userinfo()).rejects.toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      message: /userinfoSignedResponseAlg/,
    });
  });

  it('refuses a response about another user (sub mismatch)', async () => {
    const client = await loggedIn(as.clients.web as TestClient);
    const elsewhere = new OIDCClient({
      clientId: client.clientId,
      clientSecret: (as.clients.web as TestClient).client_secret,
      metadata: { ...metadata, userinfo_endpoint: stub.url },
      token: client.token,
      transport,
      allowInsecureTransport: true,
    });
    await expect(elsewhere.userinfo()).rejects.toMatchObject({ code: 'ERR_USERINFO_SUB' });
    expect(stub.requests).toHaveLength(1);
  });
});

describe('refresh', () => {
  it('validates the refreshed id_token (same iss, sub, aud) and stores it', async () => {
    const updateToken = vi.fn();
    const client = clientFor(as.clients.web as TestClient, { updateToken });
    const received: unknown[] = [];
    client.registerComplianceHook('refreshTokenResponse', (response) => {
      received.push(JSON.parse(response.body).id_token);
      return response;
    });
    const { url } = await client.createAuthorizationUrl({ maxAge: 3600 });
    await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    const original = client.claims;
    expect(original?.auth_time).toEqual(expect.any(Number));

    const refreshed = await client.refreshToken();
    expect(received).toEqual([expect.any(String)]); // the provider sent one
    expect(refreshed.id_token).toBe(received[0]);
    expect(client.claims).toMatchObject({
      iss: original?.iss,
      sub: original?.sub,
      aud: original?.aud,
      auth_time: original?.auth_time,
    });
    expect(updateToken).toHaveBeenCalledTimes(1);
    expect(updateToken.mock.calls[0]?.[0]?.id_token).toBe(refreshed.id_token);
  });

  it('keeps the previous id_token when the refresh response has none', async () => {
    const client = clientFor(as.clients.web as TestClient);
    client.registerComplianceHook('refreshTokenResponse', (response) => {
      const { id_token: _dropped, ...rest } = JSON.parse(response.body);
      return { ...response, body: JSON.stringify(rest) };
    });
    const { url } = await client.createAuthorizationUrl();
    const first = await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    const refreshed = await client.refreshToken();
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed.id_token).toBe(first.id_token);
    expect(client.claims?.sub).toBe('alice');
  });
});

describe('key rotation', () => {
  // A server of its own: after the rotation, clients sharing the main
  // server's key set would wait out the cooldown.
  let rotating: AuthorizationServer;
  beforeAll(async () => {
    rotating = await startAuthorizationServer();
  });
  afterAll(async () => {
    expect(rotating.serverErrors).toEqual([]);
    await rotating.close();
  });

  it('refetches the key set once for a new kid and accepts it; unknown kids cause at most one fetch per cooldown', async () => {
    const clock = movableClock();
    const discovered = await discover(rotating.issuer, { transport, allowInsecureTransport: true });
    const keys = new RemoteKeySet(discovered.jwks_uri as string, {
      transport,
      allowInsecureTransport: true,
      clock,
    });
    const client = clientFor(rotating.clients.basic as TestClient, { keys, metadata: discovered });
    const jwksRequests = () => rotating.countRequests('/jwks');
    const start = jwksRequests();

    const { url } = await client.createAuthorizationUrl();
    await client.fetchToken({ authorizationResponse: await rotating.authorize(url) });
    expect(jwksRequests()).toBe(start + 1);

    const newKid = await rotating.rotateSigningKey();
    clock.advance(31); // past the cooldown since the first fetch
    const refreshed = await client.refreshToken();
    expect(
      JSON.parse(Buffer.from(refreshed.id_token?.split('.')[0] ?? '', 'base64url').toString()),
    ).toMatchObject({ kid: newKid });
    expect(client.claims?.sub).toBe('alice');
    expect(jwksRequests()).toBe(start + 2);

    // A flood of tokens signed by a key the provider never published.
    const rogue = await testKey('RS256', 'rogue-kid');
    const now = seconds(clock);
    const forged = await sign(
      { iss: rotating.issuer, sub: 'alice', aud: client.clientId, iat: now, exp: now + 60 },
      rogue.privateKey,
      { alg: 'RS256', kid: 'rogue-kid' },
    );
    const flood = async (count: number) => {
      const results = await Promise.allSettled(
        Array.from({ length: count }, () => client.validateIdToken(forged)),
      );
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toMatchObject({
          code: 'ERR_ID_TOKEN_KEY',
        });
      }
    };
    await flood(100); // within the cooldown of the rotation fetch: no fetch at all
    for (let i = 0; i < 20; i++) await flood(1);
    expect(jwksRequests()).toBe(start + 2);

    clock.advance(31); // one more fetch is allowed, one only
    await flood(100);
    await flood(100);
    expect(jwksRequests()).toBe(start + 3);
    // The provider's tokens still validate from the cache.
    await client.refreshToken();
    expect(jwksRequests()).toBe(start + 3);
  });
});

describe('implicit and hybrid responses', () => {
  const hybrid = () => clientFor(as.clients.hybrid as TestClient);

  for (const responseType of ['code id_token', 'code id_token token']) {
    it(`${responseType}: validates the front-channel id_token (c_hash), then exchanges the code`, async () => {
      const client = hybrid();
      const { url, nonce } = await client.createAuthorizationUrl({ responseType });
      const callback = await as.authorize(url);
      const fragment = new URLSearchParams(new URL(callback).hash.slice(1));
      expect(fragment.get('id_token')).toEqual(expect.any(String));
      const front = await client.processAuthenticationResponse(callback);
      expect(front.claims.c_hash).toEqual(expect.any(String));
      expect(front.claims.nonce).toBe(nonce);

      const token = await client.fetchToken({ authorizationResponse: callback });
      expect(token.access_token).not.toBe(fragment.get('access_token'));
      expect(client.claims?.sub).toBe(front.claims.sub);
    });
  }

  it('refuses a hybrid response whose code was swapped (c_hash) before exchanging it', async () => {
    const client = hybrid();
    const { url } = await client.createAuthorizationUrl({ responseType: 'code id_token' });
    const callback = new URL(await as.authorize(url));
    const fragment = new URLSearchParams(callback.hash.slice(1));
    fragment.set('code', `${fragment.get('code')}x`);
    callback.hash = fragment.toString();
    const tokenRequests = sent.filter((r) => r.url === as.endpoints.token).length;
    await expect(client.fetchToken({ authorizationResponse: callback.href })).rejects.toMatchObject(
      {
        code: 'ERR_ID_TOKEN_C_HASH',
        check: 'c-hash',
      },
    );
    expect(sent.filter((r) => r.url === as.endpoints.token).length).toBe(tokenRequests);
    expect(client.token).toBeUndefined();
  });

  it('id_token token (implicit): validates the id_token (at_hash) and keeps the fragment token', async () => {
    const client = hybrid();
    const { url } = await client.createAuthorizationUrl({ responseType: 'id_token token' });
    const callback = await as.authorize(url);
    const fragment = new URLSearchParams(new URL(callback).hash.slice(1));
    const token = await client.fetchToken({ authorizationResponse: callback });
    expect(token.access_token).toBe(fragment.get('access_token'));
    expect(token.id_token).toBe(fragment.get('id_token'));
    expect(client.claims?.at_hash).toEqual(expect.any(String));
    await expect(client.userinfo()).resolves.toEqual({ sub: 'alice' });
  });

  it('refuses an implicit response whose access token was swapped (at_hash)', async () => {
    const client = hybrid();
    const { url } = await client.createAuthorizationUrl({ responseType: 'id_token token' });
    const callback = new URL(await as.authorize(url));
    const fragment = new URLSearchParams(callback.hash.slice(1));
    fragment.set('access_token', 'an-access-token-from-elsewhere');
    callback.hash = fragment.toString();
    await expect(client.fetchToken({ authorizationResponse: callback.href })).rejects.toMatchObject(
      {
        code: 'ERR_ID_TOKEN_AT_HASH',
      },
    );
    expect(client.token).toBeUndefined();
  });

  it('id_token only: processAuthenticationResponse returns the claims; fetchToken has nothing to store', async () => {
    const client = hybrid();
    const { url } = await client.createAuthorizationUrl({ responseType: 'id_token' });
    const callback = await as.authorize(url);
    const { claims } = await client.processAuthenticationResponse(callback);
    expect(claims.sub).toBe('alice');
    await expect(client.fetchToken({ authorizationResponse: callback })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('logout', () => {
  it('builds an end-session URL the provider accepts', async () => {
    const client = clientFor(as.clients.web as TestClient);
    const { url } = await client.createAuthorizationUrl();
    const token = await client.fetchToken({ authorizationResponse: await as.authorize(url) });
    const logout = new URL(
      client.endSessionUrl({ postLogoutRedirectUri: POST_LOGOUT, state: 'bye-state' }),
    );
    expect(logout.origin + logout.pathname).toBe(metadata.end_session_endpoint);
    expect(Object.fromEntries(logout.searchParams)).toEqual({
      id_token_hint: token.id_token,
      client_id: client.clientId,
      post_logout_redirect_uri: POST_LOGOUT,
      state: 'bye-state',
    });
    const response = await fetch(logout, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form');

    const wrong = new URL(logout);
    wrong.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1/not-registered');
    expect((await fetch(wrong, { redirect: 'manual' })).status).toBe(400);
  });
});
