import { TransportError } from './errors.js';
import { type Authenticator, cloneRequest, type HttpRequest } from './http.js';
import {
  MAX_REDIRECTS,
  nextRedirect,
  REDIRECT_STATUSES,
  stripBodyHeaders,
  stripCredentials,
} from './redirect.js';

/**
 * One user request run through an {@link Authenticator}, redirects included:
 * the loop both adapters drive with their own `send`. Every hop is rebuilt
 * from the original, unauthorized request and authorized again while all
 * hops so far stayed on the original origin; after a cross-origin hop the
 * authenticator is never called again for the exchange and the credential
 * headers the user set are stripped. Adapters translate; this decides.
 */

/** What to do with a redirect response: follow it, return it, or fail (`ERR_REDIRECT`). */
export type RedirectMode = 'follow' | 'manual' | 'error';

/** The part of an adapter's response an exchange looks at. */
export interface ResponseHead {
  status: number;
  headers: Headers;
}

/** A request as sent and what came back. */
export interface ExchangeResult<R> {
  /** The request as sent (authorized when `authorized`). */
  request: HttpRequest;
  /** The adapter's response to it. */
  response: R;
  /** The authenticator's credentials were attached to `request`. */
  authorized: boolean;
}

/** Inputs of {@link exchange}; `R` is the adapter's response type. */
export interface ExchangeOptions<R> {
  /** The request as the user wrote it, not yet authorized. */
  request: HttpRequest;
  /** Absent for plain requests (same redirect rules, no credentials added). */
  authenticator?: Authenticator | undefined;
  /** Sends one prepared request without following redirects. */
  send(request: HttpRequest): Promise<R>;
  /** Status and headers of an adapter response. */
  head(response: R): ResponseHead;
  /** Releases a response that will not be returned (cancels its body). */
  discard?(response: R): Promise<void>;
  /** @defaultValue 'follow' */
  redirect?: RedirectMode | undefined;
  /** @defaultValue {@link MAX_REDIRECTS} */
  maxRedirects?: number | undefined;
  /** The body can be sent again (`classifyBody(...).replayable`). @defaultValue true */
  replayable?: boolean | undefined;
  /** Passed to `authorize` and `retry`. */
  signal?: AbortSignal | undefined;
  /** The first hop was already authorized and sent by the adapter's stack (axios interceptors). */
  sent?: ExchangeResult<R> | undefined;
}

/**
 * Sends a user request through an authenticator and follows redirects by
 * the rules of `nextRedirect` (fetch standard 4.4). A 307/308 (or any hop
 * keeping the body) with a non-replayable body is returned as is. Does not
 * retry: see {@link shouldRetry}.
 *
 * @throws TransportError `ERR_REDIRECT` (too many, or `redirect: 'error'`),
 * `ERR_INSECURE_REDIRECT` (https → http); whatever `send` or `authorize` throw.
 * @see https://fetch.spec.whatwg.org/#http-redirect-fetch
 * @example
 * const { response } = await exchange({ request, authenticator, send, head: (r) => r })
 */
export async function exchange<R>(options: ExchangeOptions<R>): Promise<ExchangeResult<R>> {
  // The first hop, and the common case of no redirect, allocate nothing beyond the result:
  // this runs once per user request, and closures here show in request throughput.
  let first = options.sent;
  if (first === undefined) {
    const { request: original, authenticator } = options;
    const request =
      authenticator === undefined
        ? original
        : await authenticator.authorize(original, { signal: options.signal });
    const response = await options.send(request);
    first = { request, response, authorized: authenticator !== undefined };
  }
  if (options.redirect === 'manual') return first;
  if (!REDIRECT_STATUSES.has(options.head(first.response).status)) return first;
  return followRedirects(options, first);
}

/** Releases a response that will not be returned. */
async function release<R>(options: ExchangeOptions<R>, response: R): Promise<void> {
  await options.discard?.(response);
}

/** The redirect loop of {@link exchange}, from its first response on. */
async function followRedirects<R>(
  options: ExchangeOptions<R>,
  first: ExchangeResult<R>,
): Promise<ExchangeResult<R>> {
  const { request: original, authenticator, signal } = options;
  const mode = options.redirect ?? 'follow';
  const limit = options.maxRedirects ?? MAX_REDIRECTS;
  let current = first;
  let from = { url: original.url, method: original.method };
  let sameOrigin = true;
  let bodyDropped = false;
  for (let hops = 0; ; hops++) {
    const head = options.head(current.response);
    let hop: ReturnType<typeof nextRedirect>;
    try {
      hop = nextRedirect(from, head);
    } catch (error) {
      await release(options, current.response);
      throw error;
    }
    if (hop === undefined) return current;
    if (mode === 'error') {
      await release(options, current.response);
      throw new TransportError('ERR_REDIRECT', `redirect (HTTP ${head.status}) not allowed`);
    }
    if (!hop.dropBody && !bodyDropped && options.replayable === false) return current;
    await release(options, current.response);
    if (hops >= limit) {
      throw new TransportError('ERR_REDIRECT', `more than ${limit} redirects`);
    }
    sameOrigin &&= !hop.crossOrigin;
    bodyDropped ||= hop.dropBody;
    from = { url: hop.url, method: hop.method };
    let request = cloneRequest(original, { url: hop.url, method: hop.method });
    if (bodyDropped) {
      request.body = undefined;
      request.opaqueBody = false;
      request.headers = stripBodyHeaders(request.headers);
    }
    // Authorized again only while every hop so far stayed on the original origin.
    const authorized = sameOrigin && authenticator !== undefined;
    if (authorized) request = await authenticator.authorize(request, { signal });
    else if (!sameOrigin) request = { ...request, headers: stripCredentials(request.headers) };
    current = { request, response: await options.send(request), authorized };
  }
}

/**
 * What `retry` resolves to for the responses it does not retry on, nearly
 * all of them: a shared, already resolved `false`. Adapters recognise it and
 * go on without waiting a turn for it (this is asked after every response);
 * any other promise of `false` means the same, a microtask later.
 *
 * @example retry: (request, response) => (response.status === 401 ? renewAndRetry() : NO_RETRY)
 */
export const NO_RETRY: Promise<boolean> = Promise.resolve(false);

/**
 * `true` when the exchange's final response should be retried once: the
 * credentials were attached to it, the body can be sent again, and
 * `authenticator.retry` says so (after any refresh it does). Resolves to
 * {@link NO_RETRY} itself when the answer is that, so callers can skip the wait.
 *
 * @example
 * const again = shouldRetry(authenticator, result, head(result.response), { replayable: true })
 * if (again !== NO_RETRY && (await again)) ...
 */
export function shouldRetry(
  authenticator: Authenticator | undefined,
  result: { request: HttpRequest; authorized: boolean },
  response: ResponseHead,
  options: { replayable?: boolean | undefined; signal?: AbortSignal | undefined } = {},
): Promise<boolean> {
  // Not an async function: this is asked after every response.
  if (!result.authorized || options.replayable === false || authenticator?.retry === undefined) {
    return NO_RETRY;
  }
  const answer: unknown = authenticator.retry(result.request, response, { signal: options.signal });
  if (answer === NO_RETRY) return NO_RETRY;
  // A plain `true` or another thenable from an untyped authenticator counts too, as `await`
  // would have it.
  return (answer instanceof Promise ? answer : Promise.resolve(answer)).then(isTrue);
}

const isTrue = (value: unknown): boolean => value === true;
