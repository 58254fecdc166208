/**
 * What both `#signer` back ends (`signer.ts` on Web Crypto, `signer.node.ts`
 * on node:crypto) export, so that they stay interchangeable.
 */
import type { HashAlgorithm } from '../rfc5849/keys.js';

/** Which back end `#signer` resolved to. */
export type SignerName = 'web-crypto' | 'node';

/**
 * The base64 HMAC of `data` (its UTF-8 bytes) under `key`, the RFC 5849
 * 3.4.2 key string (never empty: it holds at least the `&`).
 */
export type HmacBase64 = (
  key: string,
  data: string,
  hash: HashAlgorithm,
) => Promise<string> | string;

/**
 * The base64 RSASSA-PKCS1-v1_5 signature of `data` (its UTF-8 bytes) with an
 * RSA private key imported for `hash` by `importRsaPrivateKey`.
 */
export type RsaBase64 = (
  key: CryptoKey,
  data: string,
  hash: HashAlgorithm,
) => Promise<string> | string;
