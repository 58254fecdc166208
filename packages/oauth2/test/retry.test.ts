import { OAuth2ResponseError } from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OAuth2Client, type OAuth2ClientOptions } from '../src/index.js';
import { get, sendJson, startServer, type TestServer, transport } from './support.js';

let as: TestServer;
let fail = false;
let issued = 0;
beforeAll(async () => {
  as = await startServer(async (_req, res) => {
    await new Promise((r) => setTimeout(r, 20));
    if (fail) return sendJson(res, 400, { error: 'invalid_grant' });
    issued += 1;
    sendJson(res, 200, { access_token: `new-${issued}`, token_type: 'Bearer', expires_in: 3600 });
  });
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
  fail = false;
  issued = 0;
});

const challenge = (value: string, status = 401) => ({
  status,
  headers: new Headers({ 'www-authenticate': value }),
});
const INVALID = challenge('Bearer realm="api", error="invalid_token", error_description="expired"');

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    tokenEndpoint: `${as.origin}/token`,
    allowInsecureTransport: true,
    transport,
    token: {
      access_token: 'valid-looking',
      token_type: 'Bearer',
      refresh_token: 'rt',
      expires_in: 3600,
    },
    ...options,
  });
}

describe('retry()', () => {
  it('refreshes once on 401 invalid_token and says to retry; the retried request gets the new token', async () => {
    const c = client();
    const request = get('https://api.example.com/me');
    await c.authorize(request);
    expect(await c.retry(request, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(1);
    expect((await c.authorize(request)).headers.get('authorization')).toBe('Bearer new-1');
  });

  it('accepts the authorized request as well as the original', async () => {
    const c = client();
    const authorized = await c.authorize(get('https://api.example.com/me'));
    expect(await c.retry(authorized, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(1);
  });

  it('never retries on 403 insufficient_scope, a 401 without invalid_token, or other statuses', async () => {
    const c = client();
    const request = get('https://api.example.com/me');
    await c.authorize(request);
    expect(
      await c.retry(request, challenge('Bearer error="insufficient_scope", scope="admin"', 403)),
    ).toBe(false);
    expect(await c.retry(request, challenge('Bearer error="invalid_token"', 403))).toBe(false);
    expect(await c.retry(request, challenge('Bearer realm="api"'))).toBe(false);
    expect(await c.retry(request, challenge('Bearer error="invalid_request"'))).toBe(false);
    expect(await c.retry(request, challenge('Basic realm="x"'))).toBe(false);
    expect(await c.retry(request, { status: 401, headers: new Headers() })).toBe(false);
    expect(await c.retry(request, { status: 500, headers: new Headers() })).toBe(false);
    expect(as.requests).toHaveLength(0);
  });

  it('when another caller already replaced the token, says retry without refreshing again', async () => {
    const c = client();
    const a = await c.authorize(get('https://api.example.com/a'));
    const b = await c.authorize(get('https://api.example.com/b'));
    expect(await c.retry(a, INVALID)).toBe(true);
    expect(await c.retry(b, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(1);
  });

  it('given the request from before authorize (it carries no token), renews', async () => {
    const c = client();
    const a = get('https://api.example.com/a');
    const b = get('https://api.example.com/b');
    await c.authorize(a);
    await c.authorize(b);
    expect(await c.retry(a, INVALID)).toBe(true);
    expect(await c.retry(b, INVALID)).toBe(true); // cannot tell b's token was replaced
    expect(as.requests).toHaveLength(2);
    expect(Reflect.ownKeys(a).sort()).toEqual(['headers', 'method', 'url']); // left as it was
  });

  it('knows which token the authorized requests carried, wherever it was placed', async () => {
    for (const tokenPlacement of ['header', 'uri', 'body'] as const) {
      as.requests.length = 0;
      const c = client({ tokenPlacement });
      const post = { ...get('https://api.example.com/a'), method: 'POST' };
      const a = await c.authorize(post);
      const b = await c.authorize(post);
      expect(await c.retry(a, INVALID)).toBe(true);
      expect(await c.retry(b, INVALID)).toBe(true); // b carried the replaced token
      expect(as.requests).toHaveLength(1);
      const fresh = await c.authorize(post);
      expect(await c.retry(fresh, INVALID)).toBe(true); // the current token was rejected
      expect(as.requests).toHaveLength(2);
    }
  });

  it('knows the token of a request a protectedRequest hook rewrote', async () => {
    const c = client();
    // A provider that wants the token in its own header (the hook moves it).
    c.registerComplianceHook('protectedRequest', (request) => {
      const headers = new Headers(request.headers);
      headers.set('x-api-token', headers.get('authorization')?.slice(7) ?? '');
      headers.delete('authorization');
      return { ...request, headers };
    });
    const a = await c.authorize(get('https://api.example.com/a'));
    const b = await c.authorize(get('https://api.example.com/b'));
    expect(a.headers.has('authorization')).toBe(false);
    expect(await c.retry(a, INVALID)).toBe(true);
    expect(await c.retry(b, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(1);
  });

  it('carriedAccessToken: the token a request carries, where a hook moved it too', async () => {
    const c = client({ tokenPlacement: 'uri' });
    const original = get('https://api.example.com/a');
    expect(c.carriedAccessToken(original)).toBeUndefined();
    expect(c.carriedAccessToken(await c.authorize(original))).toBe('valid-looking');
    c.registerComplianceHook('protectedRequest', (request) => ({
      ...request,
      url: request.url.replace('access_token=', 'token='),
    }));
    const hooked = await c.authorize(original);
    expect(hooked.url).toBe('https://api.example.com/a?token=valid-looking');
    expect(c.carriedAccessToken(hooked)).toBe('valid-looking');
  });

  it('concurrent 401s share one refresh', async () => {
    const c = client();
    const requests = Array.from({ length: 50 }, (_, i) => get(`https://api.example.com/${i}`));
    await Promise.all(requests.map((r) => c.authorize(r)));
    const results = await Promise.all(requests.map((r) => c.retry(r, INVALID)));
    expect(results.every(Boolean)).toBe(true);
    expect(as.requests).toHaveLength(1);
  });

  it('recognises a request authorized elsewhere by its bearer token', async () => {
    const c = client();
    const stale = get('https://api.example.com/', { authorization: 'Bearer some-older-token' });
    expect(await c.retry(stale, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(0);
    const inQuery = get('https://api.example.com/?access_token=older');
    expect(await c.retry(inQuery, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(0);
    const current = get('https://api.example.com/', { authorization: 'Bearer valid-looking' });
    expect(await c.retry(current, INVALID)).toBe(true);
    expect(as.requests).toHaveLength(1);
  });

  it('does not retry when it cannot renew, or autoRefresh is off', async () => {
    const noRefresh = client({ token: { access_token: 't', token_type: 'Bearer' } });
    const r1 = get('https://api.example.com/');
    await noRefresh.authorize(r1);
    expect(await noRefresh.retry(r1, INVALID)).toBe(false);
    const off = client({ autoRefresh: false });
    const r2 = get('https://api.example.com/');
    await off.authorize(r2);
    expect(await off.retry(r2, INVALID)).toBe(false);
    expect(as.requests).toHaveLength(0);
  });

  it('a failed refresh rejects with its typed error', async () => {
    fail = true;
    const c = client();
    const request = get('https://api.example.com/');
    await c.authorize(request);
    await expect(c.retry(request, INVALID)).rejects.toBeInstanceOf(OAuth2ResponseError);
    expect(c.token?.access_token).toBe('valid-looking');
  });
});
