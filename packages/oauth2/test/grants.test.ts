import { inspect } from 'node:util';
import { MissingTokenError, OAuth2Token } from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Client, type OAuth2ClientOptions } from '../src/index.js';
import { ManualClock, sendJson, startServer, type TestServer, transport } from './support.js';

let as: TestServer;
let issued = 0;

beforeAll(async () => {
  as = await startServer();
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
  issued = 0;
});

/** An authorization server that issues a numbered token for every grant it accepts. */
function standardServer(extra: Record<string, unknown> = {}): void {
  as.handle((req, res) => {
    if (req.url === '/revoke') return void res.writeHead(200).end();
    if (req.url === '/introspect') {
      return sendJson(res, 200, {
        active: req.form.token === 'at-1',
        scope: 'read',
        exp: 1,
        aud: ['x'],
      });
    }
    issued += 1;
    sendJson(res, 200, {
      access_token: `at-${issued}`,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: `rt-${issued}`,
      grant: req.form.grant_type,
      ...extra,
    });
  });
}

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: 'app-secret',
    redirectUri: 'https://app.example.com/cb',
    tokenEndpoint: `${as.origin}/token`,
    metadata: {
      issuer: 'https://as.example.com',
      authorization_endpoint: 'https://as.example.com/authorize',
      revocation_endpoint: `${as.origin}/revoke`,
      introspection_endpoint: `${as.origin}/introspect`,
    },
    allowInsecureTransport: true,
    transport,
    ...options,
  });
}

describe('authorization code grant', () => {
  it('exchanges the callback URL: same redirect_uri, the code_verifier, the state checked', async () => {
    standardServer();
    const c = client();
    const { state, codeVerifier } = await c.createAuthorizationUrl();
    const token = await c.fetchToken({
      authorizationResponse: `https://app.example.com/cb?code=the-code&state=${state}`,
    });
    expect(token.access_token).toBe('at-1');
    expect(c.token).toBe(token);
    const [req] = as.requests;
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.form).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'https://app.example.com/cb',
      code_verifier: codeVerifier,
    });
  });

  it('web-app shape: a fresh client on the callback, given the stored state and verifier', async () => {
    standardServer();
    const first = await client().createAuthorizationUrl({
      redirectUri: 'https://app.example.com/other',
    });
    const callback = client();
    await callback.fetchToken({
      authorizationResponse: `/other?code=c2&state=${first.state}`,
      state: first.state,
      codeVerifier: first.codeVerifier,
      redirectUri: 'https://app.example.com/other',
    });
    expect(as.requests[0]?.form).toMatchObject({
      code: 'c2',
      code_verifier: first.codeVerifier,
      redirect_uri: 'https://app.example.com/other',
    });
  });

  it('remembers the redirect_uri used in the authorization URL', async () => {
    standardServer();
    const c = client();
    const { state } = await c.createAuthorizationUrl({
      redirectUri: 'https://app.example.com/alt',
    });
    await c.fetchToken({
      authorizationResponse: `https://app.example.com/alt?code=x&state=${state}`,
    });
    expect(as.requests[0]?.form.redirect_uri).toBe('https://app.example.com/alt');
  });

  it('accepts a bare code, and the token endpoint as first argument', async () => {
    standardServer();
    const token = await client({ tokenEndpoint: undefined }).fetchToken(`${as.origin}/token`, {
      code: 'abc',
      codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
    expect(token.grant).toBe('authorization_code');
    expect(as.requests[0]?.url).toBe('/token');
    expect(as.requests[0]?.form).toMatchObject({
      code: 'abc',
      redirect_uri: 'https://app.example.com/cb',
    });
  });
});

