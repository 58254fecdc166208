import {
  InvalidArgumentError,
  OAuthError,
  TransportError,
  type TransportErrorCode,
} from './errors.js';

/**
 * The abort signal of one adapter call, combining the caller's signal, the
 * adapter's timeout and (for sessions) the session's close signal, and the
 * mapping of whatever the HTTP stack threw to a {@link TransportError} code
 * according to which of them fired. Adapters share it so that both report
 * `ERR_ABORTED`, `ERR_TIMEOUT` and `ERR_SESSION_CLOSED` the same way.
 */

/** The default timeout of adapter calls, in milliseconds. */
export const DEFAULT_TIMEOUT = 30_000;

/** What {@link callSignal} combines. */
export interface CallSignalOptions {
  /** The caller's signal: when it fires, the call fails with `ERR_ABORTED`. */
  signal?: AbortSignal | null | undefined;
  /** Milliseconds before the call fails with `ERR_TIMEOUT`; `Infinity` for none. @defaultValue 30000 */
  timeout?: number | undefined;
  /** A session's close signal: when it fires, the call fails with `ERR_SESSION_CLOSED`. */
  closed?: AbortSignal | undefined;
}

/** The combined signal of one call and its error mapping. */
export interface CallSignal {
  /**
   * Fires when the caller aborts, the timeout elapses or the session closes;
   * `undefined` when there is nothing to combine (no signal, no timeout), because
   * handing fetch a signal it does not need costs measurable time per request.
   */
  readonly signal: AbortSignal | undefined;
  /**
   * Maps a failure to the error to throw: `ERR_ABORTED` (cause: the caller's
   * reason), `ERR_SESSION_CLOSED` or `ERR_TIMEOUT` when the matching signal
   * fired; an {@link OAuthError} unchanged; anything else becomes `fallback`
   * (`ERR_NETWORK` unless told otherwise), keeping the cause.
   */
  error(cause: unknown, fallback?: TransportErrorCode): OAuthError;
  /** Throws the mapped error when the signal has already fired. */
  throwIfAborted(): void;
}

/** The messages of an error and its causes (three levels), e.g. `fetch failed: other side closed`. */
function describe(cause: unknown): string {
  const parts: string[] = [];
  for (let e = cause, i = 0; e instanceof Error && i < 3; e = e.cause, i++) parts.push(e.message);
  return parts.length > 0 ? parts.join(': ') : String(cause);
}

/**
 * Combines the signals of one adapter call (`AbortSignal.timeout` and
 * `AbortSignal.any`; Web APIs only).
 *
 * @example
 * const call = callSignal({ signal: init.signal, timeout: 10_000 })
 * try { return await fetch(url, { signal: call.signal }) } catch (err) { throw call.error(err) }
 */
export function callSignal(options: CallSignalOptions = {}): CallSignal {
  const { signal: caller, closed } = options;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout <= 0) {
    throw new InvalidArgumentError('timeout must be a positive number of milliseconds or Infinity');
  }
  // The common case of a user request (no signal, no timeout) shares one object: per-request work.
  if (caller == null && closed === undefined && timeout === Number.POSITIVE_INFINITY) {
    return UNSIGNALLED;
  }
  return combine(caller ?? undefined, closed, timeout);
}

/** {@link callSignal} after its checks. */
function combine(
  caller: AbortSignal | undefined,
  closed: AbortSignal | undefined,
  timeout: number,
): CallSignal {
  const timer = Number.isFinite(timeout) ? AbortSignal.timeout(timeout) : undefined;
  const sources = [caller, closed, timer].filter((s): s is AbortSignal => s !== undefined);
  const signal = sources.length <= 1 ? sources[0] : AbortSignal.any(sources);

  const error = (cause: unknown, fallback: TransportErrorCode = 'ERR_NETWORK'): OAuthError => {
    const typed = OAuthError.isInstance(cause);
    // Keep our own errors, unless they only report that our signal fired.
    if (typed && !(TransportError.isInstance(cause) && cause.code === 'ERR_ABORTED')) return cause;
    if (caller?.aborted) {
      return new TransportError('ERR_ABORTED', 'the request was aborted', { cause: caller.reason });
    }
    if (closed?.aborted) return new TransportError('ERR_SESSION_CLOSED', 'the session is closed');
    if (timer?.aborted) {
      return new TransportError('ERR_TIMEOUT', `the request timed out after ${timeout} ms`, {
        cause,
      });
    }
    if (typed) return cause;
    const what = fallback === 'ERR_TIMEOUT' ? 'the request timed out' : 'the request failed';
    return new TransportError(fallback, `${what}: ${describe(cause)}`, { cause });
  };

  return {
    signal,
    error,
    throwIfAborted(): void {
      if (signal?.aborted) throw error(signal.reason);
    },
  };
}

/** The call signal of a call with nothing to combine: nothing can fire. */
const UNSIGNALLED: CallSignal = combine(undefined, undefined, Number.POSITIVE_INFINITY);
