import {
  MissingTokenError,
  OAuth2ResponseError,
  type OAuth2TokenFields,
  TransportError,
} from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Client, type OAuth2ClientOptions } from '../src/index.js';
import { get, ManualClock, sendJson, startServer, type TestServer, transport } from './support.js';

const N = 100;
let as: TestServer;
let mode: 'ok' | 'fail' | 'slow' = 'ok';
let issued = 0;

beforeAll(async () => {
  as = await startServer(async (req, res) => {
    if (mode === 'fail') {
      // Slow enough that every caller is waiting when it fails.
      await new Promise((r) => setTimeout(r, 50));
      return sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: 'refresh token revoked',
      });
    }
    await new Promise((r) => setTimeout(r, mode === 'slow' ? 200 : 50));
    issued += 1;
    sendJson(res, 200, {
      access_token: `fresh-${issued}`,
      token_type: 'Bearer',
      expires_in: 3600,
      ...(req.form.grant_type === 'refresh_token' ? { refresh_token: `rt-${issued}` } : {}),
    });
  });
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
  mode = 'ok';
  issued = 0;
});

const clock = new ManualClock();
const now = (): number => Math.floor(clock.now() / 1000);
const expired: OAuth2TokenFields = {
  access_token: 'stale',
  token_type: 'Bearer',
  refresh_token: 'rt-0',
  expires_at: now() - 10,
};

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: 'sec',
    tokenEndpoint: `${as.origin}/token`,
    allowInsecureTransport: true,
    clock,
    transport,
    token: expired,
    ...options,
  });
}

describe('single-flight refresh', () => {
  it(`${N} concurrent ensureActiveToken() calls → one refresh, the same token for all`, async () => {
    const updateToken = vi.fn();
    const c = client({ updateToken });
    const tokens = await Promise.all(Array.from({ length: N }, () => c.ensureActiveToken()));
    expect(as.on('/token')).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]?.access_token).toBe('fresh-1');
    expect(updateToken).toHaveBeenCalledTimes(1);
    // Fresh now: no further request.
    await c.ensureActiveToken();
    expect(as.on('/token')).toHaveLength(1);
  });

  it(`${N} concurrent authorize() calls → one refresh, every request carries the new token`, async () => {
    const c = client();
    const requests = await Promise.all(
      Array.from({ length: N }, (_, i) => c.authorize(get(`https://api.example.com/items/${i}`))),
    );
    expect(as.on('/token')).toHaveLength(1);
    for (const r of requests) expect(r.headers.get('authorization')).toBe('Bearer fresh-1');
  });

  it('refreshes when the token expires within the leeway, not before', async () => {
    const c = client({ token: { ...expired, expires_at: now() + 61 } });
    await c.ensureActiveToken();
    expect(as.requests).toHaveLength(0);
    clock.advance(2);
    await c.ensureActiveToken();
    expect(as.requests).toHaveLength(1);
    const custom = client({ leeway: 0, token: { ...expired, expires_at: now() + 1 } });
    expect((await custom.ensureActiveToken()).access_token).toBe('stale');
  });

  it('the failure case: every caller gets the same typed error, the next call recovers', async () => {
    mode = 'fail';
    const c = client();
    const results = await Promise.allSettled(
      Array.from({ length: N }, () => c.ensureActiveToken()),
    );
    expect(as.on('/token')).toHaveLength(1);
    const reasons = new Set(results.map((r) => (r.status === 'rejected' ? r.reason : 'fulfilled')));
    expect(reasons.size).toBe(1);
    const [reason] = reasons;
    expect(reason).toBeInstanceOf(OAuth2ResponseError);
    expect(reason).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(c.token?.access_token).toBe('stale');

    mode = 'ok';
    const recovered = await Promise.all(Array.from({ length: N }, () => c.ensureActiveToken()));
    expect(as.on('/token')).toHaveLength(2);
    expect(new Set(recovered.map((t) => t.access_token))).toEqual(new Set(['fresh-1']));
  });

  it('a failing updateToken reaches every waiter, without a second refresh with the old token', async () => {
    const boom = new Error('database is down');
    const updateToken = vi.fn(async () => {
      throw boom;
    });
    const c = client({ updateToken });
    const results = await Promise.allSettled(
      Array.from({ length: N }, () => c.authorize(get('https://api.example.com/'))),
    );
    expect(results.every((r) => r.status === 'rejected' && r.reason === boom)).toBe(true);
    expect(as.on('/token')).toHaveLength(1);
    expect(updateToken).toHaveBeenCalledTimes(1);
    // The new token was kept: the next request uses it, no refresh with the spent refresh token.
    const next = await c.authorize(get('https://api.example.com/'));
    expect(next.headers.get('authorization')).toBe('Bearer fresh-1');
    expect(c.token?.refresh_token).toBe('rt-1');
    expect(as.on('/token')).toHaveLength(1);
  });

  it('a caller that aborts stops waiting; the refresh still completes for the others', async () => {
    mode = 'slow';
    const c = client();
    const controller = new AbortController();
    const aborted = c.ensureActiveToken({ signal: controller.signal });
    const others = Promise.all([c.ensureActiveToken(), c.ensureActiveToken()]);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await expect(aborted).rejects.toBeInstanceOf(TransportError);
    const tokens = await others;
    expect(tokens.map((t) => t.access_token)).toEqual(['fresh-1', 'fresh-1']);
    expect(as.on('/token')).toHaveLength(1);
  });
});

