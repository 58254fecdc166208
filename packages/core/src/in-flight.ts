import { TransportError } from './errors.js';

/**
 * The calls a session has in flight, so that `close()` can fail them all at
 * once with `ERR_SESSION_CLOSED`.
 *
 * Why not one shared `AbortSignal` handed to every request: each request then
 * adds a listener to that one signal (Node warns past ten), and deriving a
 * signal per call with `AbortSignal.any` costs fetch about a tenth of its
 * throughput on a fast connection. `run` instead races each call against the
 * session's closing with no signal at all; `signal()` gives a call a
 * controller of its own, for HTTP stacks that need one (axios).
 */
export class InFlight {
  readonly #failers = new Set<(error: TransportError) => void>();
  #error: TransportError | undefined;

  /** `true` once {@link InFlight.close} was called. */
  get closed(): boolean {
    return this.#error !== undefined;
  }

  /** How many calls are in flight. */
  get size(): number {
    return this.#failers.size;
  }

  /** Throws `ERR_SESSION_CLOSED` when closed. */
  throwIfClosed(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  /**
   * Runs `task`, or rejects with `ERR_SESSION_CLOSED` as soon as the session
   * closes, whichever comes first. A result that arrives after that is handed
   * to `release` (for example to cancel a response body).
   *
   * @example const response = await inFlight.run(() => fetch(url), (late) => late.body?.cancel())
   */
  run<T>(task: () => Promise<T>, release?: (late: T) => void): Promise<T> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      this.#failers.add(fail);
      task().then(
        (value) => {
          this.#failers.delete(fail);
          if (settled) release?.(value);
          else {
            settled = true;
            resolve(value);
          }
        },
        (error: unknown) => {
          this.#failers.delete(fail);
          fail(error);
        },
      );
    });
  }

  /**
   * A signal of its own for one call, aborted with `ERR_SESSION_CLOSED` when
   * the session closes; call `done()` when the call has settled.
   */
  signal(): { signal: AbortSignal; done(): void } {
    const controller = new AbortController();
    if (this.#error !== undefined) {
      controller.abort(this.#error);
      return { signal: controller.signal, done: () => {} };
    }
    const abort = (error: TransportError): void => controller.abort(error);
    this.#failers.add(abort);
    return { signal: controller.signal, done: () => this.#failers.delete(abort) };
  }

  /** Fails every call in flight with `ERR_SESSION_CLOSED` and every later one. Idempotent. */
  close(): void {
    if (this.#error !== undefined) return;
    this.#error = new TransportError('ERR_SESSION_CLOSED', 'the session is closed');
    for (const fail of this.#failers) fail(this.#error);
    this.#failers.clear();
  }
}
