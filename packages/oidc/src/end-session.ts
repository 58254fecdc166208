import {
  addParamsToUrl,
  assertSecureTransport,
  InvalidArgumentError,
  type ParamList,
  type TransportSecurityOptions,
} from '@x/core';

/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0): the URL that
 * sends the user agent to the provider's `end_session_endpoint`.
 */

/** Parameters of the logout request (RP-Initiated Logout 1.0, 2). */
export interface EndSessionParams {
  /** The id_token last issued to the client for this user (recommended). */
  idTokenHint?: string | undefined;
  /** Where the provider sends the user after logout; must be registered. Needs `idTokenHint` or `clientId`. */
  postLogoutRedirectUri?: string | undefined;
  /** Passed back to `postLogoutRedirectUri`. */
  state?: string | undefined;
  /** The client id. */
  clientId?: string | undefined;
  /** A hint about the user being logged out (e.g. an email). */
  logoutHint?: string | undefined;
  /** Preferred languages for the logout pages, space-separated or a list. */
  uiLocales?: string | readonly string[] | undefined;
}

/**
 * Builds the logout URL: `id_token_hint`, `logout_hint`, `client_id`,
 * `post_logout_redirect_uri`, `state`, `ui_locales` on the
 * `end_session_endpoint` (whose own query is kept).
 *
 * @throws InvalidArgumentError when `postLogoutRedirectUri` comes without
 * `idTokenHint` or `clientId` (the spec requires one of them), or a value
 * is not a string; InsecureTransportError for an http endpoint (unless
 * loopback with `allowInsecureTransport`).
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 * @example
 * const url = endSessionUrl(metadata.end_session_endpoint, {
 *   idTokenHint: token.id_token, postLogoutRedirectUri: 'https://app.example.com/bye', state,
 * })
 */
export function endSessionUrl(
  endpoint: string | URL,
  params: EndSessionParams = {},
  options: TransportSecurityOptions = {},
): string {
  const url = assertSecureTransport(endpoint, options);
  const { idTokenHint, postLogoutRedirectUri, state, clientId, logoutHint, uiLocales } = params;
  for (const [name, value] of Object.entries({
    idTokenHint,
    postLogoutRedirectUri,
    state,
    clientId,
    logoutHint,
  })) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidArgumentError(`${name} must be a non-empty string`);
    }
  }
  if (postLogoutRedirectUri !== undefined) {
    if (!URL.canParse(postLogoutRedirectUri)) {
      throw new InvalidArgumentError('postLogoutRedirectUri must be an absolute URL');
    }
    if (idTokenHint === undefined && clientId === undefined) {
      throw new InvalidArgumentError('postLogoutRedirectUri needs idTokenHint or clientId');
    }
  }
  const locales = typeof uiLocales === 'string' ? uiLocales : uiLocales?.join(' ');
  const list: ParamList = [];
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined) list.push([name, value]);
  };
  add('id_token_hint', idTokenHint);
  add('logout_hint', logoutHint);
  add('client_id', clientId);
  add('post_logout_redirect_uri', postLogoutRedirectUri);
  add('state', state);
  add('ui_locales', locales);
  return addParamsToUrl(url, list);
}
