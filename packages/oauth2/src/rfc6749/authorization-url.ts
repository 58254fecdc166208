import { addParamsToUrl, generateToken, type ParamList } from '@x/core';
import type { CodeChallengeMethod } from '../rfc7636.js';

/**
 * The authorization request (RFC 6749 4.1.1 and 4.2.1): the URL the user
 * agent is sent to.
 */

/** Everything that goes into an authorization URL. */
export interface AuthorizationRequest {
  /** The authorization endpoint; its own query parameters are kept. */
  endpoint: string;
  clientId: string;
  /** `code` (authorization code) or `token` (implicit), or an OpenID Connect combination. */
  responseType: string;
  redirectUri?: string | undefined;
  /** Space-separated scope. */
  scope?: string | undefined;
  state: string;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: CodeChallengeMethod | undefined;
  nonce?: string | undefined;
  /** Further parameters (`prompt`, `login_hint`, `resource`, ...), appended in order. */
  extra?: ParamList | undefined;
}

/**
 * A new `state` value: 43 characters from the platform CSPRNG over
 * `[A-Za-z0-9]` (about 256 bits), safe in any URL.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 * @example generateState() // "q8Zr..." (43 characters)
 */
export function generateState(): string {
  return generateToken(43);
}

/**
 * Builds the authorization URL: `response_type`, `client_id`,
 * `redirect_uri`, `scope`, `state`, `code_challenge`,
 * `code_challenge_method`, `nonce`, then the extra parameters.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @example
 * buildAuthorizationUrl({ endpoint: 'https://as.example.com/authorize', clientId: 'app',
 *   responseType: 'code', state: generateState(), redirectUri: 'https://app.example.com/cb' })
 */
export function buildAuthorizationUrl(request: AuthorizationRequest): string {
  const params: ParamList = [
    ['response_type', request.responseType],
    ['client_id', request.clientId],
  ];
  const optional: Array<[string, string | undefined]> = [
    ['redirect_uri', request.redirectUri],
    ['scope', request.scope],
    ['state', request.state],
    ['code_challenge', request.codeChallenge],
    [
      'code_challenge_method',
      request.codeChallenge === undefined ? undefined : request.codeChallengeMethod,
    ],
    ['nonce', request.nonce],
  ];
  for (const [name, value] of optional) if (value !== undefined) params.push([name, value]);
  params.push(...(request.extra ?? []));
  return addParamsToUrl(request.endpoint, params);
}
