import { InvalidArgumentError } from '@x/core';

/**
 * The JWS algorithms client assertions and JWT-bearer grants may be signed
 * with (RFC 7518 3.1, RFC 8037, RFC 9864), and the rules that keep a key and
 * an algorithm from being confused.
 */

/** An HMAC algorithm: the key is a secret shared with the server. */
export type SymmetricAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** An asymmetric algorithm: the key is a private key, the server holds the public one. */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/** Every algorithm an assertion can be signed with. `none` is never one of them. */
export type SigningAlgorithm = SymmetricAlgorithm | AsymmetricAlgorithm;

/** The HMAC algorithms, with the minimum key length in bytes (the hash output, RFC 7518 3.2). */
export const HMAC_MIN_KEY_BYTES: Readonly<Record<SymmetricAlgorithm, number>> = Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
});

/** Every supported algorithm, symmetric first. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const);

const SUPPORTED: ReadonlySet<string> = new Set(SIGNING_ALGORITHMS);

/**
 * `true` for the HMAC algorithms (`HS256`, `HS384`, `HS512`).
 *
 * @example isSymmetricAlgorithm('HS256') // true
 */
export function isSymmetricAlgorithm(alg: SigningAlgorithm): alg is SymmetricAlgorithm {
  return alg === 'HS256' || alg === 'HS384' || alg === 'HS512';
}

/**
 * `true` for the asymmetric algorithms (RS*, PS*, ES*, EdDSA, Ed25519).
 *
 * @example isAsymmetricAlgorithm('ES256') // true
 */
export function isAsymmetricAlgorithm(alg: SigningAlgorithm): alg is AsymmetricAlgorithm {
  return !isSymmetricAlgorithm(alg);
}

/**
 * Returns `alg` when it is a supported signing algorithm; refuses `none`
 * (in any case) and everything else with a clear error.
 *
 * @throws InvalidArgumentError for `none` or an unknown algorithm.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
 * @example assertSigningAlgorithm('ES256') // 'ES256'
 */
export function assertSigningAlgorithm(alg: unknown): SigningAlgorithm {
  if (typeof alg === 'string' && SUPPORTED.has(alg)) return alg as SigningAlgorithm;
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    throw new InvalidArgumentError(
      'alg "none" is refused: an unsigned assertion authenticates nobody (RFC 8725 3.1)',
    );
  }
  throw new InvalidArgumentError(
    `unsupported alg ${JSON.stringify(alg)}; use one of ${SIGNING_ALGORITHMS.join(', ')}`,
  );
}
