/**
 * Keys are imported once: HMAC keys per secret pair (in a bounded LRU
 * cache), RSA keys per key and hash. Counted on crypto.subtle.importKey.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { HttpRequest } from '@x/core';
import { describe, expect, it, vi } from 'vitest';
import { importHmacKey, KEY_CACHE_SIZE, OAuth1Auth } from '../src/index.js';

const request = (): HttpRequest => ({
  method: 'GET',
  url: 'https://api.example.com/photos?size=original',
  headers: new Headers(),
});

let unique = 0;
const fresh = (what: string) => `${what}-${++unique}-${Date.now()}`;

describe('key import happens once', () => {
  it('imports one HMAC key for 100 signatures with the same secrets', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const auth = new OAuth1Auth({
      clientId: 'c',
      clientSecret: fresh('client'),
      token: 't',
      tokenSecret: fresh('token'),
      signatureMethod: 'HMAC-SHA256',
    });
    for (let i = 0; i < 100; i++) await auth.authorize(request());
    expect(importKey).toHaveBeenCalledTimes(1);
    // A second authenticator with the same secrets shares the cached key.
    const clientSecret = fresh('shared');
    const make = () =>
      new OAuth1Auth({ clientId: 'c', clientSecret, signatureMethod: 'HMAC-SHA1' });
    await make().authorize(request());
    await make().authorize(request());
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('imports an RSA key once per key and hash, for PEM and JWK inputs', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const pemAuth = new OAuth1Auth({ clientId: 'c', signatureMethod: 'RSA-SHA1', rsaKey: pem });
    const jwkAuth = new OAuth1Auth({ clientId: 'c', signatureMethod: 'RSA-SHA1', rsaKey: jwk });
    for (let i = 0; i < 100; i++) {
      await pemAuth.authorize(request());
      await jwkAuth.authorize(request());
    }
    expect(importKey).toHaveBeenCalledTimes(2);
    await new OAuth1Auth({ clientId: 'c', signatureMethod: 'RSA-SHA256', rsaKey: pem }).authorize(
      request(),
    );
    expect(importKey).toHaveBeenCalledTimes(3);
  });

  it('keeps the HMAC cache bounded: the least recently used key is imported again', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const keys = Array.from({ length: KEY_CACHE_SIZE + 1 }, () => fresh('k'));
    for (const key of keys) await importHmacKey(key, 'SHA-1');
    expect(importKey).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 1);
    await importHmacKey(keys.at(-1) as string, 'SHA-1'); // most recent: cached
    expect(importKey).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 1);
    await importHmacKey(keys[0] as string, 'SHA-1'); // evicted: imported again
    expect(importKey).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 2);
  });
});
