import type {
  Clock,
  OAuth2Token,
  OAuth2TokenFields,
  Transport,
  TransportSecurityOptions,
} from '@x/core';
import type { ClientAuthMethodInit } from './client-auth.js';
import type { ParamValue, Scope } from './params.js';
import type { TokenPlacement } from './rfc6750.js';
import type { TokenTypeHint } from './rfc7009.js';
import type { CodeChallengeMethod } from './rfc7636.js';
import type { AuthorizationServerMetadata } from './rfc8414.js';

/**
 * Options and per-call parameters of `OAuth2Client`.
 */

/** What `updateToken` is told about the token that was replaced. */
export interface UpdateTokenContext {
  /** The refresh token that was used (after a refresh). Find the stored token by it. */
  refreshToken?: string | undefined;
  /** The access token that was replaced. Find the stored token by it. */
  accessToken?: string | undefined;
}

/**
 * Called after the client obtained a new token on its own (a refresh, or a
 * client-credentials renewal) so you can persist it. It is awaited; if it
 * throws, the error reaches every caller waiting for that token (the new
 * token is still kept in the client).
 *
 * @example
 * updateToken: async (token, { refreshToken }) => {
 *   await db.tokens.update({ where: { refreshToken }, data: token.toJSON() })
 * }
 */
export type UpdateToken = (token: OAuth2Token, context: UpdateTokenContext) => void | Promise<void>;

/** Options of `new OAuth2Client(...)`. */
export interface OAuth2ClientOptions extends TransportSecurityOptions {
  /** The client identifier issued by the authorization server. */
  clientId: string;
  /** The client secret, for confidential clients. */
  clientSecret?: string | undefined;
  /**
   * How the client authenticates at the token endpoint: `client_secret_basic`
   * (default when there is a secret), `client_secret_post`, `none` (default
   * without a secret), `tls_client_auth` or `self_signed_tls_client_auth`
   * (mutual TLS, RFC 8705 2: the certificate is configured on the transport),
   * a name registered with `registerClientAuthMethod`, or a `ClientAuth`
   * object or function.
   */
  tokenEndpointAuthMethod?: ClientAuthMethodInit | undefined;
  /** Client authentication at the revocation endpoint. Defaults to the token endpoint's. */
  revocationEndpointAuthMethod?: ClientAuthMethodInit | undefined;
  /** Client authentication at the introspection endpoint. Defaults to the revocation endpoint's. */
  introspectionEndpointAuthMethod?: ClientAuthMethodInit | undefined;
  /** The scope requested by default (authorization URL, password and client-credentials grants). */
  scope?: Scope | undefined;
  /** The redirect URI registered for this client. */
  redirectUri?: string | undefined;
  /** A token to start with (for example one you stored); plain fields are rehydrated. */
  token?: OAuth2Token | OAuth2TokenFields | undefined;
  /**
   * Where the access token goes on protected requests: `header` (default),
   * `body` (form bodies only) or `uri` (discouraged by RFC 9700).
   * @defaultValue 'header'
   */
  tokenPlacement?: TokenPlacement | undefined;
  /** The token endpoint. Defaults to `metadata.token_endpoint`. */
  tokenEndpoint?: string | undefined;
  /** Authorization server metadata (RFC 8414); endpoints and the RFC 9207 policy come from it. */
  metadata?: AuthorizationServerMetadata | undefined;
  /**
   * Use `metadata.mtls_endpoint_aliases` (RFC 8705 5) for the token,
   * revocation and introspection endpoints. By default an endpoint's alias
   * is used when that endpoint's client authentication is `tls_client_auth`
   * or `self_signed_tls_client_auth`, and ignored otherwise. Set `true`
   * when you use mutual TLS only for certificate-bound access tokens (with
   * another client authentication, e.g. `private_key_jwt`); `false` never
   * uses them. An endpoint passed explicitly (`tokenEndpoint`, or the URL
   * argument of a call) is always used as given.
   * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
   */
  useMtlsEndpointAliases?: boolean | undefined;
  /**
   * Refresh this many seconds before the token expires.
   * @defaultValue 60
   */
  leeway?: number | undefined;
  /**
   * PKCE method for the authorization code flow. `false` or `null` turns
   * PKCE off (only do that for a server that rejects it).
   * @defaultValue 'S256'
   */
  codeChallengeMethod?: CodeChallengeMethod | false | null | undefined;
  /** Persists tokens the client obtains on its own (refresh, client-credentials renewal). */
  updateToken?: UpdateToken | undefined;
  /**
   * Refresh (or renew a client-credentials token) automatically before it
   * expires and after a 401 `invalid_token`.
   * @defaultValue true
   */
  autoRefresh?: boolean | undefined;
  /** Sends the client's own requests (token, revocation, introspection endpoints). */
  transport: Transport;
  /** The source of "now" for expiry; inject one in tests. */
  clock?: Clock | undefined;
}

