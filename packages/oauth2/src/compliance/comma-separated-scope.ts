import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

/**
 * Turns a comma-separated `scope` (`repo,gist`) into the space-separated
 * form RFC 6749 3.3 defines (`repo gist`).
 *
 * Needed by: GitHub, Strava, Facebook, Slack — they join granted scopes
 * with commas.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @example commaSeparatedScope(client)
 */
export function commaSeparatedScope(client: ComplianceHookTarget): void {
  registerTokenBodyFix(client, (body) => {
    if (typeof body.scope !== 'string' || !body.scope.includes(',')) return body;
    const scope = body.scope
      .split(/[\s,]+/)
      .filter((s) => s.length > 0)
      .join(' ');
    return { ...body, scope };
  });
}
