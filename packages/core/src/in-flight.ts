import { TransportError } from './errors.js';

/**
 * The calls a session has in flight, so that `close()` can fail them all at
 * once with `ERR_SESSION_CLOSED`.
 *
 * Three ways, by cost: `run` races a call against the session's closing with
 * no signal at all (fetch: handing fetch a signal, or deriving one per call
 * with `AbortSignal.any`, costs it about a tenth of its throughput on a fast
 * connection). `sharedSignal` is one signal for every call, for HTTP stacks
 * that can only be cut by a signal (axios): creating an `AbortSignal` per
 * call costs about 2 µs in Node 20, a listener on a shared one a fraction of
 * that. `signal()` gives a call a controller of its own (token requests).
 */
export class InFlight {
  readonly #failers = new Set<(error: TransportError) => void>();
  #error: TransportError | undefined;
  #shared: AbortController | undefined;

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
    const failers = this.#failers;
    // `close()` calls `reject` and clears the set, so a `reject` still in the set means
    // "not closed yet": no flag, and no named closure (this runs for every request).
    return new Promise<T>((resolve, reject) => {
      let pending: Promise<T>;
      try {
        pending = task();
      } catch (error) {
        reject(error);
        return;
      }
      failers.add(reject);
      pending.then(
        (value) => {
          if (failers.delete(reject)) resolve(value);
          else release?.(value);
        },
        (error: unknown) => {
          failers.delete(reject);
          reject(error);
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

  /**
   * One signal for every call, aborted with `ERR_SESSION_CLOSED` at close();
   * made on first use. Each call's HTTP stack adds its listener and removes it
   * when done, so many may be attached at once: Node's "possible memory leak"
   * warning past ten is turned off for this signal.
   */
  get sharedSignal(): AbortSignal {
    if (this.#shared === undefined) {
      const controller = new AbortController();
      allowManyListeners(controller.signal);
      if (this.#error !== undefined) controller.abort(this.#error);
      this.#shared = controller;
    }
    return this.#shared.signal;
  }

  /** Fails every call in flight with `ERR_SESSION_CLOSED` and every later one. Idempotent. */
  close(): void {
    if (this.#error !== undefined) return;
    this.#error = new TransportError('ERR_SESSION_CLOSED', 'the session is closed');
    for (const fail of this.#failers) fail(this.#error);
    this.#failers.clear();
    this.#shared?.abort(this.#error);
  }
}

/** Node's `events` module where the runtime has one (`process.getBuiltinModule`, Node ≥ 20.16). */
interface NodeEvents {
  setMaxListeners(n: number, ...targets: EventTarget[]): void;
}

/** Lifts Node's listener-count warning for `target`; other runtimes do not warn. */
function allowManyListeners(target: EventTarget): void {
  const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const events = runtime.process?.getBuiltinModule?.('node:events') as NodeEvents | undefined;
  events?.setMaxListeners(0, target); // 0: no limit
}
