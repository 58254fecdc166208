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
