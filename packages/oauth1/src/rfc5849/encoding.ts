/**
 * RFC 5849 3.6 percent-encoding, and the strict decoding the Authorization
 * header needs.
 *
 * The encoding is core's `percentEncode` (UTF-8, everything but RFC 3986
 * unreserved characters encoded, upper-case hex), with a faster path for
 * the common cases: a signature encodes a dozen short values and the whole
 * parameter string on every request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.6
 */
import { percentEncode as percentEncodeUtf8 } from '@x/core';

const UNRESERVED = /^[A-Za-z0-9._~-]*$/;
// What encodeURIComponent leaves alone that RFC 3986 2.3 does not call unreserved.
const SUB_DELIM = /[!'()*]/;
const SUB_DELIMS = /[!'()*]/g;
const escapeSubDelim = (char: string): string =>
  `%${char.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * Encodes every byte of the UTF-8 form of `value` except RFC 3986 unreserved
 * characters (`A-Z a-z 0-9 - . _ ~`), with upper-case hex: exactly core's
 * `percentEncode`, including a lone surrogate encoded as U+FFFD.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.6
 * @example percentEncode("a b*~") // "a%20b%2A~"
 */
export function percentEncode(value: string): string {
  if (UNRESERVED.test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate (URIError): the byte-wise encoder writes it as U+FFFD.
    return percentEncodeUtf8(value);
  }
  return SUB_DELIM.test(encoded) ? encoded.replace(SUB_DELIMS, escapeSubDelim) : encoded;
}

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
