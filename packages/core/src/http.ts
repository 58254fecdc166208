/**
 * The transport contract: the only thing spec packages know about HTTP.
 *
 * Spec packages (oauth1, oauth2, ...) build {@link HttpRequest}s and hand
 * them to a {@link Transport}; adapters (fetch-client, axios-client) provide
 * transports and run user requests through an {@link Authenticator}.
 */

/** An HTTP request as authenticators and transports see it. */
export interface HttpRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Headers;
  /**
   * A text body (form-encoded, JSON, ...). Authenticators may read it and
   * return a request with a different one (OAuth 1 `BODY` signatures,
   * OAuth 2 `tokenPlacement: 'body'`).
   */
  body?: string | undefined;
  /**
   * `true` when the request carries a body that is not text (FormData, a
   * Blob, bytes, a stream). Its content is invisible to authenticators, which
   * must not add body parameters; the adapter sends it unchanged.
   */
  opaqueBody?: boolean | undefined;
}

/** An HTTP response as transports return it: the body read as text. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Per-call options of a {@link Transport}. */
export interface TransportOptions {
  /** Aborts the request; the transport then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal | undefined;
}

/**
 * Sends one request and returns the response, whatever its status.
 *
 * Contract for implementers:
 * - never follow redirects (a 3xx is returned as is);
 * - reject only with a `TransportError`: `ERR_TIMEOUT`, `ERR_ABORTED` or
 *   `ERR_NETWORK`;
 * - honour `options.signal`.
 */
export type Transport = (request: HttpRequest, options?: TransportOptions) => Promise<HttpResponse>;

/** Per-call options of {@link Authenticator} methods. */
export interface AuthorizeOptions {
  /** Cancels token requests the authenticator makes on the way (a refresh). */
  signal?: AbortSignal | undefined;
}

/**
 * What every spec client implements and every adapter consumes.
 *
 * Adapters call `authorize` before each request (and again for each
 * same-origin redirect hop) with the request as the user wrote it, and call
 * `retry` once with the response; when it resolves `true` and the body can be
 * sent again, the adapter authorizes the original request again and resends
 * it, once.
 */
export interface Authenticator {
  /** Returns the request signed, or with the credentials attached; refreshes first when due. */
  authorize(request: HttpRequest, options?: AuthorizeOptions): Promise<HttpRequest>;
  /**
   * Decides whether a response means "try once more with fresh credentials"
   * (e.g. a 401 `invalid_token`), doing any refresh it needs before resolving.
   */
  retry?(
    request: HttpRequest,
    response: Pick<HttpResponse, 'status' | 'headers'>,
    options?: AuthorizeOptions,
  ): Promise<boolean>;
}

/** A copy of `request` with its own `Headers`, so the copy can be changed freely. */
export function cloneRequest(
  request: HttpRequest,
  changes: Partial<HttpRequest> = {},
): HttpRequest {
  return { ...request, ...changes, headers: new Headers(changes.headers ?? request.headers) };
}