describe('other grants', () => {
  it('password grant sends username, password and the default scope', async () => {
    standardServer();
    const c = client({ scope: ['read', 'write'] });
    const token = await c.fetchToken({ username: 'alice', password: 'p@ss word' });
    expect(token.grant).toBe('password');
    expect(as.requests[0]?.form).toEqual({
      grant_type: 'password',
      username: 'alice',
      password: 'p@ss word',
      scope: 'read write',
    });
  });

  it('client credentials grant (inferred), with a scope override and extra parameters', async () => {
    standardServer();
    const token = await client({ scope: 'default' }).fetchToken({
      scope: ['a', 'b'],
      audience: 'https://api.example.com',
    });
    expect(token.grant).toBe('client_credentials');
    expect(as.requests[0]?.form).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
      audience: 'https://api.example.com',
    });
  });

  it('any extension grant by grantType, with its parameters', async () => {
    standardServer();
    const grantType = 'urn:ietf:params:oauth:grant-type:device_code';
    await client().fetchToken({ grantType, device_code: 'dev-123', resource: ['r1', 'r2'] });
    expect(as.requests[0]?.body).toBe(
      `grant_type=${encodeURIComponent(grantType)}&device_code=dev-123&resource=r1&resource=r2`,
    );
  });

  it('implicit grant: the token comes from the fragment, no request is sent', async () => {
    standardServer();
    const clock = new ManualClock();
    const c = client({ clock });
    const { state } = await c.createAuthorizationUrl({ responseType: 'token' });
    const token = await c.fetchToken({
      authorizationResponse: `https://app.example.com/cb#access_token=imp-1&token_type=bearer&expires_in=600&scope=a+b&state=${state}`,
    });
    expect(as.requests).toHaveLength(0);
    expect(token.access_token).toBe('imp-1');
    expect(token.expires_in).toBe(600);
    expect(token.expires_at).toBe(Math.floor(clock.ms / 1000) + 600);
    expect(token.scope).toBe('a b');
    expect(token.state).toBeUndefined();
    expect(c.token).toBe(token);
  });

  it('implicit grant by grantType on a fresh client checks the stored state', async () => {
    const c = client();
    const url = 'https://app.example.com/cb#access_token=imp-2&token_type=Bearer&state=s1';
    await expect(
      c.fetchToken({ grantType: 'implicit', authorizationResponse: url, state: 's2' }),
    ).rejects.toMatchObject({
      code: 'ERR_MISMATCHING_STATE',
    });
    const token = await c.fetchToken({
      grantType: 'implicit',
      authorizationResponse: url,
      state: 's1',
    });
    expect(token.access_token).toBe('imp-2');
  });

  it('computes expires_at from the moment the response arrived, on the injected clock', async () => {
    standardServer();
    const clock = new ManualClock(1_000_000_000_000);
    const token = await client({ clock }).fetchToken();
    expect(token.expires_at).toBe(1_000_000_000 + 3600);
  });
});

describe('refresh', () => {
  it('sends the refresh token, keeps the old one when none comes back, calls updateToken', async () => {
    as.handle((_req, res) =>
      sendJson(res, 200, { access_token: 'at-new', token_type: 'bearer', expires_in: 60 }),
    );
    const updateToken = vi.fn();
    const c = client({
      token: { access_token: 'at-old', token_type: 'Bearer', refresh_token: 'rt-old' },
      updateToken,
    });
    const token = await c.refreshToken();
    expect(as.requests[0]?.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old' });
    expect(token.refresh_token).toBe('rt-old');
    expect(c.token).toBe(token);
    expect(updateToken).toHaveBeenCalledTimes(1);
    expect(updateToken.mock.calls[0]?.[0]).toBe(token);
    expect(updateToken.mock.calls[0]?.[1]).toEqual({
      refreshToken: 'rt-old',
      accessToken: 'at-old',
    });
  });

  it('a rotated refresh token replaces the old one', async () => {
    standardServer();
    const c = client({ token: { access_token: 'x', token_type: 'Bearer', refresh_token: 'rt-0' } });
    await c.refreshToken();
    expect(c.token?.refresh_token).toBe('rt-1');
    await c.refreshToken({ scope: 'narrow' });
    expect(as.requests[1]?.form).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      scope: 'narrow',
    });
    expect(c.token?.refresh_token).toBe('rt-2');
  });

  it('an explicit refresh token is used (and updateToken gets no unrelated access token)', async () => {
    standardServer();
    const updateToken = vi.fn();
    const c = client({
      token: { access_token: 'a', token_type: 'Bearer', refresh_token: 'mine' },
      updateToken,
    });
    await c.refreshToken(`${as.origin}/token`, { refreshToken: 'other' });
    expect(as.requests[0]?.form.refresh_token).toBe('other');
    expect(updateToken.mock.calls[0]?.[1]).toEqual({
      refreshToken: 'other',
      accessToken: undefined,
    });
  });

  it('refuses to refresh without a refresh token', async () => {
    const c = client({ token: { access_token: 'a', token_type: 'Bearer' } });
    await expect(c.refreshToken()).rejects.toBeInstanceOf(MissingTokenError);
    expect(as.requests).toHaveLength(0);
  });
});

