import { inspect } from 'node:util';
import {
  type Clock,
  InvalidArgumentError,
  OAuth2ResponseError,
  type OAuth2Token,
  type OAuth2TokenFields,
} from '@x/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AssertionServer,
  JWT_BEARER,
  ManualClock,
  rsaKey,
  startAssertionServer,
} from './assertion-server.js';
import { settled } from './rejections.js';
import { waitFor } from './servers.js';
import {
  expectClosed,
  expectSessionClosed,
  jsonBody,
  type SessionDriver,
} from './session-driver.js';

/**
 * `AssertionSession` of each adapter against a loopback JWT-bearer token
 * endpoint that verifies every assertion, and a resource on the same server.
 */

/** What the table uses of an adapter's `AssertionSession`. */
export interface AssertionSessionLike extends AsyncDisposable {
  readonly token: OAuth2Token | undefined;
  readonly client: { readonly token: OAuth2Token | undefined; readonly issuer: string };
  readonly closed: boolean;
  fetchToken(): Promise<OAuth2Token>;
  ensureActiveToken(): Promise<OAuth2Token>;
  close(): Promise<void>;
}

/** The client options the table builds sessions with. */
export interface AssertionSessionInit {
  tokenEndpoint: string;
  issuer: string;
  subject?: string;
  key: string;
  kid?: string;
  alg?: 'RS256';
  scope?: string[];
  clientId?: string;
  tokenEndpointAuthMethod?: 'tls_client_auth';
  clock?: Clock;
  allowInsecureTransport?: boolean;
  token?: OAuth2TokenFields;
}

/** The options the table passes to `fromServiceAccountKey`. */
export interface ServiceAccountInit {
  scope?: string[];
  clock?: Clock;
  allowInsecureTransport?: boolean;
}

/** An adapter's {@link SessionDriver}, with its `AssertionSession` class. */
export interface AssertionSessionDriver<B, A, S extends B> extends SessionDriver<B, A> {
  AssertionSession: {
    new (options: NoInfer<AssertionSessionInit & A>): S;
    fromServiceAccountKey(json: string, options: NoInfer<ServiceAccountInit & A>): S;
  };
}

const N = 100;
const ISSUER = 'reports@my-project.iam.gserviceaccount.com';

/**
 * Registers the `AssertionSession` tables for one adapter.
 *
 * @example
 * describeAssertionSessionContract({ ...driver, AssertionSession }) // the adapter's class
 */
