import {
  type Authenticator,
  absoluteUrl,
  callSignal,
  classifyBody,
  exchange,
  type HttpRequest,
  type InFlight,
  shouldRetry,
} from '@x/core';
import { discard, type FetchClientOptions, send } from './send.js';

/** `fetch`'s signature, authorizing every request it sends. */
export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createAuthFetch}. */
export interface AuthFetchOptions extends FetchClientOptions {
  /** Redirects followed per call before `ERR_REDIRECT`. @defaultValue 20 (`MAX_REDIRECTS`) */
  maxRedirects?: number | undefined;
}

const isRequest = (input: unknown): input is Request =>
  typeof input === 'object' && input !== null && !(input instanceof URL) && 'method' in input;

/** The authorizing fetch; the authenticator is looked up per call (internal, used by Session). */
export function authorizingFetch(
  authenticator: () => Authenticator | undefined,
  options: AuthFetchOptions,
  inFlight?: InFlight,
): AuthFetch {
  const authFetch: AuthFetch = async (input, init = {}) => {
    const req = isRequest(input) ? input : undefined;
    const signal = init.signal ?? req?.signal;
    // Like fetch itself, no timeout unless asked for (the transport's token calls default to 30 s).
    const timeout = options.timeout ?? Number.POSITIVE_INFINITY;
    const call = callSignal({ signal, timeout });
    call.throwIfAborted();
    try {
      const raw = init.body !== undefined ? init.body : (req?.body ?? null);
      const body = classifyBody(raw);
      const headers = new Headers(init.headers ?? req?.headers);
      if (body.contentType !== undefined && !headers.has('content-type')) {
        headers.set('content-type', body.contentType);
      }
      const method = (init.method ?? req?.method ?? 'GET').toUpperCase();
      const url = absoluteUrl(req?.url ?? (input as string | URL));
      const request: HttpRequest = { method, url, headers, body: body.text };
      if (body.opaque) request.opaqueBody = true;
      const auth = authenticator();
      const { replayable } = body;
      const run = () =>
        exchange<Response>({
          request,
          authenticator: auth,
          send: (r) => send(options, r, r.opaqueBody ? raw : r.body, init, call.signal),
          head: (response) => response,
          discard,
          redirect: init.redirect,
          maxRedirects: options.maxRedirects,
          replayable,
          signal: call.signal,
        });
      let result = await run();
      const retry = auth?.retry !== undefined; // skip the call (and its promise) when it cannot say yes
      if (
        retry &&
        (await shouldRetry(auth, result, result.response, { replayable, signal: call.signal }))
      ) {
        await discard(result.response);
        result = await run();
      }
      return result.response;
    } catch (error) {
      throw call.error(error);
    }
  };
  // A session's calls race its closing instead of carrying a signal (see InFlight).
  if (inFlight === undefined) return authFetch;
  return (input, init) => inFlight.run(() => authFetch(input, init), discard);
}

/**
 * Wraps `fetch` so every request goes through an {@link Authenticator}:
 * credentials are attached (and refreshed) before sending, redirects are
 * followed by the core rules (same-origin hops re-authorized, credentials
 * never sent to another origin, https → http refused), and a response the
 * authenticator rejects (`retry`) is retried once with fresh credentials.
 *
 * @example
 * const authFetch = createAuthFetch(staticBearer(process.env.API_TOKEN!))
 * const me = await (await authFetch('https://api.example.com/me')).json()
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function createAuthFetch(
  authenticator: Authenticator,
  options: AuthFetchOptions = {},
): AuthFetch {
  return authorizingFetch(() => authenticator, options);
}
