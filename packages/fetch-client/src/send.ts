import type { HttpRequest } from '@x/core';

/** Options shared by {@link fetchTransport}, {@link createAuthFetch} and {@link Session}. */
export interface FetchClientOptions {
  /** The `fetch` to call. @defaultValue `globalThis.fetch`, looked up on every call */
  fetch?: typeof fetch | undefined;
  /** Passed to `fetch` as `init.dispatcher`, unchanged (e.g. an undici `Agent` with a CA or client certificate). */
  dispatcher?: object | undefined;
  /**
   * Milliseconds before a call fails with `ERR_TIMEOUT`; `Infinity` for none.
   * @defaultValue 30000 for token-endpoint calls through the transport; none for
   * your own requests through `createAuthFetch` / `Session` (as with `fetch` itself)
   */
  timeout?: number | undefined;
}

/** `signal: undefined` is "not present" to WebIDL (and to undici), unlike `null`'s typing. */
type SendInit = Omit<RequestInit, 'signal'> & {
  signal: AbortSignal | undefined;
  dispatcher?: object;
  duplex?: 'half';
};

/** Sends one prepared request with `redirect: 'manual'` (internal). */
export function send(
  options: FetchClientOptions,
  request: HttpRequest,
  body: BodyInit | null | undefined,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<Response> {
  // Object.assign, not `{ ...init, method, ... }`: V8 (Node 20) takes a slow path, over
  // a microsecond, for a spread followed by properties the spread object lacks.
  const sendInit: SendInit = Object.assign({}, init, {
    method: request.method,
    headers: request.headers,
    body: body ?? null,
    redirect: 'manual' as const,
    // Our combined signal replaces the user's. `undefined` when there is none: an
    // unneeded signal costs fetch measurable time per request (and `delete` here
    // would turn the object into a slow dictionary that fetch then reads).
    signal,
  });
  if (options.dispatcher !== undefined) sendInit.dispatcher = options.dispatcher;
  if (body instanceof ReadableStream) sendInit.duplex = 'half';
  return (options.fetch ?? globalThis.fetch)(request.url, sendInit as RequestInit);
}

/** Cancels the body of a response that will not be returned, so its connection is freed. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
