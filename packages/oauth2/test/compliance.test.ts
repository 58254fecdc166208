import {
  type HttpRequest,
  InvalidArgumentError,
  InvalidResponseError,
  OAuth2ResponseError,
} from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bearerTokenType,
  camelCaseTokenResponse,
  commaSeparatedScope,
  compliance,
  expiresField,
  formEncodedTokenResponse,
  missingTokenType,
  OAuth2Client,
  type OAuth2ClientOptions,
  slackTokenResponse,
  tokenAsParameter,
} from '../src/index.js';
import {
  ManualClock,
  sendJson,
  sendRaw,
  startServer,
  type TestServer,
  transport,
} from './support.js';

/** Token endpoints that misbehave like real providers, by path. */
const PROVIDERS: Record<
  string,
  (form: Record<string, string>) => [number, string, Record<string, string>]
> = {
  '/github': () => [
    200,
    'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer',
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  ],
  '/facebook': () => [
    200,
    'access_token=EAAB-facebook&expires=5183999',
    { 'content-type': 'text/plain; charset=UTF-8' },
  ],
  '/weibo': () => [
    200,
    JSON.stringify({
      access_token: '2.00weibo',
      expires_in: 157679999,
      remind_in: '157679999',
      uid: '1404376560',
    }),
    { 'content-type': 'application/json' },
  ],
  '/ebay': () => [
    200,
    JSON.stringify({
      access_token: 'v^1.1#ebay',
      expires_in: 7200,
      token_type: 'Application Access Token',
    }),
    { 'content-type': 'application/json' },
  ],
  '/plenty': () => [
    200,
    JSON.stringify({
      accessToken: 'plenty-at',
      tokenType: 'Bearer',
      expiresIn: 86400,
      refreshToken: 'plenty-rt',
    }),
    { 'content-type': 'application/json' },
  ],
  '/strava': () => [
    200,
    JSON.stringify({
      token_type: 'Bearer',
      access_token: 'strava-at',
      expires_in: 21600,
      refresh_token: 'strava-rt',
      scope: 'read,activity:read_all',
    }),
    { 'content-type': 'application/json' },
  ],
  '/slack': (form) =>
    form.code === 'bad'
      ? [
          200,
          JSON.stringify({ ok: false, error: 'invalid_code' }),
          { 'content-type': 'application/json' },
        ]
      : [
          200,
          JSON.stringify({
            ok: true,
            access_token: 'xoxb-bot',
            token_type: 'bot',
            scope: 'commands,chat:write',
            team: { id: 'T1' },
            authed_user: {
              id: 'U1',
              scope: 'identify,users:read',
              access_token: 'xoxp-user',
              token_type: 'user',
            },
          }),
          { 'content-type': 'application/json' },
        ],
};

let as: TestServer;
beforeAll(async () => {
  as = await startServer((req, res) => {
    const path = req.url.split('?')[0] ?? '';
    const provider = PROVIDERS[path];
    if (provider) {
      const [status, body, headers] = provider(req.form);
      return sendRaw(res, status, body, headers);
    }
    if (path === '/api') return sendJson(res, 200, { ok: true });
    if (path === '/revoke') return void res.writeHead(200).end();
    if (path === '/introspect') return sendJson(res, 200, { active: true });
    sendJson(res, 200, {
      access_token: `at-${req.form.grant_type}`,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: 'rt-next',
    });
  });
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
});

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: 'sec',
    tokenEndpoint: `${as.origin}/token`,
    metadata: {
      revocation_endpoint: `${as.origin}/revoke`,
      introspection_endpoint: `${as.origin}/introspect`,
    },
    allowInsecureTransport: true,
    transport,
    ...options,
  });
}

