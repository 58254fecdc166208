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
import type { HmacBase64, RsaBase64, SignerName } from './signer-types.js';

/** Which back end `#signer` resolved to. */
export const SIGNER: SignerName = 'node';

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
 * HMAC over a `KeyObject`: a promise the first time a key is seen (it is
 * imported by `importHmacKey`), a string from then on.
 */
export const hmacBase64: HmacBase64 = (key, data, hash) => {
  const cache = hmacKeys[hash];
  const secret = cache.get(key);
  if (secret) return hmac(secret, data, hash);
  return importHmacKey(key, hash).then((imported) => {
    const keyObject = KeyObject.from(imported);
    cache.set(key, keyObject);
    return hmac(keyObject, data, hash);
  });
};

const rsaKeys = new WeakMap<CryptoKey, KeyObject>();

/** RSASSA-PKCS1-v1_5 with `crypto.sign`, over the key's `KeyObject`. Always a string. */
export const rsaBase64: RsaBase64 = (key, data, hash) => {
  let keyObject = rsaKeys.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    rsaKeys.set(key, keyObject);
  }
  return sign(NODE_HASH[hash], Buffer.from(data, 'utf8'), keyObject).toString('base64');
};
