import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

/**
 * Supplies `token_type` (`Bearer` by default) when a successful token
 * response leaves it out, which RFC 6749 5.1 does not allow and this client
 * otherwise refuses.
 *
 * Needed by: Weibo, Douban, LinkedIn (v1), old Facebook Graph API, and
 * other providers whose tokens are bearer tokens without saying so.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @example missingTokenType(client)
 */
export function missingTokenType(client: ComplianceHookTarget, tokenType = 'Bearer'): void {
  registerTokenBodyFix(client, (body) => {
    if (body.token_type !== undefined || typeof body.access_token !== 'string') return body;
    return { ...body, token_type: tokenType };
  });
}
