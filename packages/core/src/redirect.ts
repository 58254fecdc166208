import { TransportError } from './errors.js';

/**
 * The redirect policy both adapters apply when they follow redirects
 * themselves, so that credentials never leave the origin they were meant for.
 * Adapters translate; this module decides.
 */

/** Statuses that carry a `Location` to follow. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** The most redirects followed for one request (the fetch standard's limit). */
export const MAX_REDIRECTS = 20;

/** Request headers that carry credentials: removed on a cross-origin hop. */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
];

/** Headers describing a body: removed when a hop drops the body. */
export const BODY_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/** Where and how to go next. */
export interface RedirectHop {
  url: string;
  method: string;
  /** The body must not be sent again (303, or 301/302 after POST). */
  dropBody: boolean;
  /** The hop leaves the origin of the request that preceded it. */
  crossOrigin: boolean;
}

/**
 * Decides the next hop for a redirect response, following the fetch
 * standard (4.4 HTTP-redirect fetch), or returns `undefined` when the
 * response is not a redirect to follow.
 *
 * @throws TransportError `ERR_INSECURE_REDIRECT` for https → http or a
 * scheme other than http(s).
 */
export function nextRedirect(
  from: { url: string; method: string },
  response: { status: number; headers: Headers },
): RedirectHop | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  const current = new URL(from.url);
  let target: URL;
  try {
    target = new URL(location, current);
  } catch (cause) {
    throw new TransportError('ERR_REDIRECT', 'redirect to an invalid Location', { cause });
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new TransportError('ERR_INSECURE_REDIRECT', `redirect to ${target.protocol} refused`);
  }
  if (current.protocol === 'https:' && target.protocol === 'http:') {
    throw new TransportError('ERR_INSECURE_REDIRECT', 'redirect from https to http refused');
  }
  const method = from.method.toUpperCase();
  const toGet =
    (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((response.status === 301 || response.status === 302) && method === 'POST');
  return {
    url: target.href,
    method: toGet ? 'GET' : method,
    dropBody: toGet,
    crossOrigin: target.origin !== current.origin,
  };
}

/** Removes credential headers (for a hop to another origin). */
export function stripCredentials(headers: Headers): Headers {
  const copy = new Headers(headers);
  for (const name of CREDENTIAL_HEADERS) copy.delete(name);
  return copy;
}

/** Removes body headers (for a hop that drops the body). */
export function stripBodyHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  for (const name of BODY_HEADERS) copy.delete(name);
  return copy;
}
