import { OAuth2ResponseError, type OAuth2TokenFields, TransportError } from '@x/core';
import {
  type RecordedRequest,
  startHttpServer,
  startSilentServer,
  type TestServer,
  waitFor,
} from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OAuth2Session } from '../src/oauth2.js';

// Refresh through OAuth2Session over fetch, counted at a loopback token
// endpoint + resource server: single-flight under 100 concurrent requests,
// a shared typed error and recovery, refresh-and-retry after 401 invalid_token.

const N = 100;
let server: TestServer;
let failing = false;
let issued = 0;
let valid = 'at-0';

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const json = (status: number, body: object, headers: Record<string, string> = {}) =>
      void res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(body));
    if (req.url === '/token') {
      await new Promise((resolve) => setTimeout(resolve, 50)); // every caller is waiting by then
      if (failing) return json(400, { error: 'invalid_grant', error_description: 'revoked' });
      issued += 1;
      valid = `at-${issued}`;
      return json(200, {
        access_token: valid,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: `rt-${issued}`,
      });
    }
    const ok = req.headers.authorization === `Bearer ${valid}` && req.url === '/resource';
    if (!ok) return json(401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, { token: valid });
  });
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  failing = false;
  issued = 0;
  valid = 'at-0';
});

const refreshes = (): RecordedRequest[] =>
  server.requests.filter(
    (r) => r.url === '/token' && new URLSearchParams(r.body).get('grant_type') === 'refresh_token',
  );
const resourceCalls = (): RecordedRequest[] => server.requests.filter((r) => r.url !== '/token');

function session(token: OAuth2TokenFields): OAuth2Session {
  return new OAuth2Session({
    clientId: 'app',
    clientSecret: 'app-secret',
    tokenEndpoint: `${server.origin}/token`,
    allowInsecureTransport: true,
    token,
  });
}
const expired = (): OAuth2TokenFields => ({
  access_token: 'stale',
  token_type: 'Bearer',
  refresh_token: 'rt-0',
  expires_at: Math.floor(Date.now() / 1000) - 10,
});

describe('OAuth2Session (fetch) refresh', () => {
  it(`${N} concurrent requests with an expired token: one refresh, all succeed`, async () => {
    await using oauth = session(expired());
    const responses = await Promise.all(
      Array.from({ length: N }, () => oauth.get(`${server.origin}/resource`)),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(bodies).toEqual(Array(N).fill({ token: 'at-1' }));
    expect(refreshes()).toHaveLength(1);
    expect(resourceCalls()).toHaveLength(N);
    expect(oauth.token?.refresh_token).toBe('rt-1');
  });

  it('a failing refresh: every caller gets the same typed error; the next call recovers', async () => {
    await using oauth = session(expired());
    failing = true;
    const errors = await Promise.all(
      Array.from({ length: N }, () =>
        oauth.get(`${server.origin}/resource`).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    const [error] = errors;
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(errors.every((e) => e === error)).toBe(true);
    expect(refreshes()).toHaveLength(1);
    expect(resourceCalls()).toHaveLength(0);

    failing = false;
    const response = await oauth.get(`${server.origin}/resource`);
    expect(response.status).toBe(200);
    expect(refreshes()).toHaveLength(2);
    expect(refreshes()[1]?.body).toContain('refresh_token=rt-0');
  });

  it('a 401 invalid_token: one refresh and one retry', async () => {
    await using oauth = session({ ...expired(), expires_at: undefined, expires_in: 3600 });
    const response = await oauth.get(`${server.origin}/resource`);
    expect([response.status, await response.json()]).toEqual([200, { token: 'at-1' }]);
    expect(refreshes()).toHaveLength(1);
    expect(resourceCalls().map((r) => r.headers.authorization)).toEqual([
      'Bearer stale',
      'Bearer at-1',
    ]);

    // A resource that keeps refusing: still one refresh and one retry, then the 401 is yours.
    const refused = await oauth.get(`${server.origin}/elsewhere`);
    expect(refused.status).toBe(401);
    expect(refreshes()).toHaveLength(2);
    expect(resourceCalls()).toHaveLength(4);
  });
});

/** The rejection of `promise` (or 'resolved'), handled at once. */
const settled = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

describe('OAuth2Session (fetch) close()', () => {
  it('rejects requests in flight (and the refresh they wait for), then every later call', async () => {
    const silent = await startSilentServer();
    try {
      const dispatcher = new Agent();
      const oauth = new OAuth2Session({
        fetch: undiciFetch as unknown as typeof globalThis.fetch,
        dispatcher,
        ownsDispatcher: true,
        clientId: 'app',
        tokenEndpoint: `${silent.origin}/token`,
        allowInsecureTransport: true,
        token: { access_token: 'fresh', token_type: 'Bearer', expires_in: 3600 },
      });
      const inFlight = [settled(oauth.get(`${silent.origin}/resource`))];
      expect(await waitFor(() => silent.requests.length === 1)).toBe(true);
      oauth.token = expired(); // the next request waits for a refresh that never answers
      inFlight.push(settled(oauth.post(`${silent.origin}/resource`, { body: 'x' })));
      inFlight.push(settled(oauth.fetchToken({ grantType: 'client_credentials' })));
      expect(await waitFor(() => silent.requests.length === 3)).toBe(true);
      await oauth.close();
      const later = [
        settled(oauth.get(`${silent.origin}/resource`)),
        settled(oauth.refreshToken()),
      ];
      for (const error of await Promise.all([...inFlight, ...later])) {
        expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
      }
      expect(silent.requests.map((r) => r.url).sort()).toEqual(['/resource', '/token', '/token']);
      expect(dispatcher.destroyed).toBe(true); // requests were in flight: cut, not waited for
      expect(await waitFor(() => silent.openConnections === 0, 1000)).toBe(true);
    } finally {
      await silent.close();
    }
  });
});
