import { OAuth2ResponseError, type OAuth2TokenFields } from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  OAuth2SessionDriver,
  OAuth2SessionInit,
  OAuth2SessionLike,
} from './oauth2-session-contract.js';
import { settled } from './rejections.js';
import {
  type RecordedRequest,
  startHttpServer,
  startSilentServer,
  type TestServer,
  waitFor,
} from './servers.js';
import { expectSessionClosed, jsonBody } from './session-driver.js';

/**
 * Refresh through each adapter's `OAuth2Session`, counted at a loopback
 * token endpoint + resource server: single-flight under 100 concurrent
 * requests, a shared typed error and recovery, refresh-and-retry after a 401
 * `invalid_token`, and `close()` with a refresh in flight.
 */

const N = 100;

/**
 * Registers the refresh table for one adapter's `OAuth2Session`.
 *
 * @example
 * describeOAuth2RefreshContract({ ...driver, OAuth2Session }) // the adapter's class
 */
export function describeOAuth2RefreshContract<B, A, S extends B & OAuth2SessionLike>(
  driver: OAuth2SessionDriver<B, A, S>,
): void {
  let server: TestServer;
  let failing = false;
  let issued = 0;
  let valid = 'at-0';

  const refreshes = (): RecordedRequest[] =>
    server.requests.filter(
      (r) =>
        r.url === '/token' && new URLSearchParams(r.body).get('grant_type') === 'refresh_token',
    );
  const resourceCalls = (): RecordedRequest[] => server.requests.filter((r) => r.url !== '/token');
  const { OAuth2Session } = driver;
  const session = (token: OAuth2TokenFields): S =>
    new OAuth2Session({
      clientId: 'app',
      clientSecret: 'app-secret',
      tokenEndpoint: `${server.origin}/token`,
      allowInsecureTransport: true,
      token,
    } as OAuth2SessionInit & A);
  const expired = (): OAuth2TokenFields => ({
    access_token: 'stale',
    token_type: 'Bearer',
    refresh_token: 'rt-0',
    expires_at: Math.floor(Date.now() / 1000) - 10,
  });
  const get = (oauth: S, path: string) => driver.send(oauth, { url: `${server.origin}${path}` });

  describe(`OAuth2Session (${driver.name}) refresh`, () => {
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

    it(`${N} concurrent requests with an expired token: one refresh, all succeed`, async () => {
      await using oauth = session(expired());
      const responses = await Promise.all(Array.from({ length: N }, () => get(oauth, '/resource')));
      expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
      expect(responses.map((r) => JSON.parse(r.body))).toEqual(Array(N).fill({ token: 'at-1' }));
      expect(refreshes()).toHaveLength(1);
      expect(resourceCalls()).toHaveLength(N);
      expect(oauth.token?.refresh_token).toBe('rt-1');
    });

    it('a failing refresh: every caller gets the same typed error; the next call recovers', async () => {
      await using oauth = session(expired());
      failing = true;
      const errors = await Promise.all(
        Array.from({ length: N }, () => settled(get(oauth, '/resource'))),
      );
      const [error] = errors;
      expect(OAuth2ResponseError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
      expect(errors.every((e) => e === error)).toBe(true);
      expect(refreshes()).toHaveLength(1);
      expect(resourceCalls()).toHaveLength(0);

      failing = false;
      expect((await get(oauth, '/resource')).status).toBe(200);
      expect(refreshes()).toHaveLength(2);
      expect(refreshes()[1]?.body).toContain('refresh_token=rt-0');
    });

    it('a 401 invalid_token: one refresh and one retry', async () => {
      await using oauth = session({ ...expired(), expires_at: undefined, expires_in: 3600 });
      expect(jsonBody(await get(oauth, '/resource'))).toEqual({ token: 'at-1' });
      expect(refreshes()).toHaveLength(1);
      expect(resourceCalls().map((r) => r.headers.authorization)).toEqual([
        'Bearer stale',
        'Bearer at-1',
      ]);

      // A resource that keeps refusing: still one refresh and one retry, then the 401 is yours.
      const refused = await get(oauth, '/elsewhere');
      expect(refused.status).toBe(401);
      expect(refreshes()).toHaveLength(2);
      expect(resourceCalls()).toHaveLength(4);
    });

    it('close() rejects requests in flight (and the refresh they wait for), then every later call', async () => {
      const silent = await startSilentServer();
      try {
        const pool = driver.pool();
        const oauth = new OAuth2Session({
          clientId: 'app',
          tokenEndpoint: `${silent.origin}/token`,
          allowInsecureTransport: true,
          token: { access_token: 'fresh', token_type: 'Bearer', expires_in: 3600 },
          ...pool.options,
        });
        const resource = `${silent.origin}/resource`;
        const inFlight = [settled(driver.send(oauth, { url: resource }))];
        expect(await waitFor(() => silent.requests.length === 1)).toBe(true);
        oauth.token = expired(); // the next request waits for a refresh that never answers
        inFlight.push(
          settled(driver.send(oauth, { method: 'POST', url: resource, body: { text: 'x' } })),
        );
        inFlight.push(settled(oauth.fetchToken({ grantType: 'client_credentials' })));
        expect(await waitFor(() => silent.requests.length === 3)).toBe(true);
        await oauth.close();
        const later = [
          settled(driver.send(oauth, { url: resource })),
          settled(oauth.refreshToken()),
        ];
        for (const error of await Promise.all([...inFlight, ...later])) {
          expectSessionClosed(driver, error);
        }
        expect(silent.requests.map((r) => r.url).sort()).toEqual(['/resource', '/token', '/token']);
        expect(await pool.cut()).toBe(true); // requests were in flight: cut, not waited for
        driver.afterClose?.(oauth);
        expect(await waitFor(() => silent.openConnections === 0, 1000)).toBe(true);
      } finally {
        await silent.close();
      }
    });
  });
}
