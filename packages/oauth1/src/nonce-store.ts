/**
 * Replay protection for verifiers: remembering which nonces were seen
 * (RFC 5849 3.3).
 */
import { type Clock, InvalidArgumentError, systemClock } from '@x/core';

/**
 * Where a verifier records nonces. `check` records the combination and
 * returns `true` when it is new, `false` when it was seen before (a replay).
 * Back it with a shared store (Redis `SET NX EX`, a database unique key)
 * when several processes verify requests.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.3
 * @example
 * const nonceStore: NonceStore = {
 *   async check(clientId, timestamp, nonce, token) {
 *     const key = JSON.stringify([clientId, token, timestamp, nonce])
 *     return (await redis.set(key, '1', { NX: true, EX: 600 })) === 'OK'
 *   },
 * }
 */
export interface NonceStore {
  check(
    clientId: string,
    timestamp: string,
    nonce: string,
    token: string | undefined,
  ): Promise<boolean> | boolean;
}

/** Options of {@link MemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /** The most nonces remembered; the oldest are forgotten first. @defaultValue 10000 */
  maxEntries?: number | undefined;
  /**
   * How long a nonce is remembered, in seconds. Keep it at least twice the
   * verifier's `timestampWindow`, so a nonce outlives every timestamp that
   * would still be accepted. @defaultValue 600
   */
  ttlSeconds?: number | undefined;
  clock?: Clock | undefined;
}

/**
 * A bounded in-memory {@link NonceStore} for one process: at most
 * `maxEntries` nonces, each for `ttlSeconds`. Once full, the oldest nonce is
 * forgotten (and could be replayed if its timestamp is still accepted), so
 * size it above the requests a process verifies per `ttlSeconds`.
 *
 * @example const nonceStore = new MemoryNonceStore({ maxEntries: 100_000 })
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttl: number;
  readonly #clock: Clock;

  constructor(options: MemoryNonceStoreOptions = {}) {
    const { maxEntries = 10_000, ttlSeconds = 600, clock = systemClock } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidArgumentError('maxEntries must be a positive integer');
    }
    if (!(ttlSeconds > 0)) throw new InvalidArgumentError('ttlSeconds must be positive');
    this.#maxEntries = maxEntries;
    this.#ttl = ttlSeconds * 1000;
    this.#clock = clock;
  }

  /** How many nonces are remembered. */
  get size(): number {
    return this.#seen.size;
  }

  check(clientId: string, timestamp: string, nonce: string, token: string | undefined): boolean {
    const now = this.#clock.now();
    // Entries are kept in insertion order, so the expired ones are at the front.
    for (const [key, expires] of this.#seen) {
      if (expires > now) break;
      this.#seen.delete(key);
    }
    const key = JSON.stringify([clientId, token ?? null, timestamp, nonce]);
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now + this.#ttl);
    for (const oldest of this.#seen.keys()) {
      if (this.#seen.size <= this.#maxEntries) break;
      this.#seen.delete(oldest);
    }
    return true;
  }
}
