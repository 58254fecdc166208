import type { HttpRequest } from '@x/core';

/** Options shared by {@link fetchTransport}, {@link createAuthFetch} and {@link Session}. */
export interface FetchClientOptions {
  /** The `fetch` to call. @defaultValue `globalThis.fetch`, looked up on every call */
  fetch?: typeof fetch | undefined;
  /** Passed to `fetch` as `init.dispatcher`, unchanged (e.g. an undici `Agent` with a CA or client certificate). */
  dispatcher?: object | undefined;
  /** Milliseconds before a call fails with `ERR_TIMEOUT`; `Infinity` for none. @defaultValue 30000 */
  timeout?: number | undefined;
}

type SendInit = RequestInit & { dispatcher?: object; duplex?: 'half' };

/** Sends one prepared request with `redirect: 'manual'` (internal). */
export function send(
  options: FetchClientOptions,
  request: HttpRequest,
  body: BodyInit | null | undefined,
  init: RequestInit,
  signal: AbortSignal,
): Promise<Response> {
  const sendInit: SendInit = {
    ...init,
    method: request.method,
    headers: request.headers,
    body: body ?? null,
    redirect: 'manual',
    signal,
  };
  if (options.dispatcher !== undefined) sendInit.dispatcher = options.dispatcher;
  if (body instanceof ReadableStream) sendInit.duplex = 'half';
  return (options.fetch ?? globalThis.fetch)(request.url, sendInit);
}

/** Cancels the body of a response that will not be returned, so its connection is freed. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
