import {
  type Authenticator,
  absoluteUrl,
  callSignal,
  classifyBody,
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  type HttpRequest,
  type InFlight,
  NO_RETRY,
  REDIRECT_STATUSES,
  type RedirectMode,
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

/**
 * The exchange of a call that got a redirect or is retried (the first hop
 * of every call is sent by the authorizing fetch itself). `send` is a method
 * rather than a closure, so such a call allocates one object here.
 */
class FetchExchange implements ExchangeOptions<Response> {
  readonly request: HttpRequest;
  readonly authenticator: Authenticator | undefined;
  readonly redirect: RedirectMode | undefined;
  readonly maxRedirects: number | undefined;
  readonly replayable: boolean;
  readonly signal: AbortSignal | undefined;
  readonly sent: ExchangeResult<Response> | undefined;
  readonly #options: FetchClientOptions;
  /** The body as the user gave it, sent unchanged when it is opaque (FormData, a stream). */
  readonly #raw: BodyInit | null;
  readonly #init: RequestInit;

  constructor(
    options: AuthFetchOptions,
    init: RequestInit,
    raw: BodyInit | null,
    exchange: Pick<
      ExchangeOptions<Response>,
      'request' | 'authenticator' | 'replayable' | 'signal' | 'sent'
    >,
  ) {
    this.request = exchange.request;
    this.authenticator = exchange.authenticator;
    this.redirect = init.redirect;
    this.maxRedirects = options.maxRedirects;
    this.replayable = exchange.replayable !== false;
    this.signal = exchange.signal;
    this.sent = exchange.sent;
    this.#options = options;
    this.#raw = raw;
    this.#init = init;
  }

  send(request: HttpRequest): Promise<Response> {
    const body = request.opaqueBody ? this.#raw : request.body;
    return send(this.#options, request, body, this.#init, this.signal);
  }

  head(response: Response): Response {
    return response;
  }

  discard(response: Response): Promise<void> {
    return discard(response);
  }
}

/** {@link AuthFetch} taking a method that replaces `init.method` (`Session.get` and the like). */
export type MethodFetch = (
  input: string | URL | Request,
  init?: RequestInit,
  method?: string,
) => Promise<Response>;

/** The authorizing fetch; the authenticator is looked up per call (internal, used by Session). */
export function authorizingFetch(
  authenticator: () => Authenticator | undefined,
  options: AuthFetchOptions,
  inFlight?: InFlight,
): MethodFetch {
  const authFetch: MethodFetch = async (input, init = {}, methodOverride) => {
    const req = isRequest(input) ? input : undefined;
    // Like fetch itself, no timeout unless asked for (the transport's token calls default to 30 s).
    const call = callSignal({
      signal: init.signal ?? req?.signal,
      timeout: options.timeout ?? Number.POSITIVE_INFINITY,
    });
    call.throwIfAborted();
    try {
      const raw = init.body !== undefined ? init.body : (req?.body ?? null);
      const body = classifyBody(raw);
      const headers = new Headers(init.headers ?? req?.headers);
      if (body.contentType !== undefined && !headers.has('content-type')) {
        headers.set('content-type', body.contentType);
      }
      const method = (methodOverride ?? init.method ?? req?.method ?? 'GET').toUpperCase();
      const url = absoluteUrl(req?.url ?? (input as string | URL));
      const request: HttpRequest = { method, url, headers, body: body.text };
      if (body.opaque) request.opaqueBody = true;
      const auth = authenticator();
      const { replayable } = body;
      const { signal } = call;
      // The first hop is sent here, not by `exchange` (as axios's interceptors send theirs):
      // most calls end with it, and then allocate nothing for redirects or a retry.
      const sent = auth === undefined ? request : await auth.authorize(request, { signal });
      const response = await send(options, sent, sent.opaqueBody ? raw : sent.body, init, signal);
      let result: ExchangeResult<Response> = {
        request: sent,
        response,
        authorized: auth !== undefined,
      };
      if (init.redirect !== 'manual' && REDIRECT_STATUSES.has(response.status)) {
        const from = { request, authenticator: auth, replayable, signal, sent: result };
        result = await exchange(new FetchExchange(options, init, raw, from));
      }
      // Skip the retry check (and its promise) when the authenticator cannot say yes.
      if (auth?.retry === undefined) return result.response;
      const again = shouldRetry(auth, result, result.response, { replayable, signal });
      if (again === NO_RETRY || !(await again)) return result.response;
      await discard(result.response);
      const retried = { request, authenticator: auth, replayable, signal, sent: undefined };
      return (await exchange(new FetchExchange(options, init, raw, retried))).response;
    } catch (error) {
      throw call.error(error);
    }
  };
  // A session's calls race its closing instead of carrying a signal (see InFlight).
  if (inFlight === undefined) return authFetch;
  return (input, init, method) => inFlight.run(() => authFetch(input, init, method), discard);
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