describe('client-credentials renewal', () => {
  it('fetches a new token with the same grant when there is no refresh token', async () => {
    const updateToken = vi.fn();
    const c = client({ token: undefined, updateToken, scope: 'api' });
    const first = await c.fetchToken({ audience: 'https://api.example.com' });
    expect(first.refresh_token).toBeUndefined();
    clock.advance(3600);
    const tokens = await Promise.all(Array.from({ length: N }, () => c.ensureActiveToken()));
    expect(as.on('/token')).toHaveLength(2);
    expect(as.requests[1]?.form).toEqual({
      grant_type: 'client_credentials',
      scope: 'api',
      audience: 'https://api.example.com',
    });
    expect(new Set(tokens.map((t) => t.access_token))).toEqual(new Set(['fresh-2']));
    expect(updateToken).toHaveBeenCalledTimes(1);
    expect(updateToken.mock.calls[0]?.[0]).toBe(tokens[0]);
    expect(updateToken.mock.calls[0]?.[1]).toEqual({ accessToken: 'fresh-1' });
  });

  it('autoRefresh: false turns off both refresh and renewal', async () => {
    const c = client({ autoRefresh: false });
    await expect(c.ensureActiveToken()).rejects.toBeInstanceOf(MissingTokenError);
    const cc = client({ token: undefined, autoRefresh: false });
    await cc.fetchToken();
    clock.advance(3600);
    await expect(cc.authorize(get('https://api.example.com/'))).rejects.toThrow(
      /autoRefresh is off/,
    );
    expect(as.on('/token')).toHaveLength(1);
  });

  it('an expired token that cannot be renewed is refused; no token at all is refused', async () => {
    const c = client({ token: { access_token: 'x', token_type: 'Bearer', expires_at: now() - 1 } });
    await expect(c.ensureActiveToken()).rejects.toThrow(/cannot be renewed/);
    const inLeeway = client({
      token: { access_token: 'y', token_type: 'Bearer', expires_at: now() + 30 },
    });
    expect((await inLeeway.ensureActiveToken()).access_token).toBe('y');
    await expect(client({ token: undefined }).ensureActiveToken()).rejects.toBeInstanceOf(
      MissingTokenError,
    );
    expect(as.requests).toHaveLength(0);
  });

  it('a token without expiry is never refreshed', async () => {
    const c = client({
      token: { access_token: 'forever', token_type: 'Bearer', refresh_token: 'r' },
    });
    clock.advance(10 ** 6);
    expect((await c.ensureActiveToken()).access_token).toBe('forever');
    expect(as.requests).toHaveLength(0);
  });
});
