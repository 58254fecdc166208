import { InvalidArgumentError } from '@x/core';
import { type FetchTokenParams, type Scope, scopeToString } from '@x/oauth2';
import { type SignAssertionOptions, signAssertion } from './assertion.js';

/**
 * The JWT-bearer authorization grant (RFC 7523 2.1): a signed JWT is the
 * grant. Sign it with {@link signJwtBearerAssertion}, send it with
 * `OAuth2Client.fetchToken`.
 */

/** The `grant_type` of the JWT-bearer grant (RFC 7523 2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Options of {@link signJwtBearerAssertion}: who asserts (`issuer`), about
 * whom (`subject`; RFC 7523 requires it, some servers — Google service
 * accounts without delegation — want it absent), for which server
 * (`audience`, usually the token endpoint), signed how.
 */
export type JwtBearerAssertionOptions = SignAssertionOptions;

/** The parameters of a JWT-bearer token request, ready for `OAuth2Client.fetchToken`. */
export interface JwtBearerGrantParams extends FetchTokenParams {
  grantType: typeof JWT_BEARER_GRANT_TYPE;
  /** The signed JWT. */
  assertion: string;
  /** The scope requested, space-separated. */
  scope?: string | undefined;
}

/**
 * Signs the assertion of a JWT-bearer grant: `iss`, `sub`, `aud` (one
 * string), `iat`, `exp` (`iat` + `expiresIn`, 60 s by default), a random
 * `jti`, extra `claims`; `alg` (default RS256) and `kid` in the header.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @example
 * const assertion = await signJwtBearerAssertion({
 *   issuer: 'svc@example.com', subject: 'alice@example.com',
 *   audience: 'https://as.example.com/token', key: privateKeyPem,
 * })
 * await client.fetchToken({ grantType: JWT_BEARER_GRANT_TYPE, assertion })
 */
export function signJwtBearerAssertion(options: JwtBearerAssertionOptions): Promise<string> {
  return signAssertion(options);
}

/**
 * The `fetchToken` parameters for a JWT-bearer grant with `assertion`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @example await client.fetchToken(jwtBearerGrantParams(assertion, { scope: 'read' }))
 */
export function jwtBearerGrantParams(
  assertion: string,
  options: { scope?: Scope | undefined } = {},
): JwtBearerGrantParams {
  if (typeof assertion !== 'string' || assertion.length === 0) {
    throw new InvalidArgumentError('assertion must be a non-empty string');
  }
  const params: JwtBearerGrantParams = { grantType: JWT_BEARER_GRANT_TYPE, assertion };
  const scope = scopeToString(options.scope);
  if (scope !== undefined) params.scope = scope;
  return params;
}

/**
 * Signs a fresh JWT-bearer assertion and returns the `fetchToken`
 * parameters that send it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @example
 * const token = await client.fetchToken(await jwtBearerGrant({
 *   issuer: 'svc', subject: 'alice', audience: tokenEndpoint, key: privateKeyPem, scope: 'read',
 * }))
 */
export async function jwtBearerGrant(
  options: JwtBearerAssertionOptions & { scope?: Scope | undefined },
): Promise<JwtBearerGrantParams> {
  const { scope, ...signing } = options;
  return jwtBearerGrantParams(await signJwtBearerAssertion(signing), { scope });
}
