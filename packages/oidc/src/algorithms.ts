/**
 * The JWS algorithms an id_token (or a signed userinfo response) may use,
 * with the key type each needs and the hash behind `at_hash` / `c_hash`.
 * Internal: a `Map`, so a header `alg` of `__proto__` finds nothing.
 */

/** What an algorithm needs of a key, and its hash. */
export interface AlgorithmSpec {
  /** `oct` for HMAC: keyed by the client secret, never by the provider's key set. */
  kty: 'RSA' | 'EC' | 'OKP' | 'oct';
  /** The curve, for EC and OKP. */
  crv?: string | undefined;
  /** The hash of `at_hash` and `c_hash` (OIDC Core 3.1.3.6, 3.3.2.11). */
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

const SPECS: ReadonlyMap<string, AlgorithmSpec> = new Map<string, AlgorithmSpec>([
  ['RS256', { kty: 'RSA', hash: 'SHA-256' }],
  ['RS384', { kty: 'RSA', hash: 'SHA-384' }],
  ['RS512', { kty: 'RSA', hash: 'SHA-512' }],
  ['PS256', { kty: 'RSA', hash: 'SHA-256' }],
  ['PS384', { kty: 'RSA', hash: 'SHA-384' }],
  ['PS512', { kty: 'RSA', hash: 'SHA-512' }],
  ['ES256', { kty: 'EC', crv: 'P-256', hash: 'SHA-256' }],
  ['ES384', { kty: 'EC', crv: 'P-384', hash: 'SHA-384' }],
  ['ES512', { kty: 'EC', crv: 'P-521', hash: 'SHA-512' }],
  // Ed25519 hashes with SHA-512 for at_hash/c_hash (OpenID Foundation errata).
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' }],
  ['Ed25519', { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' }],
  ['HS256', { kty: 'oct', hash: 'SHA-256' }],
  ['HS384', { kty: 'oct', hash: 'SHA-384' }],
  ['HS512', { kty: 'oct', hash: 'SHA-512' }],
]);

/** Every supported algorithm name. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [...SPECS.keys()];

/** The spec of a supported algorithm, or `undefined`. */
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  return SPECS.get(alg);
}

/** `true` for HS256/384/512: keyed by the client secret. */
export function isSymmetric(alg: string): boolean {
  return SPECS.get(alg)?.kty === 'oct';
}
