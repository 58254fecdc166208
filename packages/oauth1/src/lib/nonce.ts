/**
 * `oauth_nonce` values for every signed request: 30 characters uniform over
 * letters and digits (about 178 bits, the shape of core's `generateToken`),
 * drawn from the platform CSPRNG through a small pool.
 *
 * `crypto.getRandomValues` costs microseconds per call on Node whatever the
 * size, more than the rest of an HMAC signature; filling 2 KiB at a time
 * makes that cost negligible. Every pool byte is used at most once.
 */
import { ALPHANUMERIC } from '@x/core';

const pool = new Uint8Array(2048);
let offset = pool.length;

// The largest multiple of 62 that fits in a byte: bytes at or above it are
// rejected, so that every character is equally likely.
const LIMIT = 256 - (256 % ALPHANUMERIC.length);

/**
 * A fresh CSPRNG nonce: 30 letters and digits.
 *
 * @example generateNonce() // e.g. 'f7Qz0X...'
 */
export function generateNonce(length = 30): string {
  let nonce = '';
  while (nonce.length < length) {
    if (offset === pool.length) {
      crypto.getRandomValues(pool);
      offset = 0;
    }
    const byte = pool[offset] as number;
    pool[offset++] = 0;
    if (byte < LIMIT) nonce += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  }
  return nonce;
}
