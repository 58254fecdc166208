import { type Clock, InvalidArgumentError, systemClock } from '@x/core';
import { IdTokenError } from './errors.js';
import type { KeySet } from './jwks.js';
import { assertExpectedAlg, DEFAULT_MAX_TOKEN_LENGTH, verifyCompactJws } from './jws.js';
import { tokenHash } from './token-hash.js';

/**
 * ID Token validation (OpenID Connect Core 1.0, 3.1.3.7, 3.2.2.11, 3.3.2.12).
 */

/** The claims of a validated id_token (OIDC Core 2). Other claims are kept as sent. */
export interface IdTokenClaims {
  /** The issuer: the provider's issuer identifier. */
  iss: string;
  /** The subject: the user's stable identifier at this provider. */
  sub: string;
  /** The audience: contains the client id. */
  aud: string | string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch. */
  iat: number;
  /** When the user authenticated, seconds since the epoch. */
  auth_time?: number | undefined;
  nonce?: string | undefined;
  acr?: string | undefined;
  amr?: string[] | undefined;
  azp?: string | undefined;
  nbf?: number | undefined;
  at_hash?: string | undefined;
  c_hash?: string | undefined;
  sid?: string | undefined;
  [claim: string]: unknown;
}

/** Options of {@link validateIdToken}. */
export interface ValidateIdTokenOptions {
  /** The provider's issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** The client id; `aud` must contain it. */
  clientId: string;
  /** The provider's keys (a {@link RemoteKeySet} on `jwks_uri`); needed unless the algorithm is HS*. */
  keys?: KeySet | undefined;
  /** The client secret: the HMAC key when `expectedAlg` is HS256/384/512, never used otherwise. */
  clientSecret?: string | undefined;
  /**
   * The only algorithm accepted: the client's registered
   * `id_token_signed_response_alg`.
   * @defaultValue 'RS256'
   */
  expectedAlg?: string | undefined;
  /**
   * The `nonce` sent in the authentication request. When given, the token's
   * must equal it; when absent, a token with a nonce is refused.
   */
  nonce?: string | undefined;
  /** The `max_age` sent, in seconds: `auth_time` is then required and must be recent enough. */
  maxAge?: number | undefined;
  /** Require `auth_time` (the client registered `require_auth_time`). */
  requireAuthTime?: boolean | undefined;
  /** The access token issued with the id_token: `at_hash`, when present, must match it. */
  accessToken?: string | undefined;
  /** The code issued with the id_token: `c_hash`, when present, must match it. */
  code?: string | undefined;
  /**
   * The `response_type` when the id_token came from the authorization
   * endpoint (implicit and hybrid flows). Then `c_hash` is required when it
   * includes `code`, and `at_hash` when it includes `token`. Leave it out
   * for an id_token from the token endpoint.
   */
  responseType?: string | undefined;
  /**
   * Seconds of clock skew allowed for `exp`, `iat`, `nbf` and `auth_time`.
   * @defaultValue 30
   */
  clockTolerance?: number | undefined;
  /** The source of "now". */
  clock?: Clock | undefined;
  /**
   * Longer tokens are refused before anything is decoded.
   * @defaultValue 32768
   */
  maxTokenLength?: number | undefined;
  /** Abandons the wait for the key set. */
  signal?: AbortSignal | undefined;
}

/** How `nonce` is checked: exactly (authentication responses) or only when present (refresh). */
export type NonceMode = 'exact' | 'if-present' | 'ignore';

const DEFAULT_CLOCK_TOLERANCE = 30;

