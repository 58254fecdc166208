import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

/**
 * Reads the lifetime from a non-standard member (`expires` by default)
 * when `expires_in` is absent, so `expires_at` is computed and refresh
 * happens on time.
 *
 * Needed by: Facebook (old Graph API versions send `expires`), and other
 * providers of the OAuth 2 draft era.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @example
 * formEncodedTokenResponse(client)
 * expiresField(client) // expires=5183999 → expires_in
 */
export function expiresField(client: ComplianceHookTarget, name = 'expires'): void {
  registerTokenBodyFix(client, (body) => {
    if (body.expires_in !== undefined || body[name] === undefined) return body;
    const { [name]: lifetime, ...rest } = body;
    return { ...rest, expires_in: lifetime };
  });
}
