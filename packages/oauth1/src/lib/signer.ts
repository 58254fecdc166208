/**
 * The signing primitives behind the HMAC and RSA signature methods, on Web
 * Crypto: the default everywhere (browsers, workers, Deno, Bun and any
 * runtime without the `node` export condition).
 *
 * Reached through the `#signer` subpath import, which picks
 * `signer.node.ts` on Node instead: the same functions over `node:crypto`,
 * synchronous, for throughput. Both produce byte-identical signatures (the
 * tests run the same vectors through each).
 */
import type { HashAlgorithm } from '../rfc5849/keys.js';
import { importHmacKey } from '../rfc5849/keys.js';
import { base64FromBytes, utf8Bytes } from './bytes.js';

/** Which implementation `#signer` resolved to. */
export const SIGNER: 'web-crypto' | 'node' = 'web-crypto';

/**
 * The base64 HMAC of `data` (its UTF-8 bytes) under `key` (the RFC 5849
 * 3.4.2 key string). The imported key is cached by {@link importHmacKey}.
 */
export async function hmacBase64(key: string, data: string, hash: HashAlgorithm): Promise<string> {
  const imported = await importHmacKey(key, hash);
  return base64FromBytes(await crypto.subtle.sign('HMAC', imported, utf8Bytes(data)));
}

/**
 * The base64 RSASSA-PKCS1-v1_5 signature of `data` (its UTF-8 bytes) with an
 * RSA private key imported for `hash`.
 */
export async function rsaBase64(key: CryptoKey, data: string, _hash: HashAlgorithm): Promise<string> {
  return base64FromBytes(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, utf8Bytes(data)));
}