function fail(
  code: ConstructorParameters<typeof IdTokenError>[0],
  check: ConstructorParameters<typeof IdTokenError>[1],
  message: string,
  idToken: string,
): never {
  throw new IdTokenError(code, check, message, { secrets: [idToken] });
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function nonNegative(value: unknown, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!isNumber(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative number`);
  }
  return value;
}

/** Compares two strings without an early exit on the first difference. */
function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/**
 * Validates an id_token per OpenID Connect Core 3.1.3.7 and returns its
 * claims. In order, each failure with its own code:
 *
 * | check | code |
 * | --- | --- |
 * | longer than `maxTokenLength` (before decoding) | `ERR_ID_TOKEN_TOO_LARGE` |
 * | not a compact JWS / JSON header / JSON object payload | `ERR_ID_TOKEN_MALFORMED` |
 * | `alg` is `none`, or not `expectedAlg` (algorithm confusion) | `ERR_ID_TOKEN_ALG` |
 * | a `crit` header | `ERR_ID_TOKEN_CRIT` |
 * | no key for `kid`/`alg` (HS*: no client secret) | `ERR_ID_TOKEN_KEY` |
 * | the signature | `ERR_ID_TOKEN_SIGNATURE` |
 * | `iss` equal to `issuer` | `ERR_ID_TOKEN_ISS` |
 * | `aud` contains `clientId` | `ERR_ID_TOKEN_AUD` |
 * | `azp` equal to `clientId`; required with several audiences | `ERR_ID_TOKEN_AZP` |
 * | `exp` present and not past | `ERR_ID_TOKEN_EXP` |
 * | `iat` present and not in the future | `ERR_ID_TOKEN_IAT` |
 * | `nbf` not in the future | `ERR_ID_TOKEN_NBF` |
 * | `sub` a non-empty string | `ERR_ID_TOKEN_SUB` |
 * | `nonce` equal to the one sent; absent when none was sent | `ERR_ID_TOKEN_NONCE` |
 * | `auth_time` present with `maxAge`, and `auth_time + maxAge` not past | `ERR_ID_TOKEN_AUTH_TIME` |
 * | `at_hash` matches `accessToken` (required for `token` from the authorization endpoint) | `ERR_ID_TOKEN_AT_HASH` |
 * | `c_hash` matches `code` (required for `code` from the authorization endpoint) | `ERR_ID_TOKEN_C_HASH` |
 *
 * Keys are chosen by the key set from `kid` and `alg` only; `jwk`, `jku`,
 * `x5u` and `x5c` headers are ignored. Times allow `clockTolerance` seconds.
 *
 * @throws IdTokenError with the code above and `check` naming the failure;
 * InvalidArgumentError for unusable options; the key set's TransportError or
 * InvalidResponseError when it cannot fetch the keys.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://openid.net/specs/openid-connect-core-1_0.html#HybridIDTValidation
 * @example
 * const claims = await validateIdToken(token.id_token, {
 *   issuer: metadata.issuer, clientId: 'app', keys: new RemoteKeySet(metadata.jwks_uri, { transport }),
 *   nonce: session.nonce,
 * })
 * claims.sub // the user
 */
export function validateIdToken(
  idToken: string,
  options: ValidateIdTokenOptions,
): Promise<IdTokenClaims> {
  return validateIdTokenWith(idToken, options, 'exact');
}

/** {@link validateIdToken} with a choice of nonce check (internal: refresh uses `if-present`). */
export async function validateIdTokenWith(
  idToken: string,
  options: ValidateIdTokenOptions,
  nonceMode: NonceMode,
): Promise<IdTokenClaims> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('validateIdToken needs an options object');
  }
  const { issuer, clientId, nonce, responseType, accessToken, code } = options;
  if (typeof issuer !== 'string' || issuer === '') {
    throw new InvalidArgumentError('issuer must be a non-empty string');
  }
  if (typeof clientId !== 'string' || clientId === '') {
    throw new InvalidArgumentError('clientId must be a non-empty string');
  }
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce === '')) {
    throw new InvalidArgumentError('nonce must be a non-empty string');
  }
  const expectedAlg = assertExpectedAlg(options.expectedAlg ?? 'RS256', 'expectedAlg');
  const tolerance = nonNegative(
    options.clockTolerance,
    'clockTolerance',
    DEFAULT_CLOCK_TOLERANCE,
  ) as number;
  const maxAge = nonNegative(options.maxAge, 'maxAge');
  const maxTokenLength = nonNegative(
    options.maxTokenLength,
    'maxTokenLength',
    DEFAULT_MAX_TOKEN_LENGTH,
  ) as number;
  const types = responseType === undefined ? undefined : new Set(responseType.split(' '));
  if (types?.has('code') && code === undefined) {
    throw new InvalidArgumentError('pass the code that came with the id_token (c_hash)');
  }
  if (types?.has('token') && accessToken === undefined) {
    throw new InvalidArgumentError('pass the access token that came with the id_token (at_hash)');
  }

  const { payload: claims } = await verifyCompactJws(idToken, {
    expectedAlg,
    keys: options.keys,
    clientSecret: options.clientSecret,
    maxTokenLength,
    signal: options.signal,
    what: 'id_token',
  });

  // 2. iss
  if (claims.iss !== issuer) {
    fail(
      'ERR_ID_TOKEN_ISS',
      'iss',
      `id_token iss ${JSON.stringify(claims.iss)?.slice(0, 200)} is not the issuer ${JSON.stringify(issuer)}`,
      idToken,
    );
  }
  // 3. aud
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (audiences === undefined || !audiences.every((a) => typeof a === 'string')) {
    fail('ERR_ID_TOKEN_AUD', 'aud', 'id_token aud is not a string or a list of strings', idToken);
  }
  if (!audiences.includes(clientId)) {
    fail('ERR_ID_TOKEN_AUD', 'aud', `id_token aud does not contain the client id`, idToken);
  }
  // 4., 5. azp
  if (claims.azp !== undefined && claims.azp !== clientId) {
    fail('ERR_ID_TOKEN_AZP', 'azp', 'id_token azp is not the client id', idToken);
  }
  if (audiences.length > 1 && claims.azp === undefined) {
    fail('ERR_ID_TOKEN_AZP', 'azp-missing', 'id_token has several audiences and no azp', idToken);
  }
  // 9., 10. exp, iat, nbf
  const now = Math.floor((options.clock ?? systemClock).now() / 1000);
  if (!isNumber(claims.exp)) fail('ERR_ID_TOKEN_EXP', 'exp', 'id_token has no exp', idToken);
  if (claims.exp <= now - tolerance) {
    fail('ERR_ID_TOKEN_EXP', 'exp', 'id_token has expired', idToken);
  }
  if (!isNumber(claims.iat)) fail('ERR_ID_TOKEN_IAT', 'iat', 'id_token has no iat', idToken);
  if (claims.iat > now + tolerance) {
    fail('ERR_ID_TOKEN_IAT', 'iat', 'id_token iat is in the future', idToken);
  }
  if (claims.nbf !== undefined) {
    if (!isNumber(claims.nbf))
      fail('ERR_ID_TOKEN_NBF', 'nbf', 'id_token nbf is not a number', idToken);
    if (claims.nbf > now + tolerance) {
      fail('ERR_ID_TOKEN_NBF', 'nbf', 'id_token is not valid yet (nbf)', idToken);
    }
  }
  // sub (OIDC Core 2: REQUIRED)
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    fail('ERR_ID_TOKEN_SUB', 'sub', 'id_token has no sub', idToken);
  }
  // 11. nonce
  checkNonce(claims.nonce, nonce, nonceMode, idToken);
  // 12. auth_time with max_age
  const authTime = claims.auth_time;
  if (authTime !== undefined && !isNumber(authTime)) {
    fail('ERR_ID_TOKEN_AUTH_TIME', 'auth-time', 'id_token auth_time is not a number', idToken);
  }
  if (authTime === undefined && (maxAge !== undefined || options.requireAuthTime === true)) {
    fail(
      'ERR_ID_TOKEN_AUTH_TIME',
      'auth-time-missing',
      'id_token has no auth_time, which max_age (or require_auth_time) requires',
      idToken,
    );
  }
  if (maxAge !== undefined && isNumber(authTime) && authTime + maxAge < now - tolerance) {
    fail(
      'ERR_ID_TOKEN_AUTH_TIME',
      'auth-time',
      `the user authenticated longer ago than max_age (${maxAge} s) allows`,
      idToken,
    );
  }
  // 3.2.2.9 / 3.3.2.11 at_hash, 3.3.2.10 c_hash
  await checkHash(
    claims.at_hash,
    accessToken,
    types?.has('token') === true,
    'at_hash',
    expectedAlg,
    idToken,
  );
  await checkHash(claims.c_hash, code, types?.has('code') === true, 'c_hash', expectedAlg, idToken);
  return claims as IdTokenClaims;
}

function checkNonce(
  received: unknown,
  expected: string | undefined,
  mode: NonceMode,
  idToken: string,
): void {
  if (mode === 'ignore') return;
  if (expected === undefined) {
    if (received !== undefined) {
      fail(
        'ERR_ID_TOKEN_NONCE',
        'nonce-unexpected',
        'id_token has a nonce, but none was sent (pass the nonce you stored)',
        idToken,
      );
    }
    return;
  }
  if (received === undefined) {
    if (mode === 'if-present') return;
    fail('ERR_ID_TOKEN_NONCE', 'nonce-missing', 'id_token has no nonce, but one was sent', idToken);
  }
  if (typeof received !== 'string' || !sameString(received, expected)) {
    fail('ERR_ID_TOKEN_NONCE', 'nonce', 'id_token nonce is not the one sent', idToken);
  }
}

async function checkHash(
  received: unknown,
  value: string | undefined,
  required: boolean,
  claim: 'at_hash' | 'c_hash',
  alg: string,
  idToken: string,
): Promise<void> {
  const code = claim === 'at_hash' ? 'ERR_ID_TOKEN_AT_HASH' : 'ERR_ID_TOKEN_C_HASH';
  const check = claim === 'at_hash' ? 'at-hash' : 'c-hash';
  if (received === undefined) {
    if (required) {
      fail(
        code,
        `${check}-missing`,
        `id_token has no ${claim}, which this response requires`,
        idToken,
      );
    }
    return;
  }
  if (value === undefined) return; // nothing to compare with (e.g. at_hash with no access token given)
  if (typeof received !== 'string' || !sameString(received, await tokenHash(value, alg))) {
    fail(
      code,
      check,
      `id_token ${claim} does not match the ${claim === 'at_hash' ? 'access token' : 'code'}`,
      idToken,
    );
  }
}

/**
 * The claims of an id_token, decoded without any validation: for a token
 * that was validated when it was received (a stored token), or for display.
 * `undefined` when it cannot be decoded.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 * @example const claims = idTokenClaims(JSON.parse(stored).id_token)
 */
export function idTokenClaims(idToken: string | undefined): IdTokenClaims | undefined {
  if (typeof idToken !== 'string') return undefined;
  const payload = idToken.split('.')[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]*$/.test(payload)) return undefined;
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as IdTokenClaims;
  } catch {
    return undefined;
  }
}
