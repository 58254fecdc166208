import { type IdTokenCheck, IdTokenError } from './errors.js';
import {
  type IdTokenClaims,
  type ValidateIdTokenOptions,
  validateIdTokenWith,
} from './id-token.js';

/**
 * ID Tokens in refresh responses (OpenID Connect Core 12.2).
 */

/** The options of {@link validateRefreshedIdToken}: those of `validateIdToken` that apply. */
export type ValidateRefreshedIdTokenOptions = Omit<
  ValidateIdTokenOptions,
  'nonce' | 'maxAge' | 'responseType' | 'code'
>;

function audienceSet(aud: string | string[]): string[] {
  return [...new Set(typeof aud === 'string' ? [aud] : aud)].sort();
}

/**
 * Checks that an id_token from a refresh describes the same authentication
 * as the original: same `iss`, `sub`, `aud` (as a set) and `azp` (absent
 * when it was absent), and `auth_time`, when present, equal to the
 * original's.
 *
 * @throws IdTokenError `ERR_ID_TOKEN_REFRESH`, `check` naming the claim
 * (`refresh-iss`, `refresh-sub`, `refresh-aud`, `refresh-azp`, `refresh-auth-time`).
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 * @example checkRefreshedIdToken(originalClaims, refreshedClaims)
 */
export function checkRefreshedIdToken(original: IdTokenClaims, refreshed: IdTokenClaims): void {
  const mismatch = (check: IdTokenCheck, claim: string): never => {
    throw new IdTokenError(
      'ERR_ID_TOKEN_REFRESH',
      check,
      `the refreshed id_token's ${claim} is not the original's (OIDC Core 12.2)`,
    );
  };
  if (refreshed.iss !== original.iss) mismatch('refresh-iss', 'iss');
  if (refreshed.sub !== original.sub) mismatch('refresh-sub', 'sub');
  const before = audienceSet(original.aud);
  const after = audienceSet(refreshed.aud);
  if (before.length !== after.length || before.some((a, i) => a !== after[i])) {
    mismatch('refresh-aud', 'aud');
  }
  if (refreshed.azp !== original.azp) mismatch('refresh-azp', 'azp');
  if (refreshed.auth_time !== undefined && refreshed.auth_time !== original.auth_time) {
    mismatch('refresh-auth-time', 'auth_time');
  }
}

/**
 * Validates an id_token from a refresh response: every check of
 * `validateIdToken` (signature, `alg`, `iss`, `aud`, `azp`, `exp`, `iat`,
 * ...), a `nonce` only if present (then equal to the original's), then
 * {@link checkRefreshedIdToken} against the original claims.
 *
 * @throws IdTokenError (any `ERR_ID_TOKEN_*` code).
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 * @example
 * const claims = await validateRefreshedIdToken(refreshed.id_token, idTokenClaims(old.id_token)!, { issuer, clientId, keys })
 */
export async function validateRefreshedIdToken(
  idToken: string,
  original: IdTokenClaims,
  options: ValidateRefreshedIdTokenOptions,
): Promise<IdTokenClaims> {
  const claims = await validateIdTokenWith(
    idToken,
    { ...options, nonce: typeof original.nonce === 'string' ? original.nonce : undefined },
    'if-present',
  );
  checkRefreshedIdToken(original, claims);
  return claims;
}
