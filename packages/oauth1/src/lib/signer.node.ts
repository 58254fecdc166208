/// <reference types="node" />
/**
 * The signing primitives of `signer.ts` over `node:crypto`, selected on Node
 * by the `node` condition of the `#signer` subpath import. Synchronous once
 * a key is known: a header signature then costs no thread-pool round trip
 * and no promise, which is what lets HMAC-SHA1 signing on Node keep up with
 * hand-written `createHmac` code. Signatures are byte-identical to the Web
 * Crypto ones.
 *
 * Keys are still imported, validated and cached by `keys.ts` (Web Crypto),
 * once, exactly as on other runtimes; this module takes the `KeyObject`
 * under each imported `CryptoKey`, once per key.
 */
import { createHmac, KeyObject, sign } from 'node:crypto';
import { type HashAlgorithm, importHmacKey, KEY_CACHE_SIZE } from '../rfc5849/keys.js';
import { LruCache } from './lru.js';

/** Which implementation `#signer` resolved to. */
export const SIGNER: 'web-crypto' | 'node' = 'node';

const NODE_HASH: Record<HashAlgorithm, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
};

// Per hash, like importHmacKey's cache: key string -> the imported secret.
const hmacKeys: Record<HashAlgorithm, LruCache<string, KeyObject>> = {
  'SHA-1': new LruCache(KEY_CACHE_SIZE),
  'SHA-256': new LruCache(KEY_CACHE_SIZE),
  'SHA-512': new LruCache(KEY_CACHE_SIZE),
};

const hmac = (secret: KeyObject, data: string, hash: HashAlgorithm): string =>
  createHmac(NODE_HASH[hash], secret).update(data, 'utf8').digest('base64');

/**
 * The base64 HMAC of `data` (its UTF-8 bytes) under `key` (the RFC 5849
 * 3.4.2 key string): a promise the first time a key is seen (it is
 * imported), a string from then on.
 */
export function hmacBase64(key: string, data: string, hash: HashAlgorithm): Promise<string> | string {
  const cache = hmacKeys[hash];
  const secret = cache.get(key);
  if (secret) return hmac(secret, data, hash);
  return importHmacKey(key, hash).then((imported) => {
    const keyObject = KeyObject.from(imported);
    cache.set(key, keyObject);
    return hmac(keyObject, data, hash);
  });
}

const rsaKeys = new WeakMap<CryptoKey, KeyObject>();

/**
 * The base64 RSASSA-PKCS1-v1_5 signature of `data` (its UTF-8 bytes) with an
 * RSA private key imported for `hash`.
 */
export function rsaBase64(key: CryptoKey, data: string, hash: HashAlgorithm): string {
  let keyObject = rsaKeys.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    rsaKeys.set(key, keyObject);
  }
  return sign(NODE_HASH[hash], Buffer.from(data, 'utf8'), keyObject).toString('base64');
}
