/**
 * RFC 5849 3.6 percent-encoding. The encoding itself is core's
 * `percentEncode` (UTF-8, everything but RFC 3986 unreserved characters
 * encoded, upper-case hex); this module adds the strict decoding the
 * Authorization header needs.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.6
 */
import { percentEncode } from '@x/core';

export { percentEncode };

/**
 * Decodes an RFC 5849 3.6 percent-encoded value (an Authorization header
 * parameter): `%XX` as UTF-8, `+` kept as `+`. Returns `undefined` when the
 * value is not well-formed percent-encoded UTF-8.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1
 * @example percentDecodeStrict('r%20b') // 'r b'
 */
export function percentDecodeStrict(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
