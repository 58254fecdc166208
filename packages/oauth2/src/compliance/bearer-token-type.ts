import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

/** Options of {@link bearerTokenType}. */
export interface BearerTokenTypeOptions {
  /**
   * The provider's token types that mean "bearer", compared
   * case-insensitively. When omitted, every token type is taken as bearer.
   */
  types?: readonly string[] | undefined;
}

/**
 * Rewrites a provider's own `token_type` that means bearer to `Bearer`.
 * Lower-case `bearer` (Amazon, GitHub, Okta, ...) is already accepted as is;
 * this is for other names.
 *
 * Needed by: eBay (`Application Access Token`, `User Access Token`), Slack
 * (`bot`, `user`), Salesforce-style gateways, and providers that send
 * `token_type: "access_token"`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7.1
 * @example bearerTokenType(client, { types: ['Application Access Token'] })
 */
export function bearerTokenType(
  client: ComplianceHookTarget,
  options: BearerTokenTypeOptions = {},
): void {
  const types = options.types?.map((t) => t.toLowerCase());
  registerTokenBodyFix(client, (body) => {
    if (typeof body.token_type !== 'string') return body;
    if (types !== undefined && !types.includes(body.token_type.toLowerCase())) return body;
    return { ...body, token_type: 'Bearer' };
  });
}
