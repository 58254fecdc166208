import { type Authenticator, InFlight, type Transport } from '@x/core';
import { type AuthFetchOptions, authorizingFetch, type MethodFetch } from './auth-fetch.js';
import { createTransport } from './transport.js';

/** Options of {@link Session}. */
export interface SessionOptions extends AuthFetchOptions {
  /** Authorizes every request; without one, requests are sent as written. */
  authenticator?: Authenticator | undefined;
  /**
   * `close()` also ends `dispatcher` (its `close()`, or `destroy()` when requests are
   * still in flight, cutting their connections): the session owns it. @defaultValue false
   */
  ownsDispatcher?: boolean | undefined;
}

/**
 * The options of {@link Session} that its subclasses take besides their
 * client's (all but `authenticator`), for `splitOptions`: typed so that an
 * option added to `SessionOptions` cannot be forgotten here.
 */
export const SESSION_OPTIONS: Record<Exclude<keyof SessionOptions, 'authenticator'>, true> = {
  fetch: true,
  dispatcher: true,
  timeout: true,
  maxRedirects: true,
  ownsDispatcher: true,
};

/**
 * A closable HTTP session over `fetch`: the base of `OAuth2Session`,
 * `OAuth1Session` and `AssertionSession`. Requests go through the
 * authenticator (see {@link createAuthFetch}); `close()` aborts every
 * request in flight and refuses new ones with `ERR_SESSION_CLOSED`.
 *
 * @example
 * await using session = new Session({ authenticator: staticBearer(token) })
 * const res = await session.get('https://api.example.com/me')
 */
export class Session {
  /** Authorizes requests; subclasses set it (e.g. once a token is fetched). */
  protected authenticator: Authenticator | undefined;
  /** A transport sharing the session's fetch, dispatcher, timeout and close, for token requests. */
  readonly transport: Transport;
  readonly #inFlight = new InFlight();
  readonly #fetch: MethodFetch;
  readonly #dispatcher: { close?: unknown; destroy?: unknown } | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SessionOptions = {}) {
    this.authenticator = options.authenticator;
    this.transport = createTransport(options, this.#inFlight);
    this.#fetch = authorizingFetch(() => this.authenticator, options, this.#inFlight);
    this.#dispatcher = options.ownsDispatcher === true ? options.dispatcher : undefined;
    this.fetch = this.fetch.bind(this); // usable detached: `someLibrary({ fetch: session.fetch })`
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#inFlight.closed;
  }

  /** `fetch`, authorized. Rejects with `ERR_SESSION_CLOSED` after `close()`. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return this.#fetch(input, init);
  }

  /** `fetch` with `method` set. */
  request(method: string, url: string | URL, init?: RequestInit): Promise<Response> {
    // The method goes alongside `init`, not into a copy of it: this runs per request.
    return this.#fetch(url, init, method);
  }

  /** A GET request. */
  get(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.request('GET', url, init);
  }

  /** A POST request. */
  post(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.request('POST', url, init);
  }

  /** A PUT request. */
  put(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.request('PUT', url, init);
  }

  /** A PATCH request. */
  patch(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.request('PATCH', url, init);
  }

  /** A DELETE request. */
  delete(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.request('DELETE', url, init);
  }

  /**
   * Fails every request in flight at once (`ERR_SESSION_CLOSED`), refuses new
   * ones, and ends the dispatcher when `ownsDispatcher` is set (which also cuts
   * the connections of those requests; with a shared dispatcher they finish in
   * the background and their responses are discarded). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const busy = this.#inFlight.size > 0;
      this.#inFlight.close();
      const dispatcher = this.#dispatcher;
      // A graceful close() would wait for requests nobody waits for any more: cut them.
      if (busy && typeof dispatcher?.destroy === 'function') await dispatcher.destroy();
      else if (typeof dispatcher?.close === 'function') await dispatcher.close();
    })();
    return this.#closing;
  }

  /** Closes the session: `await using session = new Session(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
