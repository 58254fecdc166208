import {
  formDecode,
  formEncode,
  type ParamList,
  type ParamsInit,
  toParamList,
} from './encoding.js';
import { InvalidArgumentError } from './errors.js';

/** Parses an absolute URL, throwing a typed error for anything else. */
export function parseUrl(url: string | URL, what = 'URL'): URL {
  if (url instanceof URL) return new URL(url.href);
  try {
    return new URL(url);
  } catch {
    throw new InvalidArgumentError(`${what} is not an absolute URL`);
  }
}

/**
 * The origin, with the "/" after it, of the last URL {@link absoluteUrl}
 * parsed: a string starting with it needs no parsing when the rest is
 * already in the form the URL parser would give it.
 */
let lastOrigin: string | undefined;

/**
 * The characters the URL parser leaves as they are in the path and query of
 * an http(s) URL, by char code. Deliberately narrow: no `%` (`%2e` is a dot
 * segment), no `#`, `'` (encoded in special queries), `\` (a slash in
 * special URLs), spaces or controls (removed or encoded).
 */
const KEPT = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&*+,;=:@/?') {
  KEPT[c.charCodeAt(0)] = 1;
}

/**
 * `true` when `url` from `start` on (just after a "/") is as the parser
 * would write it: only {@link KEPT} characters, and no segment starting with
 * "." (a "." or ".." segment is removed). A loop rather than a regular
 * expression: this runs per request, and is cheaper without the regex engine.
 */
function keptAsIs(url: string, start: number): boolean {
  let previous = 47; // the "/" before `start`
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code >= 128 || KEPT[code] !== 1) return false;
    if (code === 46 && previous === 47) return false; // "/."
    previous = code;
  }
  return true;
}

/**
 * The absolute URL of a user request, normalized as `new URL(url).href`
 * gives it: resolved against `location` where there is one (browsers),
 * required to be absolute elsewhere.
 *
 * Runs for every request a client sends, so a string on the origin of the
 * URL parsed before, whose rest has no character or dot segment the parser
 * would change, is returned as it is (a URL parse is a third of the
 * per-request cost of an authorized `fetch`; a property test holds the
 * shortcut to the parser's answer).
 *
 * @throws InvalidArgumentError when it cannot be resolved.
 * @example absoluteUrl('https://api.example.com/a/../b') // 'https://api.example.com/b'
 */
export function absoluteUrl(url: string | URL): string {
  const origin = lastOrigin;
  if (
    typeof url === 'string' &&
    origin !== undefined &&
    url.startsWith(origin) &&
    keptAsIs(url, origin.length)
  ) {
    return url;
  }
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    throw new InvalidArgumentError('request URL is not absolute');
  }
  const href = parsed.href;
  // `origin` is "null" for non-special schemes, and lacks the userinfo an href may carry.
  if (parsed.origin !== 'null' && href.startsWith(`${parsed.origin}/`)) {
    lastOrigin = `${parsed.origin}/`;
  }
  return href;
}

/**
 * Appends parameters to a URL's query, keeping what is there.
 *
 * @example addParamsToUrl('https://as.test/authorize?a=1', { b: '2' }) // 'https://as.test/authorize?a=1&b=2'
 */
export function addParamsToUrl(url: string | URL, params: ParamsInit): string {
  const target = parseUrl(url);
  const added = formEncode(params);
  // Not searchParams.append: it re-serializes the existing query (`?flag` -> `?flag=`).
  if (added) target.search = target.search ? `${target.search.slice(1)}&${added}` : added;
  return target.href;
}

/** Appends parameters to a URL's fragment (the implicit grant's response carrier). */
export function addParamsToFragment(url: string | URL, params: ParamsInit): string {
  const target = parseUrl(url);
  const fragment = new URLSearchParams(formDecode(target.hash));
  for (const [key, value] of toParamList(params)) fragment.append(key, value);
  target.hash = fragment.toString();
  return target.href;
}

/** The query parameters of a URL, in order, duplicates kept. */
export function getQueryParams(url: string | URL): ParamList {
  return [...parseUrl(url).searchParams];
}

/** The parameters in a URL's fragment (implicit and hybrid responses), in order. */
export function getFragmentParams(url: string | URL): ParamList {
  return formDecode(parseUrl(url).hash);
}

/** The first value of each name in a parameter list, as a null-prototype record. */
export function paramsToRecord(params: ParamList): Record<string, string> {
  const record: Record<string, string> = Object.create(null);
  for (const [key, value] of params) if (!(key in record)) record[key] = value;
  return record;
}
