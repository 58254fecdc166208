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

type SendInit = RequestInit & { dispatcher?: object; duplex?: 'half' };

/** Sends one prepared request with `redirect: 'manual'` (internal). */
export function send(
  options: FetchClientOptions,
  request: HttpRequest,
  body: BodyInit | null | undefined,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const sendInit: SendInit = {
    ...init,
    method: request.method,
    headers: request.headers,
    body: body ?? null,
    redirect: 'manual',
  };
  // Only when there is one: an unneeded signal costs fetch measurable time per request.
  if (signal !== undefined) sendInit.signal = signal;
  else delete sendInit.signal;
  if (options.dispatcher !== undefined) sendInit.dispatcher = options.dispatcher;
  if (body instanceof ReadableStream) sendInit.duplex = 'half';
  return (options.fetch ?? globalThis.fetch)(request.url, sendInit);
}

/** Cancels the body of a response that will not be returned, so its connection is freed. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
