import { formDecodeToRecord, type HttpResponse } from '@x/core';
import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { jsonObjectOf, withJsonBody } from './token-body.js';

/** A response hook turning a form-encoded (or `text/plain` form) body into JSON. */
function formToJson(response: HttpResponse): HttpResponse {
  if (jsonObjectOf(response) !== undefined) return response;
  const text = response.body.trim();
  if (text === '' || text.startsWith('<') || !text.includes('=')) return response;
  return withJsonBody(response, { ...formDecodeToRecord(text) });
}

/**
 * Accepts token responses sent as `application/x-www-form-urlencoded` or
 * `text/plain` (`access_token=...&expires=...`) instead of JSON, by
 * converting them to JSON before validation. Numeric strings such as
 * `expires_in=3600` are then accepted as numbers.
 *
 * Needed by: GitHub when the request has no `Accept: application/json`
 * (this client always sends it, so only proxies that drop it), the old
 * Facebook Graph API (`text/plain`; pair with {@link expiresField} and
 * {@link missingTokenType}), Bitly and other legacy OAuth 2 draft servers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @example
 * formEncodedTokenResponse(client)
 */
export function formEncodedTokenResponse(client: ComplianceHookTarget): void {
  client.registerComplianceHook('accessTokenResponse', formToJson);
  client.registerComplianceHook('refreshTokenResponse', formToJson);
}
