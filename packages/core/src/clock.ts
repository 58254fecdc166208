/**
 * The source of "now" for expiry arithmetic, nonces and timestamps.
 * Inject one in tests; everything else uses {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the Unix epoch, the unit of `expires_at`, `iat`, `exp`, oauth_timestamp. */
export function epochSeconds(clock: Clock = systemClock): number {
  return Math.floor(clock.now() / 1000);
}
