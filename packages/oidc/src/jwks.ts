import {
  assertSecureTransport,
  type Clock,
  InvalidArgumentError,
  InvalidResponseError,
  systemClock,
  type Transport,
  type TransportSecurityOptions,
} from '@x/core';
import { SingleFlight } from '@x/oauth2';
import { importJWK, type JWK } from 'jose';
import { algorithmSpec } from './algorithms.js';
import { getJsonObject } from './http-json.js';

/**
 * JSON Web Key Sets (RFC 7517 5): the provider's signing keys, selected for a
 * JWS by `kid`, `kty`, `alg`, `use` and `key_ops`, imported once with jose's
 * `importJWK` and cached. The `jwk`, `jku`, `x5u` and `x5c` headers of a
 * token are never looked at: only the key set chooses keys.
 */

/** What a key set is told about a JWS: its protected header's `alg` and `kid`. */
export interface KeyHint {
  alg: string;
  kid?: string | undefined;
}

/** Per-call options of {@link KeySet.keysFor}. */
export interface KeysForOptions {
  /** Abandons the wait for a key set fetch (the fetch itself goes on for others). */
  signal?: AbortSignal | undefined;
}

/**
 * A source of verification keys for a provider's JWS (id_tokens, signed
 * userinfo). {@link RemoteKeySet} fetches the provider's `jwks_uri`;
 * {@link localKeySet} serves a set you hold.
 */
export interface KeySet {
  /**
   * The keys a JWS with this `alg` and `kid` may be verified with, best first;
   * empty when none fits. Without a `kid`, every key of the right type.
   */
  keysFor(hint: KeyHint, options?: KeysForOptions): Promise<CryptoKey[]>;
}

/** A JSON Web Key Set document. */
export interface JSONWebKeySet {
  keys: readonly Record<string, unknown>[];
}

/** The public members of each key type; everything else (private parts included) is dropped. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/** Imported keys per JWK object and algorithm; failed imports are remembered as `null`. */
const imported = new WeakMap<object, Map<string, Promise<CryptoKey | null>>>();

function usable(jwk: Record<string, unknown>, hint: KeyHint): boolean {
  const spec = algorithmSpec(hint.alg);
  if (spec === undefined || spec.kty === 'oct') return false;
  if (jwk.kty !== spec.kty) return false;
  if (spec.crv !== undefined && jwk.crv !== spec.crv) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify')) return false;
  }
  if (jwk.alg !== undefined && jwk.alg !== hint.alg) return false;
  if (hint.kid !== undefined && jwk.kid !== hint.kid) return false;
  return true;
}

async function importPublic(jwk: Record<string, unknown>, alg: string): Promise<CryptoKey | null> {
  const members = PUBLIC_MEMBERS[jwk.kty as string] ?? [];
  const publicJwk: Record<string, unknown> = {};
  for (const name of members) {
    if (typeof jwk[name] !== 'string') return null;
    publicJwk[name] = jwk[name];
  }
  try {
    const key = await importJWK(publicJwk as JWK, alg);
    return key instanceof Uint8Array ? null : key;
  } catch {
    return null; // not a usable key of this type: it is skipped
  }
}

/** The imported keys of `keys` that fit `hint`, in set order. */
export async function selectKeys(
  keys: readonly Record<string, unknown>[],
  hint: KeyHint,
): Promise<CryptoKey[]> {
  const out: CryptoKey[] = [];
  for (const jwk of keys) {
    if (!usable(jwk, hint)) continue;
    let byAlg = imported.get(jwk);
    if (byAlg === undefined) {
      byAlg = new Map();
      imported.set(jwk, byAlg);
    }
    let key = byAlg.get(hint.alg);
    if (key === undefined) {
      key = importPublic(jwk, hint.alg);
      byAlg.set(hint.alg, key);
    }
    const ready = await key;
    if (ready !== null) out.push(ready);
  }
  return out;
}

/** Reads a JWKS document: an object with a `keys` array; entries that are not objects are dropped. */
function readKeySet(
  document: unknown,
  fail: (message: string) => never,
): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    fail('the key set is not a JSON object');
  }
  const keys = (document as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) fail('the key set has no keys array');
  return keys.filter(
    (key): key is Record<string, unknown> =>
      typeof key === 'object' && key !== null && !Array.isArray(key),
  );
}

/**
 * A key set you already hold (a provider's JWKS you pinned, keys in tests).
 *
 * @throws InvalidArgumentError when `jwks` is not `{ keys: [...] }`.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 * @example
 * const keys = localKeySet({ keys: [publicJwk] })
 * await validateIdToken(idToken, { issuer, clientId, keys, nonce })
 */
export function localKeySet(jwks: JSONWebKeySet): KeySet {
  const keys = readKeySet(jwks, (message) => {
    throw new InvalidArgumentError(message);
  }).map((key) => ({ ...key }));
  return { keysFor: (hint) => selectKeys(keys, hint) };
}

