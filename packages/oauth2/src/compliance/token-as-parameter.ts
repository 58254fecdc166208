import { addParamsToUrl, cloneRequest, type HttpRequest } from '@x/core';
import { setFormParams } from '../client-auth.js';
import type { ComplianceHookTarget } from '../compliance-hooks.js';

/** Options of {@link tokenAsParameter}. */
export interface TokenAsParameterOptions {
  /** The parameter name the provider expects. */
  name: string;
  /**
   * `query` (default) or `body` (form-encoded bodies only).
   * @defaultValue 'query'
   */
  in?: 'query' | 'body' | undefined;
  /**
   * Also keep the `Authorization` header.
   * @defaultValue false
   */
  keepHeader?: boolean | undefined;
}

/**
 * Sends the access token on protected requests as a provider-specific
 * parameter instead of (or besides) the `Authorization` header. Runs as a
 * `protectedRequest` hook, after the token has been placed in the header
 * (so use it with the default `tokenPlacement: 'header'`).
 *
 * Needed by: LinkedIn v1 (`oauth2_access_token` in the query), Slack's legacy
 * Web API (`token`), Instagram's legacy API (`access_token`), and
 * Weibo/Douban-style APIs with their own parameter names. Like
 * `tokenPlacement: 'uri'`, a token in the URL is discouraged (RFC 9700 4.3.2):
 * use it only where the provider leaves no choice.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.3
 * @example tokenAsParameter(client, { name: 'oauth2_access_token' })
 */
export function tokenAsParameter(
  client: ComplianceHookTarget,
  options: TokenAsParameterOptions,
): void {
  client.registerComplianceHook('protectedRequest', (request: HttpRequest) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    const token = match?.[1];
    if (token === undefined) return request;
    let out =
      options.in === 'body'
        ? setFormParams(request, [[options.name, token]])
        : cloneRequest(request, { url: addParamsToUrl(request.url, [[options.name, token]]) });
    if (options.keepHeader !== true) {
      out = cloneRequest(out);
      out.headers.delete('authorization');
    }
    if (options.in !== 'body') out.headers.set('cache-control', 'no-store');
    return out;
  });
}
