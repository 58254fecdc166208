import { TransportError } from '@x/core';
import type { NodeTlsOptions } from '@x/core/node';
import { expect } from 'vitest';
import { settled } from './rejections.js';

/**
 * What the session tables (`describeOAuth2SessionContract`, ...) need to know
 * about an adapter: how to send a request through a session's authorized HTTP
 * stack, and which options hand a session a connection pool it owns. Each
 * adapter's test/driver.ts implements {@link SessionDriver} once; its test
 * files pass it, with the session class to build, to the tables. The tables
 * never import an adapter (they are a devDependency of the adapters).
 */

/**
 * A request body, in a form each adapter sends its own idiomatic way.
 * - `form`: a `URLSearchParams`.
 * - `formText`: a form-encoded string (fetch: with its content type; axios: a
 *   bare string, which axios sends as a form).
 * - `json`: a value sent as JSON (fetch: stringified with its content type;
 *   axios: the object).
 * - `text`: a plain-text string (fetch: a string body; axios: with `text/plain`).
 * - `multipart`: a `FormData`.
 */
export type SessionBody =
  | { form: URLSearchParams }
  | { formText: string }
  | { json: unknown }
  | { text: string }
  | { multipart: FormData };

/** A request a table sends through a session. */
export interface SessionRequest {
  /** @defaultValue 'GET' */
  method?: string;
  url: string;
  body?: SessionBody;
}

/** A response as the tables read it: any status, the body as text. */
export interface SessionResponse {
  status: number;
  body: string;
}

/** A request that went out through an adapter's stack (its fetch, its axios adapter). */
export interface SeenRequest {
  /** The URL's path. */
  path: string;
  authorization: string | undefined;
}

/** Options for a session that owns its connection pool, and probes on that pool. */
export interface OwnedPool<A> {
  /** Adapter options to spread into the session's (fetch: `dispatcher` + `ownsDispatcher`). */
  options: A;
  /** Connections the pool holds open now. */
  connections(): number;
  /** Whether the pool was ended (fetch: the dispatcher closed or destroyed; axios: agents destroyed). */
  closed(): Promise<boolean>;
  /** Whether the pool's connections were cut rather than drained (fetch: `destroy()`). */
  cut(): Promise<boolean>;
}

/** What an owned pool records or how it connects. */
export interface PoolSetup {
  /** Every request that goes out through the stack is pushed here. */
  record?: SeenRequest[];
  /** TLS settings of the adapter's `/node` subpath (mutual TLS, a trusted CA). */
  tls?: NodeTlsOptions;
}

/**
 * One adapter, as the session tables see it. `S` is the adapter's base session
 * class (every session kind extends it), `A` its session options.
 */
export interface SessionDriver<S, A> {
  /** `fetch`, `axios`: used in test titles. */
  name: string;
  /**
   * Sends `request` through the session's authorized stack. Any HTTP status
   * resolves (axios: the response of its `AxiosError`); other failures reject
   * with what the session threw, unchanged.
   */
  send(session: S, request: SessionRequest): Promise<SessionResponse>;
  /** Whether `error` is the stack's own error (fetch's `TypeError`, an `AxiosError`), not ours. */
  isStackError(error: unknown): boolean;
  /** Options that record what the session sends, on the stack's default pool. */
  recording(record: SeenRequest[]): A;
  /** Options for a session that owns a new pool. */
  pool(setup?: PoolSetup): OwnedPool<A>;
  /** Adapter-specific checks on a session once it is closed. */
  afterClose?(session: S): void;
}

/** Asserts `error` is our `ERR_SESSION_CLOSED`, not wrapped by the stack. */
export function expectSessionClosed(
  driver: Pick<SessionDriver<never, unknown>, 'isStackError'>,
  error: unknown,
): void {
  expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
  expect(driver.isStackError(error)).toBe(false);
}

/**
 * Asserts that a session is closed: `closed` is set, `pool` (when it owns one)
 * was ended, each of `calls` (made now) fails with `ERR_SESSION_CLOSED`, and
 * the adapter's own checks hold.
 */
export async function expectClosed<B, A>(
  driver: SessionDriver<B, A>,
  session: NoInfer<B> & { readonly closed: boolean },
  pool: OwnedPool<NoInfer<A>> | undefined,
  calls: () => Array<Promise<unknown>>,
): Promise<void> {
  expect(session.closed).toBe(true);
  if (pool !== undefined) expect(await pool.closed()).toBe(true);
  for (const call of calls()) expectSessionClosed(driver, await settled(call));
  driver.afterClose?.(session);
}

/** A response's body parsed as JSON, after checking its status. */
export function jsonBody(response: SessionResponse, status = 200): unknown {
  expect(response.status).toBe(status);
  return JSON.parse(response.body);
}
