import { type HttpResponse, InvalidArgumentError, type ParamList } from '@x/core';
import { errorForStatus } from './response-body.js';

/**
 * OAuth 2.0 Token Revocation (RFC 7009).
 */

/** Which kind of token is being revoked or introspected (a hint; servers may ignore it). */
export type TokenTypeHint = 'access_token' | 'refresh_token' | (string & {});

/**
 * The form parameters of a revocation or introspection request:
 * `token` and an optional `token_type_hint`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 * @example tokenParams(token.refresh_token, 'refresh_token')
 */
export function tokenParams(token: string, tokenTypeHint?: TokenTypeHint): ParamList {
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidArgumentError('token must be a non-empty string');
  }
  const list: ParamList = [['token', token]];
  if (tokenTypeHint !== undefined) list.push(['token_type_hint', tokenTypeHint]);
  return list;
}

/**
 * Checks a revocation response: any 2xx is success (its body is ignored,
 * RFC 7009 2.2); anything else is an error.
 *
 * @throws OAuth2ResponseError for an RFC 6749 5.2 error body (e.g.
 * `unsupported_token_type`), InvalidResponseError with the status otherwise
 * (including 503, after which the client may retry later).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 * @example processRevocationResponse(response, [token])
 */
export function processRevocationResponse(
  response: HttpResponse,
  secrets: Iterable<string | undefined> = [],
): void {
  if (response.status >= 200 && response.status <= 299) return;
  throw errorForStatus(response, 'revocation endpoint', { secrets });
}
