import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

/** Options of {@link slackTokenResponse}. */
export interface SlackTokenResponseOptions {
  /**
   * Use the user token (`authed_user.access_token`, from `user_scope`)
   * rather than the bot token at the top level.
   * @defaultValue false
   */
  user?: boolean | undefined;
}

const LIFTED = ['access_token', 'token_type', 'scope', 'refresh_token', 'expires_in'];

/**
 * Reads Slack's `oauth.v2.access` response: errors come with HTTP 200 as
 * `{ ok: false, error }` (turned into an `OAuth2ResponseError`); the token
 * type is `bot` or `user` (mapped to `Bearer`); scopes are comma-separated;
 * with `{ user: true }` the user token nested under `authed_user` is lifted
 * to the top level. Other members (`team`, `authed_user`, ...) are kept.
 *
 * Needed by: Slack (OAuth v2 and token rotation).
 *
 * @see https://api.slack.com/methods/oauth.v2.access
 * @example slackTokenResponse(client, { user: true })
 */
export function slackTokenResponse(
  client: ComplianceHookTarget,
  options: SlackTokenResponseOptions = {},
): void {
  registerTokenBodyFix(client, (body) => {
    if (body.ok === false) {
      return { ...body, error: typeof body.error === 'string' ? body.error : 'slack_error' };
    }
    let out = { ...body };
    const authed = out.authed_user;
    if (options.user === true && typeof authed === 'object' && authed !== null) {
      const user = authed as Record<string, unknown>;
      for (const name of LIFTED) delete out[name];
      for (const name of LIFTED) if (user[name] !== undefined) out[name] = user[name];
    }
    if (typeof out.token_type === 'string' && ['bot', 'user'].includes(out.token_type)) {
      out = { ...out, token_type: 'Bearer' };
    }
    if (typeof out.scope === 'string') out.scope = out.scope.split(',').join(' ');
    return out;
  });
}
