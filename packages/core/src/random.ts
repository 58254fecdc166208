import { base64urlEncode } from './encoding.js';
import { InvalidArgumentError } from './errors.js';

/** The alphabet Authlib's `generate_token` uses: letters and digits. */
export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes from the platform CSPRNG (`crypto.getRandomValues`). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InvalidArgumentError('length must be a non-negative integer');
  }
  const bytes = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + 65_536, length)));
  }
  return bytes;
}

/**
 * A random string from the platform CSPRNG, uniform over `alphabet`
 * (rejection sampling, no modulo bias). The default 30 alphanumeric
 * characters carry about 178 bits.
 *
 * @example generateToken() // e.g. "f7Qz0X..."
 */
export function generateToken(length = 30, alphabet: string = ALPHANUMERIC): string {
  if (!Number.isInteger(length) || length < 1) {
    throw new InvalidArgumentError('length must be a positive integer');
  }
  if (alphabet.length < 2 || alphabet.length > 256) {
    throw new InvalidArgumentError('alphabet must have 2 to 256 characters');
  }
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** `byteLength` CSPRNG bytes as unpadded base64url (32 bytes → 43 characters, 256 bits). */
export function randomBase64Url(byteLength = 32): string {
  return base64urlEncode(randomBytes(byteLength));
}