/** Options of {@link RemoteKeySet}. */
export interface RemoteKeySetOptions extends TransportSecurityOptions {
  /** Sends the JWKS request. */
  transport: Transport;
  /**
   * Milliseconds after a fetch during which no other fetch starts, however
   * many tokens with an unknown `kid` arrive.
   * @defaultValue 30000
   */
  cooldown?: number | undefined;
  /**
   * Milliseconds after which the cached set is fetched again before use
   * (so keys the provider removed stop being accepted).
   * @defaultValue 600000
   */
  maxAge?: number | undefined;
  /** The source of "now" for the cooldown and the cache age. */
  clock?: Clock | undefined;
}

function milliseconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative number of milliseconds`);
  }
  return value;
}

/**
 * A provider's key set, fetched from its `jwks_uri` through a Transport.
 *
 * - Fetched on first use, single-flight (concurrent callers share one request).
 * - A token whose `kid` (or, without a `kid`, whose key type) matches no
 *   cached key causes one refetch, so a rotated key is picked up — but at
 *   most one fetch starts per `cooldown` (30 s), however many such tokens
 *   arrive: no refetch storm. Failed fetches count too.
 * - The set is fetched again when older than `maxAge` (10 minutes).
 * - Only the set chooses keys: a token's `jwk`, `jku`, `x5u`, `x5c` headers are ignored.
 *
 * A fetch that fails rejects the calls waiting for it (`TransportError`,
 * `InvalidResponseError`; `ERR_REDIRECT` for a 3xx). Share one instance per
 * provider: `OIDCClient`s built from the same metadata object and transport
 * share theirs.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys
 * @example
 * const keys = new RemoteKeySet(metadata.jwks_uri, { transport: fetchTransport() })
 * const claims = await validateIdToken(idToken, { issuer, clientId, keys, nonce })
 */
export class RemoteKeySet implements KeySet {
  /** The `jwks_uri`. */
  readonly uri: string;
  /** Milliseconds between fetches, at least. */
  readonly cooldown: number;
  /** Milliseconds a fetched set is used before it is fetched again. */
  readonly maxAge: number;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #flight = new SingleFlight<void>();
  #keys: Record<string, unknown>[] | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt: number | undefined;
  #lastError: unknown;

  constructor(uri: string | URL, options: RemoteKeySetOptions) {
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof options.transport !== 'function'
    ) {
      throw new InvalidArgumentError('RemoteKeySet needs { transport }');
    }
    if (typeof uri !== 'string' && !(uri instanceof URL)) {
      throw new InvalidArgumentError('jwks_uri must be a URL');
    }
    this.uri = assertSecureTransport(uri, {
      allowInsecureTransport: options.allowInsecureTransport === true,
    }).href;
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.cooldown = milliseconds(options.cooldown, 30_000, 'cooldown');
    this.maxAge = milliseconds(options.maxAge, 600_000, 'maxAge');
  }

  async keysFor(hint: KeyHint, options: KeysForOptions = {}): Promise<CryptoKey[]> {
    const now = this.#clock.now();
    if (this.#keys === undefined || now - this.#fetchedAt >= this.maxAge) {
      await this.#load(options.signal);
    }
    let found = await selectKeys(this.#keys ?? [], hint);
    if (found.length === 0 && (await this.#load(options.signal))) {
      found = await selectKeys(this.#keys ?? [], hint);
    }
    return found;
  }

  /**
   * Fetches the set now, unless a fetch is running (then joins it) or the
   * cooldown since the last one has not elapsed. Resolves `true` when a
   * fetch ran (or was joined).
   */
  async reload(options: KeysForOptions = {}): Promise<boolean> {
    return this.#load(options.signal);
  }

  async #load(signal: AbortSignal | undefined): Promise<boolean> {
    const joined = this.#flight.join(signal);
    if (joined !== undefined) {
      await joined;
      return true;
    }
    const now = this.#clock.now();
    if (this.#attemptedAt !== undefined && now - this.#attemptedAt < this.cooldown) {
      if (this.#keys === undefined) throw this.#lastError; // the last fetch failed: no keys yet
      return false;
    }
    this.#attemptedAt = now;
    await this.#flight.run(() => this.#fetch(), signal);
    return true;
  }

  async #fetch(): Promise<void> {
    try {
      const { body } = await getJsonObject(this.#transport, this.uri, 'the jwks_uri', {
        accept: 'application/jwk-set+json, application/json',
      });
      this.#keys = readKeySet(body, (message) => {
        throw new InvalidResponseError(message, 200);
      });
      this.#fetchedAt = this.#clock.now();
    } catch (error) {
      this.#lastError = error;
      throw error;
    }
  }
}
