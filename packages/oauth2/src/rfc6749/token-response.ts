import {
  type HttpResponse,
  InvalidResponseError,
  OAuth2Token,
  OAuthError,
  type OAuthErrorOptions,
} from '@x/core';
import { readJsonObject, tokenValuesOf } from '../response-body.js';

/** Options of {@link processTokenResponse}. */
export interface ProcessTokenResponseOptions {
  /** When the response arrived (ms since the epoch); `expires_at` is counted from it. */
  receivedAt: number;
  /** Values to keep out of any error (client secret, code, verifier, password, ...). */
  secrets?: Iterable<string | undefined> | undefined;
}

/**
 * Member names a hostile server could use to shadow `OAuth2Token` methods
 * (`{"isExpired": 1}` would break every later expiry check): dropped.
 */
const SHADOWING: ReadonlySet<string> = new Set([
  '__proto__',
  ...Object.getOwnPropertyNames(OAuth2Token.prototype),
]);

function fail(message: string, status: number, options: OAuthErrorOptions): never {
  throw new InvalidResponseError(message, status, options);
}

/**
 * Validates a token endpoint's response and builds the token, before
 * anything is stored:
 *
 * - a 2xx status, a non-empty JSON object body (not an HTML page, not cut off);
 * - no `error` member (an RFC 6749 5.2 error, even with status 200);
 * - `access_token` a non-empty string; `token_type` present and `Bearer`
 *   (case-insensitively; a compliance hook can rewrite a provider's own type);
 * - `expires_in` a non-negative number (numeric strings accepted);
 * - `refresh_token`, `scope`, `id_token` strings when present.
 *
 * Unknown members are kept, except names that would shadow `OAuth2Token`
 * methods (`isExpired`, `with`, `toJSON`, `constructor`, `__proto__`).
 * `expires_at` is `receivedAt + expires_in`.
 *
 * @throws OAuth2ResponseError (`ERR_OAUTH_RESPONSE`) for an error response.
 * @throws InvalidResponseError (`ERR_INVALID_RESPONSE`) for anything else
 * unusable. Both carry the HTTP status and never a secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @example
 * const token = processTokenResponse(response, { receivedAt: Date.now(), secrets: [clientSecret] })
 */
export function processTokenResponse(
  response: HttpResponse,
  options: ProcessTokenResponseOptions,
): OAuth2Token {
  const secrets = [...(options.secrets ?? [])].filter((s): s is string => typeof s === 'string');
  const { status } = response;
  const body = readJsonObject(response, 'token endpoint', { secrets });
  const errorOptions: OAuthErrorOptions = { secrets: [...secrets, ...tokenValuesOf(body)] };
  if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
    fail('token response has no access_token string', status, errorOptions);
  }
  if (body.token_type === undefined || body.token_type === null) {
    fail('token response has no token_type', status, errorOptions);
  }
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    fail(
      `token_type ${JSON.stringify(body.token_type)} is not supported (only Bearer); a compliance hook can map a provider's own type`,
      status,
      errorOptions,
    );
  }
  try {
    const fields = Object.fromEntries(
      Object.entries(body).filter(([name]) => !SHADOWING.has(name)),
    );
    return OAuth2Token.fromResponse(fields, { receivedAt: options.receivedAt });
  } catch (error) {
    if (OAuthError.isInstance(error)) fail(error.message, status, errorOptions);
    throw error;
  }
}
