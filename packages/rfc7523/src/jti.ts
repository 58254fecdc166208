import { base64urlEncode } from '@x/core';

/**
 * Assertion ids (`jti`, RFC 7523 3): 192 bits from the platform CSPRNG, as
 * base64url. The bytes are drawn from `crypto.getRandomValues` a pool at a
 * time (one call per 170 ids) and each byte is used once: a client signing
 * an assertion per request does not pay a CSPRNG call per request.
 */

/** Bytes per `jti`: 192 bits. */
export const JTI_BYTES = 24;
/** Bytes drawn per `getRandomValues` call (at most 65,536). */
const POOL_BYTES = JTI_BYTES * 170;

let pool = new Uint8Array(0);
let offset = 0;

/**
 * A fresh `jti`: 24 CSPRNG bytes (never handed out twice), base64url (32 characters).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @example randomJti() // e.g. "3q2-7wW0cX1Qm0y8v3k6nF0t9rL2aB4c"
 */
export function randomJti(): string {
  if (offset + JTI_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + JTI_BYTES);
  offset += JTI_BYTES;
  return base64urlEncode(bytes);
}