/** Options shared by every call that sends a request. */
export interface RequestOptions {
  /** Extra headers for the endpoint request. */
  headers?: HeadersInit | undefined;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/** Parameters of `createAuthorizationUrl`. Any other member is sent as a parameter. */
export interface CreateAuthorizationUrlOptions {
  /** The `state` to send; generated (43 CSPRNG characters) when absent. */
  state?: string | undefined;
  /** The PKCE `code_verifier`; generated (256 bits) when absent and PKCE is on. */
  codeVerifier?: string | undefined;
  /** An OpenID Connect `nonce`, sent as is. */
  nonce?: string | undefined;
  /** `code` (default) or `token` (implicit), or an OpenID Connect combination. */
  responseType?: string | undefined;
  /** Overrides the client's `redirectUri` (and is remembered for `fetchToken`). */
  redirectUri?: string | undefined;
  /** Overrides the client's `scope`. */
  scope?: Scope | undefined;
  /** Any other authorization request parameter (`prompt`, `login_hint`, `resource`, ...). */
  [param: string]: ParamValue;
}

/** What `createAuthorizationUrl` returns: store `state` and `codeVerifier` until the callback. */
export interface AuthorizationUrl {
  /** Send the user agent here. */
  url: string;
  /** The `state` sent; check it on the callback (`fetchToken` does when you pass it). */
  state: string;
  /** The PKCE verifier, when PKCE is on. Keep it secret until the callback. */
  codeVerifier?: string | undefined;
  /** The `nonce`, when one was given. */
  nonce?: string | undefined;
}

/**
 * Parameters of `fetchToken`. The grant is `grantType`, or else inferred:
 * `authorization_code` with `authorizationResponse` or `code`, implicit when
 * the authorization response carries a token in its fragment, `password`
 * with `username`/`password`, otherwise `client_credentials`. Any other
 * member (a string, number, boolean or string array) is sent as a body
 * parameter.
 */
export interface FetchTokenParams extends RequestOptions {
  /** `authorization_code`, `password`, `client_credentials`, `implicit`, or an extension grant URI. */
  grantType?: string | undefined;
  /** The full redirect URL the authorization server sent the user agent back to. */
  authorizationResponse?: string | URL | undefined;
  /** The authorization code, when you extracted it yourself. */
  code?: string | undefined;
  /** The `state` you stored; defaults to the one from this client's last `createAuthorizationUrl`. */
  state?: string | undefined;
  /** The PKCE verifier you stored; defaults to this client's last one. */
  codeVerifier?: string | undefined;
  /** The redirect URI sent in the authorization request; defaults to the last one used. */
  redirectUri?: string | undefined;
  /** Resource owner password credentials grant (RFC 6749 4.3; deprecated by RFC 9700). */
  username?: string | undefined;
  password?: string | undefined;
  /** Overrides the client's `scope` (password, client credentials and extension grants). */
  scope?: Scope | undefined;
  /**
   * Any value, handed as is to this call's `accessTokenResponse`
   * hooks as `context.hookContext` (never sent).
   */
  hookContext?: unknown;
  /** Extra body parameters. */
  [param: string]: unknown;
}

/** Parameters of `refreshToken`. Any other member is sent as a body parameter. */
export interface RefreshTokenParams extends RequestOptions {
  /** The refresh token to use; defaults to the current token's. */
  refreshToken?: string | undefined;
  /** A narrower scope (RFC 6749 6); omitted by default, meaning the original scope. */
  scope?: Scope | undefined;
  /**
   * Any value, handed as is to this call's `refreshTokenResponse`
   * hooks as `context.hookContext` (never sent).
   */
  hookContext?: unknown;
  /** Extra body parameters. */
  [param: string]: unknown;
}

/** Options of `revokeToken` and `introspectToken`. */
export interface TokenOperationOptions extends RequestOptions {
  /** `access_token` or `refresh_token`; also picks which member of an `OAuth2Token` is sent. */
  tokenTypeHint?: TokenTypeHint | undefined;
}
