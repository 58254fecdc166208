import { OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from '@x/core';

/** The codes an {@link IdTokenError} can carry: one per check of OIDC Core 3.1.3.7 and 12.2. */
export type IdTokenErrorCode = Extract<OAuthErrorCode, `ERR_ID_TOKEN_${string}`>;

/**
 * Which check refused an id_token, finer than the code: the code names the
 * claim (`ERR_ID_TOKEN_NONCE`), the check says how it failed (`nonce`: a
 * different value, `nonce-missing`, `nonce-unexpected`).
 */
export type IdTokenCheck =
  /** `ERR_ID_TOKEN_MISSING`: no id_token in a token response to an authentication request. */
  | 'missing'
  /** `ERR_ID_TOKEN_TOO_LARGE`: longer than `maxTokenLength`. */
  | 'size'
  /** `ERR_ID_TOKEN_MALFORMED`: not a compact JWS, or its header or payload is not a JSON object. */
  | 'format'
  /** `ERR_ID_TOKEN_ALG`: `alg` is `none`. */
  | 'alg-none'
  /** `ERR_ID_TOKEN_ALG`: `alg` is not the expected one. */
  | 'alg'
  /** `ERR_ID_TOKEN_CRIT`: a `crit` header. */
  | 'crit'
  /** `ERR_ID_TOKEN_KEY`: no key fits (unknown `kid`, no key of the algorithm's type, no client secret). */
  | 'key'
  /** `ERR_ID_TOKEN_SIGNATURE`: the signature does not verify. */
  | 'signature'
  /** `ERR_ID_TOKEN_ISS` */
  | 'iss'
  /** `ERR_ID_TOKEN_AUD` */
  | 'aud'
  /** `ERR_ID_TOKEN_AZP`: `azp` present and not the client id. */
  | 'azp'
  /** `ERR_ID_TOKEN_AZP`: several audiences and no `azp`. */
  | 'azp-missing'
  /** `ERR_ID_TOKEN_EXP` */
  | 'exp'
  /** `ERR_ID_TOKEN_IAT` */
  | 'iat'
  /** `ERR_ID_TOKEN_NBF` */
  | 'nbf'
  /** `ERR_ID_TOKEN_SUB`: missing or not a string. */
  | 'sub'
  /** `ERR_ID_TOKEN_SUB`: the token endpoint's id_token has another `sub` than the authorization endpoint's (OIDC Core 3.3.3.6). */
  | 'sub-mismatch'
  /** `ERR_ID_TOKEN_NONCE`: not the nonce sent. */
  | 'nonce'
  /** `ERR_ID_TOKEN_NONCE`: a nonce was sent and the token has none. */
  | 'nonce-missing'
  /** `ERR_ID_TOKEN_NONCE`: no nonce was sent and the token has one. */
  | 'nonce-unexpected'
  /** `ERR_ID_TOKEN_AUTH_TIME`: older than `max_age` allows, or not a number. */
  | 'auth-time'
  /** `ERR_ID_TOKEN_AUTH_TIME`: required (`max_age` was sent, or `requireAuthTime`) and missing. */
  | 'auth-time-missing'
  /** `ERR_ID_TOKEN_AT_HASH`: does not match the access token. */
  | 'at-hash'
  /** `ERR_ID_TOKEN_AT_HASH`: required (an access token came with it from the authorization endpoint) and missing. */
  | 'at-hash-missing'
  /** `ERR_ID_TOKEN_C_HASH`: does not match the code. */
  | 'c-hash'
  /** `ERR_ID_TOKEN_C_HASH`: required (a code came with it from the authorization endpoint) and missing. */
  | 'c-hash-missing'
  /** `ERR_ID_TOKEN_REFRESH`: the refreshed id_token's `iss` differs from the original's. */
  | 'refresh-iss'
  /** `ERR_ID_TOKEN_REFRESH`: `sub` differs. */
  | 'refresh-sub'
  /** `ERR_ID_TOKEN_REFRESH`: `aud` differs. */
  | 'refresh-aud'
  /** `ERR_ID_TOKEN_REFRESH`: `azp` differs (or appeared). */
  | 'refresh-azp'
  /** `ERR_ID_TOKEN_REFRESH`: `auth_time` differs. */
  | 'refresh-auth-time';

/**
 * An id_token was refused. `code` names the claim or step that failed
 * (`ERR_ID_TOKEN_ISS`, `ERR_ID_TOKEN_SIGNATURE`, ...), `check` how it failed.
 * The token itself never appears in the message.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @example
 * try { await validateIdToken(idToken, options) } catch (err) {
 *   if (IdTokenError.isInstance(err) && err.code === 'ERR_ID_TOKEN_NONCE') ...
 * }
 */
export class IdTokenError extends OAuthError {
  static {
    IdTokenError.prototype.name = 'IdTokenError';
  }
  declare readonly code: IdTokenErrorCode;
  /** The check that failed. */
  readonly check: IdTokenCheck;

  constructor(
    code: IdTokenErrorCode,
    check: IdTokenCheck,
    message: string,
    options?: OAuthErrorOptions,
  ) {
    super(code, message, options);
    this.check = check;
  }
}
