import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OAuth2Client, type OAuth2ClientOptions, type TokenResponseContext } from '../src/index.js';
import { ManualClock, sendJson, startServer, type TestServer, transport } from './support.js';

let as: TestServer;
let issued = 0;

beforeAll(async () => {
  as = await startServer();
});
afterAll(async () => {
  await as.close();
});
beforeEach(() => {
  as.requests.length = 0;
  issued = 0;
  // The first request is answered last, so concurrent calls' responses cross.
  as.handle(async (req, res) => {
    const n = ++issued;
    await new Promise((resolve) => setTimeout(resolve, n === 1 ? 60 : 5));
    sendJson(res, 200, {
      access_token: `at-${req.form.grant_type}-${n}`,
      token_type: 'Bearer',
      expires_in: 3600,
      ...(req.form.grant_type === 'refresh_token' ? { refresh_token: `rt-${n}` } : {}),
    });
  });
});

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: 'sec',
    tokenEndpoint: `${as.origin}/token`,
    allowInsecureTransport: true,
    transport,
    ...options,
  });
}

describe('the context of token response hooks', () => {
  it('gives each fetchToken call its own grant, parameters and hookContext, and never sends hookContext', async () => {
    const c = client();
    const seen: Array<{ context: TokenResponseContext; accessToken: unknown }> = [];
    c.registerComplianceHook('accessTokenResponse', (response, context) => {
      seen.push({ context, accessToken: JSON.parse(response.body).access_token });
      return response;
    });
    const [first, second] = await Promise.all([
      c.fetchToken({ grantType: 'client_credentials', scope: 'a', hookContext: { call: 1 } }),
      c.fetchToken({ username: 'u', password: 'p', hookContext: { call: 2 } }),
    ]);
    expect(seen).toHaveLength(2);
    const byToken = new Map(seen.map((s) => [s.accessToken, s.context]));
    expect(byToken.get(first.access_token)).toMatchObject({
      grantType: 'client_credentials',
      params: { grantType: 'client_credentials', scope: 'a' },
      hookContext: { call: 1 },
    });
    expect(byToken.get(second.access_token)).toMatchObject({
      grantType: 'password',
      params: { username: 'u' },
      hookContext: { call: 2 },
    });
    for (const request of as.on('/token')) {
      expect(request.body).not.toContain('hookContext');
      expect(request.body).not.toContain('call');
    }
    const context = seen[0]?.context;
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context?.params)).toBe(true);
  });

  it('passes the context to refreshTokenResponse hooks and to the implicit grant', async () => {
    const c = client({
      token: { access_token: 'old', token_type: 'Bearer', refresh_token: 'rt-0' },
    });
    const contexts: TokenResponseContext[] = [];
    c.registerComplianceHook('refreshTokenResponse', (response, context) => {
      contexts.push(context);
      return response;
    });
    c.registerComplianceHook('accessTokenResponse', (response, context) => {
      contexts.push(context);
      return response;
    });
    await c.refreshToken({ hookContext: 'refresh' });
    await c.refreshToken();
    await c.fetchToken({
      grantType: 'implicit',
      authorizationResponse:
        'https://app.example.com/cb#access_token=imp&token_type=bearer&state=s',
      state: 's',
      hookContext: 'implicit',
    });
    expect(contexts.map((x) => [x.grantType, x.hookContext])).toEqual([
      ['refresh_token', 'refresh'],
      ['refresh_token', undefined],
      ['implicit', 'implicit'],
    ]);
    expect(contexts[0]?.params).toEqual({ hookContext: 'refresh' });
  });

  it('repeats the original call context on an automatic client-credentials renewal', async () => {
    const clock = new ManualClock();
    const c = client({ clock });
    const contexts: unknown[] = [];
    c.registerComplianceHook('accessTokenResponse', (response, { grantType, hookContext }) => {
      contexts.push([grantType, hookContext]);
      return response;
    });
    await c.fetchToken({ grantType: 'client_credentials', hookContext: 'service' });
    clock.advance(3600);
    const renewed = await c.ensureActiveToken();
    expect(renewed.access_token).toBe('at-client_credentials-2');
    expect(contexts).toEqual([
      ['client_credentials', 'service'],
      ['client_credentials', 'service'],
    ]);
  });

  it('keeps one-parameter hooks working', async () => {
    const c = client();
    c.registerComplianceHook('accessTokenResponse', (response) => ({
      ...response,
      body: response.body.replace('"Bearer"', '"bearer"'),
    }));
    const token = await c.fetchToken({ hookContext: 42 });
    expect(token.access_token).toBe('at-client_credentials-1');
    expect(token.token_type).toBe('bearer');
  });
});