export function describeAssertionSessionContract<B, A, S extends B & AssertionSessionLike>(
  driver: AssertionSessionDriver<B, A, S>,
): void {
  const key = rsaKey();
  let clock: ManualClock;
  let server: AssertionServer;

  const { AssertionSession } = driver;
  const session = (options: Partial<AssertionSessionInit> = {}, adapter?: A): S =>
    new AssertionSession({
      tokenEndpoint: server.tokenEndpoint,
      issuer: ISSUER,
      subject: 'alice@example.com',
      key: key.privatePem,
      kid: 'key-1',
      scope: ['reports:read', 'reports:write'],
      clock,
      allowInsecureTransport: true,
      ...options,
      ...adapter,
    } as AssertionSessionInit & A);
  const get = (assertion: S, url = server.resource) => driver.send(assertion, { url });
  const authorizations = (): Array<string | undefined> =>
    server.resourceRequests().map((r) => r.headers.authorization);

  describe(`AssertionSession (${driver.name})`, () => {
    beforeEach(async () => {
      clock = new ManualClock();
      server = await startAssertionServer({ publicKey: key.publicKey, issuer: ISSUER, clock });
      return async () => {
        server.release(); // a held token request would keep its connection
        await server.close();
      };
    });

    it('gets a token with a verified assertion, then calls the resource with it', async () => {
      await using assertion = session();
      expect(jsonBody(await get(assertion))).toEqual({ token: 'at-1' });
      expect(assertion.token?.access_token).toBe('at-1');
      expect(assertion.client.token).toBe(assertion.token);
      expect(authorizations()).toEqual(['Bearer at-1']);

      const [call, ...more] = server.calls;
      expect(more).toEqual([]);
      expect(call?.params.get('grant_type')).toBe(JWT_BEARER);
      expect(call?.params.get('scope')).toBe('reports:read reports:write');
      expect(call?.authorization).toBeUndefined();
      expect(call?.header).toEqual({ alg: 'RS256', kid: 'key-1' });
      expect(call?.payload).toMatchObject({
        iss: ISSUER,
        sub: 'alice@example.com',
        aud: server.tokenEndpoint,
        iat: clock.seconds,
        exp: clock.seconds + 60,
      });

      // The delegated client methods: the token is reused, fetchToken forces a new one.
      await expect(assertion.ensureActiveToken()).resolves.toBe(assertion.token);
      expect(server.calls).toHaveLength(1);
      const next = await assertion.fetchToken();
      expect(next.access_token).toBe('at-2');
      expect(server.calls[1]?.payload?.jti).not.toBe(call?.payload?.jti);
    });

    it('re-signs a new assertion (new jti, iat, exp) when the token nears expiry', async () => {
      server.behave({ kind: 'token', expiresIn: 600 });
      await using assertion = session();
      expect((await get(assertion)).status).toBe(200);
      const first = server.calls[0]?.payload;

      clock.advance(600 - 60 - 1); // still more than the 60 s leeway left: reused
      expect((await get(assertion)).status).toBe(200);
      expect(server.calls).toHaveLength(1);

      clock.advance(2); // now within the leeway: a fresh assertion is signed and exchanged
      expect((await get(assertion)).status).toBe(200);
      expect(server.calls).toHaveLength(2);
      const second = server.calls[1]?.payload;
      expect(second?.jti).toEqual(expect.any(String));
      expect(second?.jti).not.toBe(first?.jti);
      expect(second?.iat).toBe(clock.seconds);
      expect(second?.exp).toBe(clock.seconds + 60);
      expect(second?.iat).toBe(((first?.iat as number | undefined) ?? 0) + 600 - 60 + 1);
      expect(authorizations()).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-2']);
    });

    it(`${N} concurrent requests with an expired token: exactly one token request, all succeed`, async () => {
      server.delay = 50; // every caller is waiting by the time the token is issued
      await using assertion = session({
        token: { access_token: 'stale', token_type: 'Bearer', expires_at: clock.seconds - 10 },
      });
      const responses = await Promise.all(Array.from({ length: N }, () => get(assertion)));
      expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
      expect(responses.map((r) => JSON.parse(r.body))).toEqual(Array(N).fill({ token: 'at-1' }));
      expect(server.calls).toHaveLength(1);
      expect(authorizations()).toEqual(Array(N).fill('Bearer at-1'));
    });

    it('a 401 invalid_token: one new token and one retry, never more', async () => {
      await using assertion = session({
        token: { access_token: 'revoked', token_type: 'Bearer', expires_in: 3600 },
      });
      expect(jsonBody(await get(assertion))).toEqual({ token: 'at-1' });
      expect(server.calls).toHaveLength(1);
      expect(authorizations()).toEqual(['Bearer revoked', 'Bearer at-1']);

      // A resource that keeps refusing: one new token, one retry, then the 401 is the caller's.
      const refused = await get(assertion, `${server.origin}/refusing`);
      expect(refused.status).toBe(401);
      expect(server.calls).toHaveLength(2);
      expect(authorizations()).toEqual([
        'Bearer revoked',
        'Bearer at-1',
        'Bearer at-1',
        'Bearer at-2',
      ]);
    });

    it('invalid_grant is an OAuth2ResponseError, shared by concurrent callers, not retried', async () => {
      const wrong = rsaKey(); // the server does not know this key: the assertion does not verify
      server.delay = 20;
      await using assertion = session({ key: wrong.privatePem });
      const errors = await Promise.all(Array.from({ length: 10 }, () => settled(get(assertion))));
      const [error] = errors;
      expect(OAuth2ResponseError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'ERR_OAUTH_RESPONSE',
        error: 'invalid_grant',
        status: 400,
      });
      expect(errors.every((e) => e === error)).toBe(true);
      expect(server.calls).toHaveLength(1);
      expect(server.resourceRequests()).toHaveLength(0);
      const sent = server.calls[0]?.params.get('assertion') ?? '';
      expect(sent.split('.')).toHaveLength(3);
      for (const rendering of [
        inspect(error, { depth: 8 }),
        JSON.stringify(error),
        String(error),
      ]) {
        expect(rendering).not.toContain(sent);
        expect(rendering).not.toContain(wrong.privatePem.split('\n')[1]);
      }

      // The next call tries once more (one request), and fails the same way.
      const again = await settled(get(assertion));
      expect(OAuth2ResponseError.isInstance(again) && again.error).toBe('invalid_grant');
      expect(server.calls).toHaveLength(2);
    });

    it('fromServiceAccountKey: a generated RSA key (PKCS#8 PEM) signs as the service account', async () => {
      const keyFile = {
        type: 'service_account',
        project_id: 'my-project',
        private_key_id: '5e6f7a8b9c0d',
        private_key: key.privatePem,
        client_email: ISSUER,
        client_id: '1234567890',
        token_uri: server.tokenEndpoint,
      };
      const pool = driver.pool();
      {
        await using account = AssertionSession.fromServiceAccountKey(JSON.stringify(keyFile), {
          scope: ['https://www.googleapis.com/auth/cloud-platform', 'openid'],
          clock,
          allowInsecureTransport: true,
          ...pool.options,
        });
        expect(jsonBody(await get(account))).toEqual({ token: 'at-1' });
        expect(account.client.issuer).toBe(ISSUER);
      }
      expect(await pool.closed()).toBe(true); // the session options reached the session

      const { header, payload, params } = server.calls[0] ?? {};
      expect(header).toEqual({ alg: 'RS256', kid: '5e6f7a8b9c0d' });
      expect(payload).not.toHaveProperty('sub'); // a service account signs as itself
      expect(payload).toMatchObject({
        iss: ISSUER,
        aud: server.tokenEndpoint,
        scope: 'https://www.googleapis.com/auth/cloud-platform openid',
      });
      expect([...(params?.keys() ?? [])].sort()).toEqual(['assertion', 'grant_type']);

      const bad = JSON.stringify({ ...keyFile, client_email: undefined });
      const error = await settled(
        Promise.resolve().then(() =>
          AssertionSession.fromServiceAccountKey(bad, {} as ServiceAccountInit & A),
        ),
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(inspect(error)).not.toContain(key.privatePem.split('\n')[1]);
    });

    describe('close()', () => {
      it('closes at the end of an `await using` block: later calls fail, no connection stays open', async () => {
        const pool = driver.pool();
        let escaped: S | undefined;
        {
          await using assertion = session({}, pool.options);
          escaped = assertion;
          expect((await get(assertion)).status).toBe(200);
          expect(server.openConnections).toBeGreaterThan(0); // kept alive by the pool
          expect(pool.connections()).toBeGreaterThan(0);
        }
        await expectClosed(driver, escaped, pool, () => [get(escaped), escaped.fetchToken()]);
        expect(server.calls).toHaveLength(1);
        expect(server.resourceRequests()).toHaveLength(1);
        expect(await waitFor(() => server.openConnections === 0, 1000)).toBe(true);
      });

      it('close() rejects requests waiting for a token and the token request itself', async () => {
        server.hold(); // the token endpoint does not answer
        const pool = driver.pool();
        const assertion = session({}, pool.options);
        const inFlight = [
          settled(get(assertion)),
          settled(
            driver.send(assertion, { method: 'POST', url: server.resource, body: { text: 'x' } }),
          ),
          settled(assertion.fetchToken()),
        ];
        expect(await waitFor(() => server.calls.length === 1)).toBe(true);
        await assertion.close();
        const later = [settled(get(assertion)), settled(assertion.ensureActiveToken())];
        for (const error of await Promise.all([...inFlight, ...later])) {
          expectSessionClosed(driver, error);
        }
        expect(server.calls).toHaveLength(1); // single-flight: the three shared one token request
        expect(server.resourceRequests()).toHaveLength(0);
        expect(await pool.cut()).toBe(true); // requests were in flight: cut, not waited for
        driver.afterClose?.(assertion);
        expect(await waitFor(() => server.openConnections === 0, 1000)).toBe(true);
      });
    });
  });
}
