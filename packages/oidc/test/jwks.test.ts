import { startHttpServer, type TestServer } from '@x/testing';
import { exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localKeySet, RemoteKeySet, validateIdToken } from '../src/index.js';
import {
  movableClock,
  recordingTransport,
  seconds,
  sign,
  type TestKey,
  testKey,
} from './support.js';

// RemoteKeySet against a loopback jwks_uri whose key set each test sets:
// key selection, single-flight, the refetch cooldown, cache age, failures.

const { transport } = recordingTransport();
let server: TestServer;
let served: { status: number; body: unknown };
let rsa: TestKey;
let rsa2: TestKey;
let ec: TestKey;

beforeAll(async () => {
  rsa = await testKey('RS256', 'rsa-1');
  rsa2 = await testKey('RS256', 'rsa-2');
  ec = await testKey('ES256', 'ec-1');
  server = await startHttpServer(async (_request, response) => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // long enough for callers to pile up
    response.writeHead(served.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(served.body));
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.requests.length = 0;
});

function remote(clock = movableClock()) {
  return new RemoteKeySet(server.url, { transport, allowInsecureTransport: true, clock });
}

describe('key selection', () => {
  it('selects by kid, kty, crv, alg, use and key_ops', async () => {
    const set = localKeySet({
      keys: [
        { ...rsa.publicJwk, use: 'enc' }, // an encryption key with the same kid
        { ...rsa.publicJwk, alg: 'PS256' }, // for another algorithm
        { ...rsa.publicJwk, key_ops: ['encrypt'] },
        { ...ec.publicJwk, kid: 'rsa-1' }, // another key type under the same kid
        rsa.publicJwk,
        rsa2.publicJwk,
      ],
    });
    expect(await set.keysFor({ alg: 'RS256', kid: 'rsa-1' })).toHaveLength(1);
    expect(await set.keysFor({ alg: 'RS256' })).toHaveLength(2);
    expect(await set.keysFor({ alg: 'PS256', kid: 'rsa-1' })).toHaveLength(1);
    expect(await set.keysFor({ alg: 'ES256', kid: 'rsa-1' })).toHaveLength(1);
    expect(await set.keysFor({ alg: 'ES384', kid: 'rsa-1' })).toHaveLength(0); // wrong curve
    expect(await set.keysFor({ alg: 'HS256' })).toHaveLength(0); // never from the key set
    expect(await set.keysFor({ alg: 'RS256', kid: 'unknown' })).toHaveLength(0);
  });

  it('uses only the public part of a key and skips keys it cannot import', async () => {
    const privateJwk = { ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1' };
    const set = localKeySet({ keys: [{ kty: 'RSA', kid: 'rsa-1', n: 'AQAB' }, privateJwk] });
    const now = seconds(movableClock());
    const idToken = await sign(
      { iss: 'https://op.test', sub: 'a', aud: 'c', iat: now, exp: now + 60 },
      rsa.privateKey,
      { alg: 'RS256', kid: 'rsa-1' },
    );
    await expect(
      validateIdToken(idToken, { issuer: 'https://op.test', clientId: 'c', keys: set }),
    ).resolves.toMatchObject({ sub: 'a' });
    const [key] = await set.keysFor({ alg: 'RS256', kid: 'rsa-1' });
    expect(key?.type).toBe('public');
  });

  it('refuses a key set that is not { keys: [...] }', () => {
    expect(() => localKeySet({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('RemoteKeySet', () => {
  it('fetches once for any number of concurrent callers, then serves from the cache', async () => {
    served = { status: 200, body: { keys: [rsa.publicJwk] } };
    const keys = remote();
    const found = await Promise.all(
      Array.from({ length: 50 }, () => keys.keysFor({ alg: 'RS256', kid: 'rsa-1' })),
    );
    expect(found.every((list) => list.length === 1)).toBe(true);
    await keys.keysFor({ alg: 'RS256', kid: 'rsa-1' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.accept).toContain('application/jwk-set+json');
  });

  it('refetches for an unknown kid at most once per cooldown, and picks up a rotated key', async () => {
    served = { status: 200, body: { keys: [rsa.publicJwk] } };
    const clock = movableClock();
    const keys = remote(clock);
    await keys.keysFor({ alg: 'RS256', kid: 'rsa-1' });
    served = { status: 200, body: { keys: [rsa2.publicJwk, rsa.publicJwk] } };

    // Within the cooldown: the new kid is not found and nothing is fetched.
    const unknown = await Promise.all(
      Array.from({ length: 100 }, () => keys.keysFor({ alg: 'RS256', kid: 'rsa-2' })),
    );
    expect(unknown.every((list) => list.length === 0)).toBe(true);
    expect(server.requests).toHaveLength(1);

    clock.advance(30);
    const rotated = await Promise.all(
      Array.from({ length: 100 }, () => keys.keysFor({ alg: 'RS256', kid: 'rsa-2' })),
    );
    expect(rotated.every((list) => list.length === 1)).toBe(true);
    expect(server.requests).toHaveLength(2);

    for (let i = 0; i < 50; i++) await keys.keysFor({ alg: 'RS256', kid: `bogus-${i}` });
    expect(server.requests).toHaveLength(2);
  });

  it('fetches again when the cached set is older than maxAge', async () => {
    served = { status: 200, body: { keys: [rsa.publicJwk, rsa2.publicJwk] } };
    const clock = movableClock();
    const keys = remote(clock);
    expect(await keys.keysFor({ alg: 'RS256', kid: 'rsa-2' })).toHaveLength(1);
    served = { status: 200, body: { keys: [rsa.publicJwk] } }; // rsa-2 withdrawn
    clock.advance(599);
    expect(await keys.keysFor({ alg: 'RS256', kid: 'rsa-2' })).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    clock.advance(1);
    expect(await keys.keysFor({ alg: 'RS256', kid: 'rsa-2' })).toHaveLength(0);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a failed fetch, and does not retry it before the cooldown', async () => {
    served = { status: 500, body: { error: 'down' } };
    const clock = movableClock();
    const keys = remote(clock);
    for (let i = 0; i < 5; i++) {
      await expect(keys.keysFor({ alg: 'RS256' })).rejects.toMatchObject({
        code: 'ERR_INVALID_RESPONSE',
        status: 500,
      });
    }
    expect(server.requests).toHaveLength(1);
    served = { status: 200, body: { keys: [rsa.publicJwk] } };
    clock.advance(30);
    expect(await keys.keysFor({ alg: 'RS256' })).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses redirects and malformed key sets', async () => {
    served = { status: 301, body: '' };
    await expect(remote().keysFor({ alg: 'RS256' })).rejects.toMatchObject({
      code: 'ERR_REDIRECT',
    });
    served = { status: 200, body: { keys: 'none' } };
    await expect(remote().keysFor({ alg: 'RS256' })).rejects.toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      message: /no keys array/,
    });
  });

  it('requires https (or loopback http when allowed)', () => {
    expect(() => new RemoteKeySet('http://op.example.com/jwks', { transport })).toThrow(
      expect.objectContaining({ code: 'ERR_INSECURE_TRANSPORT' }),
    );
    expect(() => new RemoteKeySet(server.url, { transport })).toThrow(
      expect.objectContaining({ code: 'ERR_INSECURE_TRANSPORT' }),
    );
  });
});
