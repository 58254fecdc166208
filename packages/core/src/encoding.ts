/**
 * Percent-encoding (RFC 3986 2.1, RFC 5849 3.6) and
 * `application/x-www-form-urlencoded` (WHATWG URL) over UTF-8.
 */

const utf8 = new TextEncoder();

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

const HEX = '0123456789ABCDEF';

/**
 * Encodes every byte of the UTF-8 form of `value` except RFC 3986 unreserved
 * characters (`A-Z a-z 0-9 - . _ ~`), with upper-case hex. Unlike
 * `encodeURIComponent`, also encodes `! ' ( ) *`. This is the encoding OAuth
 * 1.0 signatures (RFC 5849 3.6) and RFC 6749 2.3.1 Basic credentials require.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-2.1
 * @example percentEncode("a b*~") // "a%20b%2A~"
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of utf8.encode(value)) {
    out += isUnreserved(byte)
      ? String.fromCharCode(byte)
      : `%${HEX[byte >> 4] as string}${HEX[byte & 15] as string}`;
  }
  return out;
}

/**
 * Decodes `%XX` sequences as UTF-8. Malformed sequences throw a `URIError`.
 * A `+` stays a `+` (use {@link formDecode} for form bodies).
 */
export function percentDecode(value: string): string {
  return decodeURIComponent(value);
}

/** Name/value pairs, in order, with duplicates allowed. */
export type ParamList = Array<[string, string]>;

/** Parameters as a record (undefined values skipped), pairs, or URLSearchParams. */
export type ParamsInit =
  | Record<string, string | number | boolean | undefined | null>
  | Iterable<readonly [string, string]>
  | URLSearchParams;

/** Normalizes {@link ParamsInit} to ordered pairs, dropping undefined and null values. */
export function toParamList(params: ParamsInit): ParamList {
  if (params instanceof URLSearchParams) return [...params];
  if (Symbol.iterator in params) {
    return [...(params as Iterable<readonly [string, string]>)].map(([k, v]) => [k, v]);
  }
  const list: ParamList = [];
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) list.push([key, String(value)]);
  }
  return list;
}

/**
 * Serializes parameters as `application/x-www-form-urlencoded` (space as `+`),
 * the way browsers and `URLSearchParams` do.
 *
 * @example formEncode({ grant_type: 'client_credentials', scope: 'a b' }) // "grant_type=client_credentials&scope=a+b"
 */
export function formEncode(params: ParamsInit): string {
  return new URLSearchParams(toParamList(params)).toString();
}

/**
 * Parses an `application/x-www-form-urlencoded` string into ordered pairs;
 * `+` is a space, empty values are kept, a leading `?` or `#` is ignored.
 */
export function formDecode(body: string): ParamList {
  const text = body.startsWith('?') || body.startsWith('#') ? body.slice(1) : body;
  return [...new URLSearchParams(text)];
}

/** Parses a form body into a record; for duplicate names the first value wins. */
export function formDecodeToRecord(body: string): Record<string, string> {
  const record: Record<string, string> = Object.create(null);
  for (const [key, value] of formDecode(body)) if (!(key in record)) record[key] = value;
  return record;
}

/** `true` for a `Content-Type` of `application/x-www-form-urlencoded` (any parameters). */
export function isFormContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Base64url without padding (RFC 4648 5), as JOSE and PKCE use it. */
export function base64urlEncode(bytes: Uint8Array): string {
  return btoa(binaryString(bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes as a "binary string" for `btoa`, in chunks well under the engines' argument limits. */
function binaryString(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  }
  return binary;
}

/** Standard base64 of the UTF-8 form of `value`. */
export function base64Encode(value: string): string {
  let binary = '';
  for (const byte of utf8.encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
