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

/** What `send` hands to `fetch`: the user's options, and undici's `dispatcher` and `duplex`. */
type SendInit = RequestInit & { dispatcher?: object; duplex?: 'half' };

/** Members of the user's `init` that `send` decides itself rather than copies. */
const DECIDED: Readonly<Record<string, true>> = {
  method: true,
  headers: true,
  body: true,
  redirect: true,
  signal: true,
  duplex: true,
};

/**
 * Sends one prepared request with `redirect: 'manual'` (internal).
 *
 * Only what differs from fetch's defaults is passed: every member `fetch`
 * finds in `init` goes through its WebIDL conversion and checks, and
 * `method: 'GET'` or `body: null` costs it about half a microsecond per
 * request over loopback (measured against a bare `fetch`; see CONTRIBUTING
 * "Benchmarks").
 */
export function send(
  options: FetchClientOptions,
  request: HttpRequest,
  body: BodyInit | null | undefined,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const sendInit: SendInit = { headers: request.headers, redirect: 'manual' };
  // The user's other options (cache, credentials, keepalive, ...), as Object.assign would copy them.
  for (const key in init) {
    if (DECIDED[key] !== true && Object.hasOwn(init, key)) {
      (sendInit as Record<string, unknown>)[key] = (init as Record<string, unknown>)[key];
    }
  }
  if (request.method !== 'GET') sendInit.method = request.method;
  if (body != null) {
    sendInit.body = body;
    if (body instanceof ReadableStream) sendInit.duplex = 'half';
  }
  // Our combined signal replaces the user's, which is not copied.
  if (signal !== undefined) sendInit.signal = signal;
  if (options.dispatcher !== undefined) sendInit.dispatcher = options.dispatcher;
  return (options.fetch ?? globalThis.fetch)(request.url, sendInit);
}

/** Cancels the body of a response that will not be returned, so its connection is freed. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
