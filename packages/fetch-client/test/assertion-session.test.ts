import { inspect } from 'node:util';
import { InvalidArgumentError, OAuth2ResponseError, TransportError } from '@x/core';
import { waitFor } from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssertionSession, type AssertionSessionOptions } from '../src/assertion.js';
import {
  type AssertionServer,
  JWT_BEARER,
  ManualClock,
  rsaKey,
  settled,
  startAssertionServer,
} from './assertion-server.js';

// AssertionSession over fetch against a loopback JWT-bearer token endpoint
// that verifies every assertion with jose, and a resource on the same server.

const N = 100;
const ISSUER = 'reports@my-project.iam.gserviceaccount.com';
const key = rsaKey();
const fetch = undiciFetch as unknown as typeof globalThis.fetch;
let clock: ManualClock;
let server: AssertionServer;

beforeEach(async () => {
  clock = new ManualClock();
  server = await startAssertionServer({ publicKey: key.publicKey, issuer: ISSUER, clock });
});
afterEach(async () => {
  server.release();
  await server.close();
});

function session(options: Partial<AssertionSessionOptions> = {}): AssertionSession {
  return new AssertionSession({
    tokenEndpoint: server.tokenEndpoint,
    issuer: ISSUER,
    subject: 'alice@example.com',
    key: key.privatePem,
    kid: 'key-1',
    scope: ['reports:read', 'reports:write'],
    clock,
    allowInsecureTransport: true,
    ...options,
  });
}

const authorizations = (): Array<string | undefined> =>
  server.resourceRequests().map((r) => r.headers.authorization);

describe('AssertionSession (fetch)', () => {
  it('gets a token with a verified assertion, then calls the resource with it', async () => {
    await using assertion = session();
    const response = await assertion.get(server.resource);
    expect([response.status, await response.json()]).toEqual([200, { token: 'at-1' }]);
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
    server.expiresIn = 600;
    await using assertion = session();
    expect((await assertion.get(server.resource)).status).toBe(200);
    const first = server.calls[0]?.payload;

    clock.advance(600 - 60 - 1); // still more than the 60 s leeway left: reused
    expect((await assertion.get(server.resource)).status).toBe(200);
    expect(server.calls).toHaveLength(1);

    clock.advance(2); // now within the leeway: a fresh assertion is signed and exchanged
    expect((await assertion.get(server.resource)).status).toBe(200);
    expect(server.calls).toHaveLength(2);
    const second = server.calls[1]?.payload;
    expect(second?.jti).toEqual(expect.any(String));
    expect(second?.jti).not.toBe(first?.jti);
    expect(second?.iat).toBe(clock.seconds);
    expect(second?.exp).toBe(clock.seconds + 60);
    expect(second?.iat).toBe((first?.iat ?? 0) + 600 - 60 + 1);
    expect(authorizations()).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-2']);
  });

  it(`${N} concurrent requests with an expired token: exactly one token request, all succeed`, async () => {
    server.delay = 50; // every caller is waiting by the time the token is issued
    await using assertion = session({
      token: { access_token: 'stale', token_type: 'Bearer', expires_at: clock.seconds - 10 },
    });
    const responses = await Promise.all(
      Array.from({ length: N }, () => assertion.get(server.resource)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual(
      Array(N).fill({ token: 'at-1' }),
    );
    expect(server.calls).toHaveLength(1);
    expect(authorizations()).toEqual(Array(N).fill('Bearer at-1'));
  });

  it('a 401 invalid_token: one new token and one retry, never more', async () => {
    await using assertion = session({
      token: { access_token: 'revoked', token_type: 'Bearer', expires_in: 3600 },
    });
    const response = await assertion.get(server.resource);
    expect([response.status, await response.json()]).toEqual([200, { token: 'at-1' }]);
    expect(server.calls).toHaveLength(1);
    expect(authorizations()).toEqual(['Bearer revoked', 'Bearer at-1']);

    // A resource that keeps refusing: one new token, one retry, then the 401 is the caller's.
    const refused = await assertion.get(`${server.origin}/refusing`);
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
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => settled(assertion.get(server.resource))),
    );
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
    for (const rendering of [inspect(error, { depth: 8 }), JSON.stringify(error), String(error)]) {
      expect(rendering).not.toContain(sent);
      expect(rendering).not.toContain(wrong.privatePem.split('\n')[1]);
    }

    // The next call tries once more (one request), and fails the same way.
    const again = await settled(assertion.get(server.resource));
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
    const dispatcher = new Agent();
    {
      await using account = AssertionSession.fromServiceAccountKey(JSON.stringify(keyFile), {
        scope: ['https://www.googleapis.com/auth/cloud-platform', 'openid'],
        clock,
        allowInsecureTransport: true,
        fetch,
        dispatcher,
        ownsDispatcher: true,
      });
      const response = await account.get(server.resource);
      expect([response.status, await response.json()]).toEqual([200, { token: 'at-1' }]);
      expect(account.client.issuer).toBe(ISSUER);
    }
    expect(dispatcher.closed).toBe(true); // the session options reached the session

    const [call] = server.calls;
    expect(call?.header).toEqual({ alg: 'RS256', kid: '5e6f7a8b9c0d' });
    expect(call?.payload).toMatchObject({
      iss: ISSUER,
      aud: server.tokenEndpoint,
      scope: 'https://www.googleapis.com/auth/cloud-platform openid',
    });
    expect(call?.payload?.sub).toBeUndefined();
    expect([...(call?.params.keys() ?? [])].sort()).toEqual(['assertion', 'grant_type']);

    const bad = JSON.stringify({ ...keyFile, client_email: undefined });
    const error = await settled(
      Promise.resolve().then(() => AssertionSession.fromServiceAccountKey(bad, {})),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(inspect(error)).not.toContain(key.privatePem.split('\n')[1]);
  });
});

describe('AssertionSession (fetch) close()', () => {
  it('closes at the end of an `await using` block: later calls fail, no connection stays open', async () => {
    const dispatcher = new Agent();
    let escaped: AssertionSession | undefined;
    {
      await using assertion = session({ fetch, dispatcher, ownsDispatcher: true });
      escaped = assertion;
      expect((await assertion.get(server.resource)).status).toBe(200);
    }
    expect(escaped.closed).toBe(true);
    expect(dispatcher.closed).toBe(true);
    for (const call of [escaped.get(server.resource), escaped.fetchToken()]) {
      const error = await settled(call);
      expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
    }
    expect(server.calls).toHaveLength(1);
    expect(server.resourceRequests()).toHaveLength(1);
    expect(await waitFor(() => server.openConnections === 0, 1000)).toBe(true);
  });

  it('close() rejects requests waiting for a token and the token request itself', async () => {
    server.hold(); // the token endpoint does not answer
    const dispatcher = new Agent();
    const assertion = session({ fetch, dispatcher, ownsDispatcher: true });
    const inFlight = [
      settled(assertion.get(server.resource)),
      settled(assertion.post(server.resource, { body: 'x' })),
      settled(assertion.fetchToken()),
    ];
    expect(await waitFor(() => server.calls.length === 1)).toBe(true);
    await assertion.close();
    const later = [settled(assertion.get(server.resource)), settled(assertion.ensureActiveToken())];
    for (const error of await Promise.all([...inFlight, ...later])) {
      expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
    }
    expect(server.calls).toHaveLength(1); // single-flight: the three shared one token request
    expect(server.resourceRequests()).toHaveLength(0);
    expect(dispatcher.destroyed).toBe(true); // requests were in flight: cut, not waited for
    expect(await waitFor(() => server.openConnections === 0, 1000)).toBe(true);
  });
});
