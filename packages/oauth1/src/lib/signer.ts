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
import { importHmacKey } from '../rfc5849/keys.js';
import { base64FromBytes, utf8Bytes } from './bytes.js';
import type { HmacBase64, RsaBase64, SignerName } from './signer-types.js';

/** Which back end `#signer` resolved to. */
export const SIGNER: SignerName = 'web-crypto';

/** HMAC with the key imported once and cached by `importHmacKey`. Always a promise. */
export const hmacBase64: HmacBase64 = async (key, data, hash) => {
  const imported = await importHmacKey(key, hash);
  return base64FromBytes(await crypto.subtle.sign('HMAC', imported, utf8Bytes(data)));
};

/** RSASSA-PKCS1-v1_5 with `crypto.subtle.sign`. Always a promise. */
export const rsaBase64: RsaBase64 = async (key, data) =>
  base64FromBytes(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, utf8Bytes(data)));
