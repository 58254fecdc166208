import { TransportError } from '@x/core';

/**
 * One in-flight promise shared by concurrent callers: while a task runs,
 * every further {@link SingleFlight.run} joins it instead of starting another;
 * once it settles (fulfilled or rejected) the next call starts afresh.
 *
 * This is what makes token refresh single-flight: a hundred requests that
 * find the token expired cause one refresh, and all of them get its token or
 * its error.
 *
 * @example
 * const flight = new SingleFlight<OAuth2Token>()
 * const [a, b] = await Promise.all([flight.run(refresh), flight.run(refresh)]) // one refresh
 */
export class SingleFlight<T> {
  #pending: Promise<T> | undefined;

  /** `true` while a task is running. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Runs `task`, or joins the one already running. A caller's `signal`
   * only abandons that caller's wait: the shared task keeps running for the
   * others.
   */
  run(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let pending = this.#pending;
    if (pending === undefined) {
      const started: Promise<T> = Promise.resolve()
        .then(task)
        .finally(() => {
          if (this.#pending === started) this.#pending = undefined;
        });
      this.#pending = started;
      pending = started;
    }
    return signal === undefined ? pending : abandonable(pending, signal);
  }

  /** Joins the running task, if any. */
  join(signal?: AbortSignal): Promise<T> | undefined {
    const pending = this.#pending;
    if (pending === undefined) return undefined;
    return signal === undefined ? pending : abandonable(pending, signal);
  }
}

function abortError(signal: AbortSignal): TransportError {
  return new TransportError('ERR_ABORTED', 'the operation was aborted', { cause: signal.reason });
}

/** `promise`, or a rejection with `ERR_ABORTED` as soon as `signal` aborts. */
function abandonable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
