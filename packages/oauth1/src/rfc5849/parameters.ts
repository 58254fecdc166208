/**
 * Protocol parameter transmission (RFC 5849 3.5): the `Authorization: OAuth`
 * header (3.5.1), a form-encoded body (3.5.2) and the request URI query
 * (3.5.3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5
 */
import { InvalidArgumentError, type ParamList, parseUrl } from '@x/core';
import { type EncodedPair, encodePair, parseForm } from './base-string.js';
import { percentDecodeStrict, percentEncode } from './encoding.js';

/**
 * Where the protocol parameters go: the `Authorization` header (the default
 * and the RFC's preference), a form-encoded body, or the URL query.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5
 */
export type SignatureType = 'HEADER' | 'QUERY' | 'BODY';

/**
 * Every signature type, for validation and iteration.
 *
 * @example for (const signatureType of SIGNATURE_TYPES) new OAuth1Auth({ clientId, signatureType })
 */
export const SIGNATURE_TYPES: readonly SignatureType[] = Object.freeze(['HEADER', 'QUERY', 'BODY']);

function encodePairs(params: Iterable<readonly [string, string]>): string[] {
  return [...params].map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Checks a `realm` can be sent as an RFC 7230 quoted-string (no control
 * characters, which would split or corrupt the header).
 *
 * @throws InvalidArgumentError
 * @example assertValidRealm('Photos') // ok; 'a\r\nb' throws
 */
export function assertValidRealm(realm: string): void {
  if (typeof realm !== 'string' || CONTROL.test(realm)) {
    throw new InvalidArgumentError('realm must be a string without control characters');
  }
}

/**
 * The `Authorization` header value for protocol parameters (RFC 5849
 * 3.5.1): `OAuth`, the optional `realm` first (a quoted-string, RFC 2617
 * 1.2), then every parameter as `name="value"` with names and values
 * percent-encoded (3.6), separated by `, `.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1
 * @example
 * authorizationHeader([['oauth_consumer_key', 'dpf43f3p2l4k3l03']], 'Photos')
 * // 'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03"'
 */
export function authorizationHeader(
  params: Iterable<readonly [string, string]>,
  realm?: string,
): string {
  const encoded: EncodedPair[] = [];
  for (const [name, value] of params) encoded.push(encodePair(name, value));
  return authorizationHeaderOf(encoded, realm);
}

/** {@link authorizationHeader} from parameters already encoded with `encodePair`. */
export function authorizationHeaderOf(encoded: Iterable<EncodedPair>, realm?: string): string {
  let header = 'OAuth ';
  let separator = '';
  if (realm !== undefined) {
    assertValidRealm(realm);
    header += `realm="${realm.replace(/["\\]/g, '\\$&')}"`;
    separator = ', ';
  }
  for (const [name, value] of encoded) {
    header += `${separator}${name}="${value}"`;
    separator = ', ';
  }
  return header;
}

/** An `Authorization: OAuth` header, parsed. */
export interface ParsedAuthorization {
  /** The `realm`, unquoted; not a protocol parameter and not signed. */
  realm?: string | undefined;
  /** Every other parameter, decoded, in order, duplicates kept. */
  params: ParamList;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const SPACE = /[ \t]*/y;

/**
 * Parses an `Authorization` header of the `OAuth` scheme (RFC 5849 3.5.1):
 * comma-separated `name="value"` parameters (token values tolerated),
 * percent-decoded; `realm` set apart. Returns `undefined` when the header is
 * absent or of another scheme.
 *
 * @throws InvalidArgumentError when an `OAuth` header is malformed.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1
 * @example
 * parseAuthorizationHeader('OAuth realm="Photos", oauth_nonce="chapoH"')
 * // { realm: 'Photos', params: [['oauth_nonce', 'chapoH']] }
 */
export function parseAuthorizationHeader(
  header: string | null | undefined,
): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const scheme = /^[ \t]*OAuth(?:[ \t]+|$)/i.exec(header);
  if (!scheme) return undefined;
  const malformed = () => new InvalidArgumentError('malformed OAuth Authorization header');
  const result: ParsedAuthorization = { params: [] };
  let pos = scheme[0].length;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(header);
    if (!m) return undefined;
    pos = re.lastIndex;
    return m[0];
  };
  while (pos < header.length) {
    if (header[pos] === ',' || header[pos] === ' ' || header[pos] === '\t') {
      pos++;
      continue;
    }
    const name = match(TOKEN);
    if (name === undefined) throw malformed();
    match(SPACE);
    if (header[pos] !== '=') throw malformed();
    pos++;
    match(SPACE);
    let raw: string;
    if (header[pos] === '"') {
      raw = '';
      pos++;
      for (;;) {
        if (pos >= header.length) throw malformed();
        const ch = header[pos++] as string;
        if (ch === '"') break;
        if (ch === '\\' && pos < header.length) raw += header[pos++];
        else raw += ch;
      }
    } else {
      const token = match(TOKEN);
      if (token === undefined) throw malformed();
      raw = token;
    }
    match(SPACE);
    if (pos < header.length && header[pos] !== ',') throw malformed();
    if (name.toLowerCase() === 'realm') {
      if (result.realm === undefined) result.realm = raw;
      continue;
    }
    const decodedName = percentDecodeStrict(name);
    const value = percentDecodeStrict(raw);
    if (decodedName === undefined || value === undefined) throw malformed();
    result.params.push([decodedName, value]);
  }
  return result;
}

/**
 * Appends protocol parameters to a URL's query (RFC 5849 3.5.3), after the
 * parameters already there, each name and value percent-encoded (3.6).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5.3
 * @example appendQueryParameters('https://api.test/a?x=1', [['oauth_nonce', 'n 1']])
 * // 'https://api.test/a?x=1&oauth_nonce=n%201'
 */
export function appendQueryParameters(
  url: string | URL,
  params: Iterable<readonly [string, string]>,
): string {
  const target = parseUrl(url);
  const added = encodePairs(params).join('&');
  const query = target.search.slice(1);
  target.search = query.length > 0 ? `${query}&${added}` : added;
  return target.href;
}

/**
 * Removes the named parameters from a URL's query, leaving the others
 * exactly as they were encoded. Used to drop the protocol parameters of an
 * earlier signature (a redirect hop that kept the signed query) before
 * signing again.
 *
 * @example removeQueryParameters('https://a.test/?x=1&oauth_nonce=n', new Set(['oauth_nonce'])) // 'https://a.test/?x=1'
 */
export function removeQueryParameters(url: string | URL, names: ReadonlySet<string>): string {
  const target = parseUrl(url);
  const parts = target.search.slice(1).split('&');
  const kept = parts.filter((part) => {
    const name = parseForm(part)[0]?.[0];
    return name === undefined || !names.has(name);
  });
  if (kept.length !== parts.length) target.search = kept.join('&');
  return target.href;
}

/**
 * Appends protocol parameters to a form-encoded body (RFC 5849 3.5.2), after
 * the request's own parameters, each name and value percent-encoded (3.6).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.5.2
 * @example appendBodyParameters('status=hi+there', [['oauth_nonce', 'abc']])
 * // 'status=hi+there&oauth_nonce=abc'
 */
export function appendBodyParameters(
  body: string | undefined,
  params: Iterable<readonly [string, string]>,
): string {
  const added = encodePairs(params).join('&');
  return body !== undefined && body.length > 0 ? `${body}&${added}` : added;
}