describe('registerComplianceHook', () => {
  it('runs hooks of a type in registration order, async allowed', async () => {
    const c = client();
    const order: string[] = [];
    c.registerComplianceHook('accessTokenResponse', async (response) => {
      order.push('first');
      await new Promise((r) => setTimeout(r, 5));
      return { ...response, body: response.body.replace('at-client_credentials', 'changed-once') };
    });
    c.registerComplianceHook('accessTokenResponse', (response) => {
      order.push('second');
      return { ...response, body: response.body.replace('changed-once', 'changed-twice') };
    });
    const token = await c.fetchToken();
    expect(order).toEqual(['first', 'second']);
    expect(token.access_token).toBe('changed-twice');
  });

  it('request hooks see the request before client authentication; the protected hook after placement', async () => {
    const seen: Record<string, HttpRequest> = {};
    const c = client({
      token: { access_token: 'at0', token_type: 'Bearer', refresh_token: 'rt0' },
    });
    for (const type of [
      'refreshTokenRequest',
      'revokeTokenRequest',
      'introspectTokenRequest',
      'protectedRequest',
    ] as const) {
      c.registerComplianceHook(type, (request) => {
        seen[type] = request;
        const out = { ...request, headers: new Headers(request.headers) };
        out.headers.set('x-hooked', type);
        return out;
      });
    }
    const responses: number[] = [];
    c.registerComplianceHook('refreshTokenResponse', (response) => {
      responses.push(response.status);
      return response;
    });
    await c.refreshToken();
    await c.revokeToken();
    await c.introspectToken();
    const protectedRequest = await c.authorize({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: new Headers(),
    });

    expect(seen.refreshTokenRequest?.body).toBe('grant_type=refresh_token&refresh_token=rt0');
    expect(seen.refreshTokenRequest?.headers.has('authorization')).toBe(false);
    expect(seen.revokeTokenRequest?.body).toBe('token=at-refresh_token');
    expect(seen.introspectTokenRequest?.body).toBe('token=at-refresh_token');
    expect(seen.protectedRequest?.headers.get('authorization')).toBe('Bearer at-refresh_token');
    expect(protectedRequest.headers.get('x-hooked')).toBe('protectedRequest');
    expect(responses).toEqual([200]);
    expect(
      as.requests.map((r) => [r.url, r.headers['x-hooked'], r.headers.authorization?.slice(0, 6)]),
    ).toEqual([
      ['/token', 'refreshTokenRequest', 'Basic '],
      ['/revoke', 'revokeTokenRequest', 'Basic '],
      ['/introspect', 'introspectTokenRequest', 'Basic '],
    ]);
  });

  it('refuses unknown types and hooks that return nothing', async () => {
    const c = client();
    expect(() =>
      c.registerComplianceHook('accessTokenRequest' as never, ((r: unknown) => r) as never),
    ).toThrow(InvalidArgumentError);
    c.registerComplianceHook('accessTokenResponse', (() => undefined) as never);
    await expect(c.fetchToken()).rejects.toThrow(/must return an HttpResponse/);
    expect(c.token).toBeUndefined();
  });
});

