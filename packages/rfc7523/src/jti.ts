import { base64urlEncode } from '@x/core';

/**
 * Assertion ids (`jti`, RFC 7523 3): 192 bits from the platform CSPRNG, as
 * base64url. The bytes are drawn from `crypto.getRandomValues` a pool at a
 * time (one call per 170 ids), the pool is base64url-encoded once, and each
 * id is the next 32 characters of it: 24 bytes are a whole number of base64
 * groups (3 bytes → 4 characters), so those characters are exactly the
 * encoding of that id's own 24 bytes, and no byte is used twice. A client
 * signing an assertion per request pays neither a CSPRNG call nor an
 * encoding per request.
 */

/** Bytes per `jti`: 192 bits, a multiple of 3 (see above). */
export const JTI_BYTES = 24;
/** base64url characters per `jti`. */
const JTI_CHARS = (JTI_BYTES / 3) * 4;
/** Bytes drawn per `getRandomValues` call (at most 65,536). */
const POOL_BYTES = JTI_BYTES * 170;

let pool = '';
let offset = 0;

/**
 * A fresh `jti`: 24 CSPRNG bytes (never handed out twice), base64url (32 characters).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @example randomJti() // e.g. "3q2-7wW0cX1Qm0y8v3k6nF0t9rL2aB4c"
 */
export function randomJti(): string {
  if (offset + JTI_CHARS > pool.length) {
    pool = base64urlEncode(crypto.getRandomValues(new Uint8Array(POOL_BYTES)));
    offset = 0;
  }
  const jti = pool.slice(offset, offset + JTI_CHARS);
  offset += JTI_CHARS;
  return jti;
}
