import {
  type Authenticator,
  InFlight,
  InvalidArgumentError,
  NO_RETRY,
  type Transport,
} from '@x/core';
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { type AttachOptions, attach } from './attach.js';
import { createTransport } from './transport.js';

/** Options of {@link Session}. */
export interface SessionOptions extends AttachOptions {
  /** Authorizes every request of `session.axios`; without one, requests are sent as written. */
  authenticator?: Authenticator | undefined;
  /** The config of the session's instance (`axios.create(config)`): `baseURL`, `headers`, agents, ... */
  axios?: CreateAxiosDefaults | undefined;
  /** An instance to use as `session.axios` instead; `close()` closes it for good. Not with `axios`. */
  instance?: AxiosInstance | undefined;
  /**
   * The plain instance for the token requests of `session.transport`.
   * @defaultValue `axios.create` with the `adapter`, `httpAgent`, `httpsAgent`
   * and `proxy` of `session.axios` (not its `baseURL`, headers or interceptors)
   */
  tokenInstance?: AxiosInstance | undefined;
  /** Milliseconds before a token request fails with `ERR_TIMEOUT`. @defaultValue 30000 */
  timeout?: number | undefined;
  /**
   * `close()` also destroys the `httpAgent` and `httpsAgent` of `session.axios`
   * (calls their `destroy()`), ending their idle keep-alive connections: the
   * session owns them. Node's global agents (used when none is set) are never
   * destroyed. @defaultValue false
   */
  ownsAgents?: boolean | undefined;
}

/** What token requests take from the session's instance: how to connect, nothing about the API. */
const NETWORK = ['adapter', 'httpAgent', 'httpsAgent', 'proxy'] as const;

/**
 * The options of {@link Session} that its subclasses take besides their
 * client's (all but `authenticator`), for `splitOptions`: typed so that an
 * option added to `SessionOptions` cannot be forgotten here.
 */
export const SESSION_OPTIONS: Record<Exclude<keyof SessionOptions, 'authenticator'>, true> = {
  axios: true,
  instance: true,
  tokenInstance: true,
  timeout: true,
  maxRedirects: true,
  ownsAgents: true,
};

/**
 * A closable axios session: the base of `OAuth2Session` and `OAuth1Session`.
 * `session.axios` runs every request through the authenticator
 * (see {@link attachAuthenticator}); `session.transport` sends the spec
 * client's token requests through a separate plain instance, so they never
 * meet those interceptors. `close()` aborts every request in flight
 * (`ERR_SESSION_CLOSED`), removes the authenticator, and makes every later
 * request of `session.axios` fail with `ERR_SESSION_CLOSED`.
 *
 * @example
 * await using session = new Session({ authenticator: staticBearer(token), axios: { baseURL: 'https://api.example.com' } })
 * const { data } = await session.axios.get('/me')
 */
export class Session {
  /** Authorizes requests; subclasses set it (e.g. to their spec client). */
  protected authenticator: Authenticator | undefined;
  /** The axios instance whose requests are authorized. */
  readonly axios: AxiosInstance;
  /** A transport for token requests, on a plain instance; also aborted by `close()`. */
  readonly transport: Transport;
  readonly #inFlight = new InFlight();
  readonly #detach: () => void;
  readonly #agents: ReadonlySet<{ destroy?: unknown }>;

  constructor(options: SessionOptions = {}) {
    if (options.instance !== undefined && options.axios !== undefined) {
      throw new InvalidArgumentError('pass either instance or axios (a config), not both');
    }
    this.authenticator = options.authenticator;
    this.axios = options.instance ?? axios.create(options.axios);
    const inFlight = this.#inFlight;
    const defaults = this.axios.defaults;
    const network = Object.fromEntries(NETWORK.map((name) => [name, defaults[name]]));
    const agents: unknown[] =
      options.ownsAgents === true ? [defaults.httpAgent, defaults.httpsAgent] : [];
    this.#agents = new Set(
      agents.filter((a): a is { destroy?: unknown } => typeof a === 'object' && a !== null),
    );
    const tokens = options.tokenInstance ?? axios.create(network);
    this.transport = createTransport(tokens, { timeout: options.timeout }, inFlight);
    // Not async functions: both run for every request.
    const current: Authenticator = {
      authorize: (request, o) =>
        this.authenticator?.authorize(request, o) ?? Promise.resolve(request),
      retry: (request, response, o) =>
        this.authenticator?.retry?.(request, response, o) ?? NO_RETRY,
    };
    // Until close() the authenticator's request interceptor also refuses requests of a
    // closed session (every interceptor is a step of every request); close() swaps them
    // for a guard that only refuses.
    this.#detach = attach(this.axios, current, options, inFlight);
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#inFlight.closed;
  }

  /**
   * Aborts every request in flight, token requests included
   * (`ERR_SESSION_CLOSED`), removes the authenticator's interceptors,
   * refuses every later request of `session.axios` (`ERR_SESSION_CLOSED`),
   * and destroys its agents when `ownsAgents` is set. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.#inFlight.close();
    this.#detach();
    const inFlight = this.#inFlight;
    this.axios.interceptors.request.use((config) => {
      inFlight.throwIfClosed();
      return config;
    });
    for (const agent of this.#agents) if (typeof agent.destroy === 'function') agent.destroy();
  }

  /** Closes the session: `await using session = new Session(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