describe('ready-made fixes against misbehaving providers', () => {
  it('GitHub: form-encoded body and comma-separated scopes', async () => {
    const plain = client({ tokenEndpoint: `${as.origin}/github` });
    await expect(plain.fetchToken({ code: 'c' })).rejects.toBeInstanceOf(InvalidResponseError);
    const c = client({ tokenEndpoint: `${as.origin}/github` });
    formEncodedTokenResponse(c);
    commaSeparatedScope(c);
    const token = await c.fetchToken({ code: 'c' });
    expect(token).toMatchObject({
      access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
      scope: 'repo gist',
      token_type: 'bearer',
    });
  });

  it('Facebook (old Graph API): text/plain form body, expires, no token_type', async () => {
    const clock = new ManualClock();
    const plain = client({ tokenEndpoint: `${as.origin}/facebook` });
    formEncodedTokenResponse(plain);
    await expect(plain.fetchToken({ code: 'c' })).rejects.toThrow(/no token_type/);
    const c = client({ tokenEndpoint: `${as.origin}/facebook`, clock });
    compliance.formEncodedTokenResponse(c);
    compliance.expiresField(c);
    compliance.missingTokenType(c);
    const token = await c.fetchToken({ code: 'c' });
    expect(token.token_type).toBe('Bearer');
    expect(token.expires_in).toBe(5183999);
    expect(token.expires_at).toBe(Math.floor(clock.ms / 1000) + 5183999);
    expect(token.expires).toBeUndefined();
  });

  it('Weibo/Douban: missing token_type', async () => {
    const c = client({ tokenEndpoint: `${as.origin}/weibo` });
    missingTokenType(c);
    const token = await c.fetchToken({ code: 'c' });
    expect(token).toMatchObject({
      access_token: '2.00weibo',
      token_type: 'Bearer',
      uid: '1404376560',
    });
  });

  it('eBay: a non-standard token type meaning bearer (only the listed ones)', async () => {
    const plain = client({ tokenEndpoint: `${as.origin}/ebay` });
    await expect(plain.fetchToken()).rejects.toThrow(/Application Access Token/);
    const wrongList = client({ tokenEndpoint: `${as.origin}/ebay` });
    bearerTokenType(wrongList, { types: ['User Access Token'] });
    await expect(wrongList.fetchToken()).rejects.toBeInstanceOf(InvalidResponseError);
    const c = client({ tokenEndpoint: `${as.origin}/ebay` });
    bearerTokenType(c, { types: ['application access token'] });
    expect((await c.fetchToken()).token_type).toBe('Bearer');
  });

  it('plentymarkets: camelCase members, on refresh too', async () => {
    const c = client({ tokenEndpoint: `${as.origin}/plenty` });
    camelCaseTokenResponse(c);
    const token = await c.fetchToken({ username: 'u', password: 'p' });
    expect(token).toMatchObject({
      access_token: 'plenty-at',
      token_type: 'Bearer',
      expires_in: 86400,
      refresh_token: 'plenty-rt',
    });
    expect(token.accessToken).toBeUndefined();
    const refreshed = await c.refreshToken();
    expect(refreshed.access_token).toBe('plenty-at');
  });

  it('Strava: comma-separated scope', async () => {
    const c = client({ tokenEndpoint: `${as.origin}/strava` });
    commaSeparatedScope(c);
    expect((await c.fetchToken({ code: 'c' })).scope).toBe('read activity:read_all');
  });

  it('Slack: ok flag, bot/user token types, nested user token', async () => {
    const bot = client({ tokenEndpoint: `${as.origin}/slack` });
    slackTokenResponse(bot);
    expect(await bot.fetchToken({ code: 'good' })).toMatchObject({
      access_token: 'xoxb-bot',
      token_type: 'Bearer',
      scope: 'commands chat:write',
      team: { id: 'T1' },
    });
    const user = client({ tokenEndpoint: `${as.origin}/slack` });
    slackTokenResponse(user, { user: true });
    expect(await user.fetchToken({ code: 'good' })).toMatchObject({
      access_token: 'xoxp-user',
      token_type: 'Bearer',
      scope: 'identify users:read',
    });
    await expect(user.fetchToken({ code: 'bad' })).rejects.toMatchObject({
      error: 'invalid_code',
      status: 200,
    });
    await expect(user.fetchToken({ code: 'bad' })).rejects.toBeInstanceOf(OAuth2ResponseError);
  });

  it('LinkedIn v1: the token as oauth2_access_token in the query, no header', async () => {
    const c = client({ token: { access_token: 'li-token', token_type: 'Bearer' } });
    tokenAsParameter(c, { name: 'oauth2_access_token' });
    const request = await c.authorize({
      method: 'GET',
      url: `${as.origin}/api?format=json`,
      headers: new Headers(),
    });
    await transport(request);
    const [seen] = as.on('/api');
    expect(seen?.url).toBe('/api?format=json&oauth2_access_token=li-token');
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it('Slack legacy Web API: the token as a body parameter, header kept when asked', async () => {
    const c = client({ token: { access_token: 'xoxp-legacy', token_type: 'Bearer' } });
    tokenAsParameter(c, { name: 'token', in: 'body', keepHeader: true });
    const request = await c.authorize({
      method: 'POST',
      url: `${as.origin}/api`,
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'channel=C1',
    });
    await transport(request);
    const [seen] = as.on('/api');
    expect(seen?.body).toBe('channel=C1&token=xoxp-legacy');
    expect(seen?.headers.authorization).toBe('Bearer xoxp-legacy');
  });

  it('exposes every fix on the compliance namespace', () => {
    expect(Object.keys(compliance).sort()).toEqual([
      'bearerTokenType',
      'camelCaseTokenResponse',
      'commaSeparatedScope',
      'expiresField',
      'formEncodedTokenResponse',
      'missingTokenType',
      'slackTokenResponse',
      'tokenAsParameter',
    ]);
    expect(compliance.expiresField).toBe(expiresField);
  });
});

describe('protectedRequest hooks cannot weaken transport security', () => {
  it('refuses a hook that sends the token to a plain-http remote host', async () => {
    const client = new OAuth2Client({
      clientId: 'app',
      transport: async () => {
        throw new Error('no token request expected');
      },
      token: { access_token: 'at-hooked', token_type: 'Bearer', expires_in: 3600 },
    });
    client.registerComplianceHook('protectedRequest', (request) => ({
      ...request,
      url: 'http://api.example.test/leak',
    }));
    const error = await client
      .authorize({ method: 'GET', url: 'https://api.example.test/me', headers: new Headers() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
  });
});
