import {
  getFragmentParams,
  getQueryParams,
  InvalidArgumentError,
  InvalidResponseError,
  parseUrl,
} from '@x/core';
import { parseAuthorizationResponse } from '@x/oauth2';
import { type IdTokenClaims, type ValidateIdTokenOptions, validateIdToken } from './id-token.js';

/**
 * Authentication responses that carry an id_token from the authorization
 * endpoint: the implicit flow (`id_token`, `id_token token`, OIDC Core 3.2)
 * and the hybrid flow (`code id_token`, `code id_token token`, 3.3).
 */

/** Options of {@link processAuthenticationResponse}. */
export interface AuthenticationResponseOptions
  extends Omit<ValidateIdTokenOptions, 'code' | 'accessToken' | 'responseType' | 'nonce'> {
  /** The `state` sent; checked first (CSRF). `undefined` when none was sent. */
  state: string | undefined;
  /** The `nonce` sent: required in these flows (OIDC Core 3.2.2.1). */
  nonce: string;
  /**
   * The `response_type` requested. The response must carry what it names;
   * when absent it is read from what the response carries.
   */
  responseType?: string | undefined;
  /**
   * `iss` must be in the response (the provider's
   * `authorization_response_iss_parameter_supported`), unless it carries an
   * id_token, whose `iss` claim then identifies the issuer (RFC 9207 2.4).
   */
  issuerRequired?: boolean | undefined;
}

/** A validated authentication response. */
export interface AuthenticationResponse {
  /** Every response parameter (first value of each). */
  params: Record<string, string>;
  /** The id_token from the authorization endpoint. */
  idToken: string;
  /** Its validated claims. */
  claims: IdTokenClaims;
  /** The code (hybrid flow), to exchange at the token endpoint. */
  code?: string | undefined;
  /** The access token (`token` response types). */
  accessToken?: string | undefined;
}

/**
 * Validates an authentication response with an id_token in its fragment (or
 * query): `state` first, then `iss` (RFC 9207), then an `error`, then the
 * id_token with every check of `validateIdToken` — `nonce` required, `c_hash`
 * required when a code came with it, `at_hash` when an access token did.
 *
 * @throws MismatchingStateError; OAuth2ResponseError for an `error=`
 * response; InvalidResponseError when what `responseType` names is missing;
 * IdTokenError (`ERR_ID_TOKEN_*`).
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ImplicitAuthResponse
 * @see https://openid.net/specs/openid-connect-core-1_0.html#HybridAuthResponse
 * @example
 * const { code, claims } = await processAuthenticationResponse(callbackUrl, {
 *   issuer, clientId, keys, state: session.state, nonce: session.nonce, responseType: 'code id_token',
 * })
 */
export async function processAuthenticationResponse(
  url: string | URL,
  options: AuthenticationResponseOptions,
): Promise<AuthenticationResponse> {
  if (typeof options.nonce !== 'string' || options.nonce === '') {
    throw new InvalidArgumentError('the implicit and hybrid flows require a nonce');
  }
  const parsed = parseUrl(url, 'authorization response');
  const responseMode = parsed.hash.length > 1 ? 'fragment' : 'query';
  // With an id_token in the response, its iss claim identifies the issuer
  // (RFC 9207 2.4): providers may leave the iss parameter out.
  const carriesIdToken = (responseMode === 'fragment' ? getFragmentParams : getQueryParams)(
    parsed,
  ).some(([name]) => name === 'id_token');
  const params = parseAuthorizationResponse(parsed, {
    state: options.state,
    issuer: options.issuer,
    issuerRequired: options.issuerRequired === true && !carriesIdToken,
    responseMode,
  });
  const { id_token: idToken, code, access_token: accessToken } = params;
  const requested = options.responseType?.split(' ');
  for (const [type, value] of [
    ['id_token', idToken],
    ['code', code],
    ['token', accessToken],
  ] as const) {
    if (requested?.includes(type) === true && (value === undefined || value === '')) {
      throw new InvalidResponseError(
        `the authentication response has no ${type === 'token' ? 'access_token' : type}, which response_type ${options.responseType} requires`,
      );
    }
  }
  if (idToken === undefined) {
    throw new InvalidResponseError('the authentication response has no id_token');
  }
  const responseType = [
    code === undefined ? '' : 'code',
    'id_token',
    accessToken === undefined ? '' : 'token',
  ]
    .filter((t) => t !== '')
    .join(' ');
  const claims = await validateIdToken(idToken, {
    ...options,
    responseType,
    code,
    accessToken,
  });
  return { params, idToken, claims, code, accessToken };
}