describe('revocation and introspection', () => {
  it('revokes the current access token or, with the hint, its refresh token', async () => {
    standardServer();
    const c = client({
      token: { access_token: 'at-x', token_type: 'Bearer', refresh_token: 'rt-x' },
    });
    await c.revokeToken();
    await c.revokeToken(undefined, undefined, { tokenTypeHint: 'refresh_token' });
    await c.revokeToken(`${as.origin}/revoke`, 'explicit');
    expect(as.requests.map((r) => r.form)).toEqual([
      { token: 'at-x' },
      { token: 'rt-x', token_type_hint: 'refresh_token' },
      { token: 'explicit' },
    ]);
    expect(as.requests[0]?.headers.authorization).toMatch(/^Basic /);
    expect(c.token?.access_token).toBe('at-x');
  });

  it('surfaces a revocation error as an OAuth2ResponseError', async () => {
    as.handle((_req, res) => sendJson(res, 400, { error: 'unsupported_token_type' }));
    const c = client({ token: { access_token: 'at-x', token_type: 'Bearer' } });
    await expect(c.revokeToken()).rejects.toMatchObject({
      code: 'ERR_OAUTH_RESPONSE',
      error: 'unsupported_token_type',
      status: 400,
    });
  });

  it('introspects a token and validates the response', async () => {
    standardServer();
    const c = client({ token: { access_token: 'at-1', token_type: 'Bearer' } });
    const info = await c.introspectToken();
    expect(info).toEqual({ active: true, scope: 'read', exp: 1, aud: ['x'] });
    expect(as.requests[0]?.form).toEqual({ token: 'at-1' });
    expect(await c.introspectToken(undefined, 'other', { tokenTypeHint: 'access_token' })).toEqual({
      active: false,
      scope: 'read',
      exp: 1,
      aud: ['x'],
    });
    as.handle((_req, res) => sendJson(res, 200, { scope: 'read' }));
    await expect(c.introspectToken()).rejects.toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      status: 200,
    });
    as.handle((_req, res) => sendJson(res, 200, { active: true, exp: '1' }));
    await expect(c.introspectToken()).rejects.toThrow(/exp must be a number/);
  });

  it('refuses when there is no token to send or no endpoint', async () => {
    await expect(client().revokeToken()).rejects.toBeInstanceOf(MissingTokenError);
    await expect(client({ metadata: {} }).introspectToken(undefined, 'x')).rejects.toThrow(
      /no introspection endpoint/,
    );
  });
});

describe('token property', () => {
  it('rehydrates plain fields and can be replaced or cleared', () => {
    const clock = new ManualClock();
    const c = client({
      clock,
      token: { access_token: 'a', token_type: 'Bearer', expires_in: 100 },
    });
    expect(c.token).toBeInstanceOf(OAuth2Token);
    expect(c.token?.expires_at).toBe(Math.floor(clock.ms / 1000) + 100);
    c.token = { access_token: 'b', token_type: 'Bearer', expires_at: 5 };
    expect(c.token?.expires_at).toBe(5);
    c.token = undefined;
    expect(c.token).toBeUndefined();
    expect(() => {
      c.token = { access_token: 42 } as never;
    }).toThrow(/access_token/);
  });

  it('never shows the client secret or the tokens when inspected or serialized', () => {
    const c = client({
      token: { access_token: 'at-hidden-1', token_type: 'Bearer', refresh_token: 'rt-hidden-1' },
    });
    for (const rendering of [inspect(c, { depth: 8 }), JSON.stringify(c), inspect(c.token)]) {
      for (const secret of ['app-secret', 'at-hidden-1', 'rt-hidden-1'])
        expect(rendering).not.toContain(secret);
    }
  });
});
