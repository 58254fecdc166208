/**
 * The signature base string (RFC 5849 3.4.1): the request method, the base
 * string URI and the normalized request parameters, each encoded and joined
 * with `&`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1
 */
import {
  type HttpRequest,
  InvalidArgumentError,
  isFormContentType,
  type ParamList,
  parseUrl,
} from '@x/core';
import { percentEncode } from './encoding.js';

/**
 * The base string URI (RFC 5849 3.4.1.2): scheme and host in lower case, the
 * port only when it is not the scheme's default, the path as sent; no user
 * info, query or fragment. The URL is read the way `fetch` sends it (WHATWG
 * URL), so the path is percent-encoded exactly as on the request line.
 *
 * @throws InvalidArgumentError when `url` is not an absolute http(s) URL.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2
 * @example baseStringUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123') // 'http://example.com/r%20v/X'
 */
export function baseStringUri(url: string | URL): string {
  // Only read: a URL object is not copied.
  const parsed = url instanceof URL ? url : parseUrl(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`OAuth 1 signs http(s) URLs only, not ${parsed.protocol}`);
  }
  // WHATWG URL lower-cases the scheme and host and drops default ports.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A parameter name and value, each already percent-encoded (RFC 5849 3.6). */
export type EncodedPair = [name: string, value: string];

/** Percent-encodes (3.6) a parameter's name and value. */
export function encodePair(name: string, value: string): EncodedPair {
  return [percentEncode(name), percentEncode(value)];
}

/**
 * Normalizes request parameters (RFC 5849 3.4.1.3.2): names and values
 * encoded (3.6), sorted by name then value in byte order, joined as
 * `name=value` pairs with `&`. Empty values are kept; `oauth_signature` is
 * excluded (3.4.1.3.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2
 * @example normalizeParameters([['b', '2'], ['a', 'x y'], ['a', '']]) // 'a=&a=x%20y&b=2'
 */
export function normalizeParameters(params: Iterable<readonly [string, string]>): string {
  const encoded: EncodedPair[] = [];
  for (const [name, value] of params) encoded.push(encodePair(name, value));
  return normalizeEncoded(encoded);
}

/**
 * {@link normalizeParameters} over pairs already encoded with
 * {@link encodePair}, so that signing encodes each parameter once for the
 * base string and the `Authorization` header. Sorts `encoded` in place.
 */
export function normalizeEncoded(encoded: EncodedPair[]): string {
  // Encoded names and values are ASCII, so UTF-16 order is byte order.
  encoded.sort((x, y) => compare(x[0], y[0]) || compare(x[1], y[1]));
  let normalized = '';
  for (const [name, value] of encoded) {
    // The encoded name of oauth_signature is itself.
    if (name === 'oauth_signature') continue;
    normalized += normalized.length > 0 ? `&${name}=${value}` : `${name}=${value}`;
  }
  return normalized;
}

/**
 * The signature base string (RFC 5849 3.4.1.1): the upper-case method, the
 * base string URI and the normalized parameters, each encoded (3.6) and
 * joined with `&`.
 *
 * `params` are every parameter of the request, decoded: the query, a
 * form-encoded body, and the protocol parameters (see
 * {@link requestParameters}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.1
 * @example
 * signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg', [
 *   ['file', 'vacation.jpg'], ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
 * ])
 * // 'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03'
 */
export function signatureBaseString(
  method: string,
  url: string | URL,
  params: Iterable<readonly [string, string]>,
): string {
  return baseStringOf(method, url, normalizeParameters(params));
}

/** {@link signatureBaseString} from parameters normalized by {@link normalizeEncoded}. */
export function baseStringOf(method: string, url: string | URL, normalized: string): string {
  // `normalized` holds only unreserved characters, `%`, `=` and `&`, none of
  // the characters where encodeURIComponent and RFC 5849 3.6 differ.
  return `${percentEncode(method.toUpperCase())}&${percentEncode(baseStringUri(url))}&${encodeURIComponent(normalized)}`;
}

/**
 * The request's body text when it takes part in the signature (RFC 5849
 * 3.4.1.3.1): a text body (not `opaqueBody`) sent with a `Content-Type` of
 * `application/x-www-form-urlencoded` (a `charset` parameter allowed).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.1
 * @example formBodyOf({ headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }), body: 'a=1' }) // 'a=1'
 */
export function formBodyOf(
  request: Pick<HttpRequest, 'headers' | 'body' | 'opaqueBody'>,
): string | undefined {
  if (request.opaqueBody === true || request.body === undefined) return undefined;
  return isFormContentType(request.headers.get('content-type')) ? request.body : undefined;
}

/**
 * The request parameters other than the Authorization header's (RFC 5849
 * 3.4.1.3.1): the query and a form-encoded body, each parsed as
 * `application/x-www-form-urlencoded` (`+` is a space), decoded, in order,
 * duplicates and empty values kept.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.1
 * @example
 * requestParameters({
 *   url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
 *   headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
 *   body: 'c2&a3=2+q',
 * })
 * // [['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'], ['c2', ''], ['a3', '2 q']]
 */
export function requestParameters(
  request: Pick<HttpRequest, 'url' | 'headers' | 'body' | 'opaqueBody'>,
): ParamList {
  return parametersOf(parseUrl(request.url), formBodyOf(request));
}

/**
 * Parses a request URL once, for signing: core's `parseUrl` with a single
 * parse (no `URL.canParse` first), the same error for a URL that is not
 * absolute.
 *
 * @throws InvalidArgumentError
 */
export function parseRequestUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidArgumentError('URL is not an absolute URL');
  }
}

/**
 * {@link requestParameters} from an already parsed URL and the request's form
 * body (from {@link formBodyOf}), so that signing parses the URL once.
 */
export function parametersOf(url: URL, formBody: string | undefined): ParamList {
  const params: ParamList = [...url.searchParams];
  if (formBody !== undefined) params.push(...parseForm(formBody));
  return params;
}

/**
 * Parses `application/x-www-form-urlencoded` text into decoded pairs. Unlike
 * `new URLSearchParams(text)`, a leading `?` is part of the first name, as it
 * is for a server reading the body.
 * @example parseForm('?a=1+2&b') // [['?a', '1 2'], ['b', '']]
 */
export function parseForm(text: string): ParamList {
  return [...new URLSearchParams(`&${text}`)];
}
