import {
  type Authenticator,
  type AuthorizeOptions,
  assertSecureTransport,
  bearerChallengeError,
  type Clock,
  checkSecureTransport,
  formDecode,
  type HttpRequest,
  type HttpResponse,
  InvalidArgumentError,
  InvalidResponseError,
  isFormContentType,
  MissingTokenError,
  NO_RETRY,
  OAuth2Token,
  type OAuth2TokenFields,
  OAuthError,
  type ParamList,
  parseUrl,
  systemClock,
  type Transport,
  TransportError,
  type TransportSecurityOptions,
} from '@x/core';
import {
  type ClientAuthContext,
  type ClientAuthMethod,
  type ClientAuthMethodInit,
  ClientAuthRegistry,
} from './client-auth.js';
import {
  type ComplianceHook,
  ComplianceHookRegistry,
  type ComplianceHookTarget,
  type ComplianceHookType,
  type TokenResponseContext,
} from './compliance-hooks.js';
import type {
  AuthorizationUrl,
  CreateAuthorizationUrlOptions,
  FetchTokenParams,
  OAuth2ClientOptions,
  RefreshTokenParams,
  RequestOptions,
  TokenOperationOptions,
  UpdateToken,
} from './options.js';
import { appendExtraParams, scopeToString, secretParamValues, splitArgs } from './params.js';
import { parseAuthorizationResponse } from './rfc6749/authorization-response.js';
import { buildAuthorizationUrl, generateState } from './rfc6749/authorization-url.js';
import { endpointRequest, grantBody } from './rfc6749/token-request.js';
import { processTokenResponse } from './rfc6749/token-response.js';
import {
  assertBearerTokenType,
  assertTokenPlacement,
  placeBearerToken,
  placedAccessToken,
  type TokenPlacement,
} from './rfc6750.js';
import { processRevocationResponse, type TokenTypeHint, tokenParams } from './rfc7009.js';
import {
  assertCodeVerifier,
  type CodeChallengeMethod,
  createCodeChallenge,
  generateCodeVerifier,
} from './rfc7636.js';
import { type IntrospectionResponse, processIntrospectionResponse } from './rfc7662.js';
import type { AuthorizationServerMetadata } from './rfc8414.js';
import { isMtlsClientAuthMethod, mtlsEndpointAlias } from './rfc8705.js';
import { SingleFlight } from './single-flight.js';

/** The authorization request in progress, remembered for the callback. */
interface PendingAuthorization {
  state: string;
  codeVerifier: string | undefined;
  redirectUri: string | undefined;
  responseType: string;
}

/** How to get a new client-credentials token when the current one expires. */
interface Renewal {
  url: string;
  params: ParamList;
  headers: HeadersInit | undefined;
  /** The hooks' context of the `fetchToken` call repeated. */
  context: TokenResponseContext;
}

/** One endpoint request, as `#send` takes it. */
interface EndpointCall extends RequestOptions {
  url: string;
  params: ParamList;
  authMethod: ClientAuthMethodInit;
  requestHook?: 'refreshTokenRequest' | 'revokeTokenRequest' | 'introspectTokenRequest' | undefined;
}

/** Authorization-request parameters the client sets itself (use the options instead). */
const RESERVED_AUTHORIZATION_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
]);
const NO_SKIP: ReadonlySet<string> = new Set();

type Endpoint = 'token' | 'revocation' | 'introspection' | 'authorization';
const ENDPOINT_SOURCES: Record<Endpoint, string> = {
  token: 'tokenEndpoint or metadata.token_endpoint',
  revocation: 'metadata.revocation_endpoint',
  introspection: 'metadata.introspection_endpoint',
  authorization: 'metadata.authorization_endpoint',
};

function isImplicitResponseType(responseType: string | undefined): boolean {
  if (responseType === undefined) return false;
  const parts = responseType.split(' ');
  return parts.includes('token') && !parts.includes('code');
}

function isHttpResponse(value: unknown): value is HttpResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && typeof v.body === 'string' && v.headers instanceof Headers;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string`);
  }
  return value;
}

/**
 * An OAuth 2.0 client: Authlib's `OAuth2Client` for TypeScript. It builds
 * authorization URLs (with `state` and PKCE by default), obtains tokens with
 * every grant, refreshes them single-flight, revokes and introspects them,
 * and — as an {@link Authenticator} — puts the token on protected-resource
 * requests, refreshing first when it is due and once more after a 401
 * `invalid_token`.
 *
 * It talks to endpoints only through the `transport` you give it
 * (`fetchTransport()` from `@x/fetch-client`, `axiosTransport()` from
 * `@x/axios-client`); the adapters' `OAuth2Session` classes wrap it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749
 * @example
 * import { OAuth2Client } from '@x/oauth2'
 * import { fetchTransport } from '@x/fetch-client'
 *
 * const client = new OAuth2Client({
 *   clientId: 'app', clientSecret: process.env.CLIENT_SECRET,
 *   redirectUri: 'https://app.example.com/callback',
 *   metadata: { issuer: 'https://as.example.com',
 *     authorization_endpoint: 'https://as.example.com/authorize',
 *     token_endpoint: 'https://as.example.com/token' },
 *   transport: fetchTransport(),
 * })
 * const { url, state, codeVerifier } = await client.createAuthorizationUrl({ scope: 'openid' })
 * // ...redirect, then on the callback:
 * const token = await client.fetchToken({ authorizationResponse: callbackUrl, state, codeVerifier })
 */
export class OAuth2Client implements Authenticator, ComplianceHookTarget {
  /** The client identifier. */
  readonly clientId: string;
  /** The authorization server metadata given in the options. */
  readonly metadata: AuthorizationServerMetadata | undefined;
  /** Seconds before expiry at which the token is refreshed. */
  readonly leeway: number;
  /** Whether tokens are refreshed (or renewed) automatically. */
  readonly autoRefresh: boolean;
  /** Where the access token goes on protected requests. */
  readonly tokenPlacement: TokenPlacement;
  /** The registered redirect URI. */
  readonly redirectUri: string | undefined;
  /** The default scope, space-separated. */
  readonly scope: string | undefined;
  /** The PKCE method, or `undefined` when PKCE is off. */
  readonly codeChallengeMethod: CodeChallengeMethod | undefined;

  readonly #clientSecret: string | undefined;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #security: TransportSecurityOptions;
  readonly #tokenEndpoint: string | undefined;
  readonly #tokenAuth: ClientAuthMethodInit;
  readonly #revocationAuth: ClientAuthMethodInit;
  readonly #introspectionAuth: ClientAuthMethodInit;
  /** Endpoints whose `mtls_endpoint_aliases` entry is used (RFC 8705 5). */
  readonly #mtlsAliased: ReadonlySet<'token' | 'revocation' | 'introspection'>;
  readonly #updateToken: UpdateToken | undefined;
  readonly #authMethods = new ClientAuthRegistry();
  readonly #hooks = new ComplianceHookRegistry();
  readonly #flight = new SingleFlight<OAuth2Token>();
  /**
   * The token of each request a `protectedRequest` hook returned, for
   * `retry`: a hook may put the token where RFC 6750 does not. Other
   * requests carry their token where `retry` reads it back, and are not
   * remembered (a WeakMap entry per request costs about a microsecond on a
   * busy connection: its key is new each time).
   */
  readonly #hookedWith = new WeakMap<HttpRequest, OAuth2Token>();
  #token: OAuth2Token | undefined;
  #pending: PendingAuthorization | undefined;
  #renewal: Renewal | undefined;

  constructor(options: OAuth2ClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('OAuth2Client needs an options object');
    }
    this.clientId = nonEmptyString(options.clientId, 'clientId');
    if (typeof options.transport !== 'function') {
      throw new InvalidArgumentError(
        'transport is required (e.g. fetchTransport() from @x/fetch-client)',
      );
    }
    this.#transport = options.transport;
    if (options.clientSecret !== undefined) nonEmptyString(options.clientSecret, 'clientSecret');
    this.#clientSecret = options.clientSecret;
    this.#clock = options.clock ?? systemClock;
    this.#security = { allowInsecureTransport: options.allowInsecureTransport === true };
    this.metadata = options.metadata;
    if (
      this.metadata !== undefined &&
      (typeof this.metadata !== 'object' || this.metadata === null)
    ) {
      throw new InvalidArgumentError('metadata must be an RFC 8414 metadata object');
    }
    this.leeway = options.leeway ?? 60;
    if (typeof this.leeway !== 'number' || !Number.isFinite(this.leeway) || this.leeway < 0) {
      throw new InvalidArgumentError('leeway must be a non-negative number of seconds');
    }
    this.autoRefresh = options.autoRefresh ?? true;
    const placement = options.tokenPlacement ?? 'header';
    assertTokenPlacement(placement);
    this.tokenPlacement = placement;
    this.redirectUri = options.redirectUri;
    this.scope = scopeToString(options.scope);
    const method = options.codeChallengeMethod;
    if (method === false || method === null) this.codeChallengeMethod = undefined;
    else if (method === undefined || method === 'S256' || method === 'plain') {
      this.codeChallengeMethod = method ?? 'S256';
    } else throw new InvalidArgumentError('codeChallengeMethod must be "S256", "plain" or false');

    this.#tokenAuth =
      options.tokenEndpointAuthMethod ??
      (this.#clientSecret === undefined ? 'none' : 'client_secret_basic');
    this.#revocationAuth = options.revocationEndpointAuthMethod ?? this.#tokenAuth;
    this.#introspectionAuth = options.introspectionEndpointAuthMethod ?? this.#revocationAuth;

    const aliases = options.useMtlsEndpointAliases;
    if (aliases !== undefined && typeof aliases !== 'boolean') {
      throw new InvalidArgumentError('useMtlsEndpointAliases must be a boolean');
    }
    const auths = {
      token: this.#tokenAuth,
      revocation: this.#revocationAuth,
      introspection: this.#introspectionAuth,
    } as const;
    this.#mtlsAliased = new Set(
      (['token', 'revocation', 'introspection'] as const).filter(
        (kind) => aliases ?? isMtlsClientAuthMethod(auths[kind]),
      ),
    );

    const tokenEndpoint = options.tokenEndpoint ?? this.#metadataEndpoint('token');
    if (tokenEndpoint !== undefined && typeof tokenEndpoint !== 'string') {
      throw new InvalidArgumentError('the token endpoint must be a URL string');
    }
    this.#tokenEndpoint = tokenEndpoint;
    if (this.#tokenEndpoint !== undefined)
      assertSecureTransport(this.#tokenEndpoint, this.#security);
    for (const auth of [this.#tokenAuth, this.#revocationAuth, this.#introspectionAuth]) {
      if (typeof auth !== 'string')
        this.#authMethods.resolve(auth); // validates and registers
      else if (
        (auth === 'client_secret_basic' || auth === 'client_secret_post') &&
        this.#clientSecret === undefined
      ) {
        throw new InvalidArgumentError(`${auth} needs a clientSecret`);
      }
    }

    if (options.updateToken !== undefined && typeof options.updateToken !== 'function') {
      throw new InvalidArgumentError('updateToken must be a function');
    }
    this.#updateToken = options.updateToken;
    this.token = options.token;
  }

  /** The current token, or `undefined`. */
  get token(): OAuth2Token | undefined {
    return this.#token;
  }

  /** Replaces the current token (plain fields, e.g. from storage, are rehydrated). */
  set token(value: OAuth2Token | OAuth2TokenFields | undefined) {
    if (value === undefined || value === null) {
      this.#token = undefined;
      return;
    }
    try {
      this.#token = OAuth2Token.from(value, { clock: this.#clock });
    } catch (error) {
      if (!OAuthError.isInstance(error)) throw error;
      throw new InvalidArgumentError(`token: ${error.message}`, { secrets: this.#secrets(value) });
    }
  }

  /**
   * The token endpoint in use: `tokenEndpoint`, else
   * `metadata.mtls_endpoint_aliases.token_endpoint` when the client uses
   * mutual TLS there (RFC 8705 5), else `metadata.token_endpoint`.
   */
  get tokenEndpoint(): string | undefined {
    return this.#tokenEndpoint;
  }

  /**
   * Adds a compliance hook; hooks of a type run in registration order.
   * Response hooks (`accessTokenResponse`, `refreshTokenResponse`) also get
   * the call's {@link TokenResponseContext}: its grant, the parameters passed
   * to `fetchToken` / `refreshToken`, and their `hookContext` option.
   *
   * @example
   * client.registerComplianceHook('protectedRequest', (request) => {
   *   request.headers.set('x-api-version', '2'); return request
   * })
   * client.registerComplianceHook('accessTokenResponse', (response, { grantType }) =>
   *   grantType === 'password' ? { ...response, body: response.body.trim() } : response)
   */
  registerComplianceHook<T extends ComplianceHookType>(type: T, hook: ComplianceHook<T>): void {
    this.#hooks.register(type, hook);
  }

  /**
   * Registers a client-authentication method under `name`, to be picked
   * with `tokenEndpointAuthMethod: name` (at any time before it is used).
   *
   * @example client.registerClientAuthMethod('private_key_jwt', new PrivateKeyJWT(key))
   */
  registerClientAuthMethod(name: string, method: ClientAuthMethod): void {
    this.#authMethods.register(name, method);
  }

  /**
   * Builds the authorization URL. `state` is generated when absent; PKCE
   * (`S256`) is added for response types with `code`. The client remembers
   * `state`, `codeVerifier` and `redirectUri` for the next `fetchToken`; in a
   * web app, store the returned `state` and `codeVerifier` in the user's
   * session and pass them to `fetchToken` on the callback.
   *
   * @param url The authorization endpoint; defaults to `metadata.authorization_endpoint`.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
   * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
   * @example
   * const { url, state, codeVerifier } = await client.createAuthorizationUrl({ scope: ['openid', 'email'] })
   */
  createAuthorizationUrl(options?: CreateAuthorizationUrlOptions): Promise<AuthorizationUrl>;
  createAuthorizationUrl(
    url: string | URL | undefined,
    options?: CreateAuthorizationUrlOptions,
  ): Promise<AuthorizationUrl>;
  async createAuthorizationUrl(
    first?: string | URL | CreateAuthorizationUrlOptions,
    second?: CreateAuthorizationUrlOptions,
  ): Promise<AuthorizationUrl> {
    const [url, options] = splitArgs(first, second);
    const endpoint = this.#endpoint(url, 'authorization');
    const { state, codeVerifier, nonce, responseType, redirectUri, scope, ...extra } = options;
    for (const name of Object.keys(extra)) {
      if (RESERVED_AUTHORIZATION_PARAMS.has(name)) {
        throw new InvalidArgumentError(`set ${name} through its option, not as an extra parameter`);
      }
    }
    const type = responseType ?? 'code';
    const sentState = state ?? generateState();
    nonEmptyString(sentState, 'state');
    let verifier: string | undefined;
    let challenge: string | undefined;
    if (type.split(' ').includes('code') && this.codeChallengeMethod !== undefined) {
      verifier = codeVerifier ?? generateCodeVerifier();
      challenge = await createCodeChallenge(verifier, this.codeChallengeMethod);
    } else if (codeVerifier !== undefined) {
      throw new InvalidArgumentError('codeVerifier given, but PKCE is off for this request', {
        secrets: [codeVerifier],
      });
    }
    const sentRedirectUri = redirectUri ?? this.redirectUri;
    const built = buildAuthorizationUrl({
      endpoint,
      clientId: this.clientId,
      responseType: type,
      redirectUri: sentRedirectUri,
      scope: scopeToString(scope) ?? this.scope,
      state: sentState,
      codeChallenge: challenge,
      codeChallengeMethod: this.codeChallengeMethod,
      nonce,
      extra: appendExtraParams([], extra, NO_SKIP),
    });
    this.#pending = {
      state: sentState,
      codeVerifier: verifier,
      redirectUri: sentRedirectUri,
      responseType: type,
    };
    const result: AuthorizationUrl = { url: built, state: sentState };
    if (verifier !== undefined) result.codeVerifier = verifier;
    if (nonce !== undefined) result.nonce = nonce;
    return result;
  }

  /**
   * Obtains a token and stores it. The grant is `params.grantType` or
   * inferred (see {@link FetchTokenParams}): authorization code (from the
   * callback URL, whose `state`, `iss` and `error` are checked first, or from
   * `code`), implicit (the token in the callback URL's fragment, no request),
   * password, client credentials, or any extension grant with its
   * parameters. Does not call `updateToken` (you have the result).
   *
   * @param url The token endpoint; defaults to `tokenEndpoint`.
   * @throws MismatchingStateError, OAuth2ResponseError, InvalidResponseError,
   * TransportError — never with a secret in them.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
   * @example
   * await client.fetchToken({ authorizationResponse: req.url, state: session.state, codeVerifier: session.codeVerifier })
   * await client.fetchToken({ grantType: 'client_credentials', scope: 'read' })
   * await client.fetchToken({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', device_code })
   */
  fetchToken(params?: FetchTokenParams): Promise<OAuth2Token>;
  fetchToken(url: string | URL | undefined, params?: FetchTokenParams): Promise<OAuth2Token>;
  async fetchToken(
    first?: string | URL | FetchTokenParams,
    second?: FetchTokenParams,
  ): Promise<OAuth2Token> {
    const [url, params] = splitArgs(first, second);
    const {
      grantType,
      authorizationResponse,
      code,
      state,
      codeVerifier,
      redirectUri,
      username,
      password,
      scope,
      headers,
      signal,
      hookContext,
      ...extra
    } = params;
    const callParams: Readonly<FetchTokenParams> = Object.freeze({ ...params });
    const pending = this.#pending;
    const expectedState = state ?? pending?.state;
    if (
      grantType === 'implicit' ||
      (grantType === undefined &&
        authorizationResponse !== undefined &&
        (isImplicitResponseType(pending?.responseType) ||
          this.#hasFragmentToken(authorizationResponse)))
    ) {
      return this.#tokenFromFragment(authorizationResponse, expectedState, redirectUri, {
        grantType: 'implicit',
        params: callParams,
        hookContext,
      });
    }
    const grant =
      grantType ??
      (authorizationResponse !== undefined || code !== undefined
        ? 'authorization_code'
        : username !== undefined || password !== undefined
          ? 'password'
          : 'client_credentials');
    nonEmptyString(grant, 'grantType');
    const endpoint = this.#endpoint(url, 'token');
    let body: ParamList;
    switch (grant) {
      case 'authorization_code': {
        let authCode = code;
        if (authorizationResponse !== undefined) {
          const response = parseAuthorizationResponse(
            this.#callbackUrl(authorizationResponse, redirectUri ?? pending?.redirectUri),
            {
              state: expectedState,
              issuer: this.metadata?.issuer,
              issuerRequired:
                this.metadata?.authorization_response_iss_parameter_supported === true,
              secrets: this.#secrets(),
            },
          );
          authCode = response.code;
        }
        nonEmptyString(authCode, 'code');
        const verifier = codeVerifier ?? pending?.codeVerifier;
        if (verifier !== undefined) assertCodeVerifier(verifier);
        body = grantBody('authorization_code', [
          ['code', authCode],
          ['redirect_uri', redirectUri ?? pending?.redirectUri ?? this.redirectUri],
          ['code_verifier', verifier],
        ]);
        break;
      }
      case 'password':
        body = grantBody('password', [
          ['username', nonEmptyString(username, 'username')],
          [
            'password',
            typeof password === 'string' ? password : nonEmptyString(password, 'password'),
          ],
          ['scope', scopeToString(scope) ?? this.scope],
        ]);
        break;
      case 'client_credentials':
        body = grantBody('client_credentials', [['scope', scopeToString(scope) ?? this.scope]]);
        break;
      default:
        body = grantBody(grant, [['scope', scopeToString(scope)]]);
    }
    appendExtraParams(body, extra, NO_SKIP);
    const context: TokenResponseContext = { grantType: grant, params: callParams, hookContext };
    const token = await this.#requestToken(
      'accessTokenResponse',
      { url: endpoint, params: body, headers, signal, authMethod: this.#tokenAuth },
      context,
    );
    this.#token = token;
    if (grant === 'authorization_code') this.#pending = undefined;
    this.#renewal =
      grant === 'client_credentials'
        ? { url: endpoint, params: body, headers, context }
        : undefined;
    return token;
  }

  /**
   * Refreshes the token (RFC 6749 6). A refresh token that comes back
   * replaces the old one (rotation); when none comes back the old one is
   * kept. The new token is stored, then `updateToken(newToken, {
   * refreshToken: old, accessToken: old })` is awaited.
   *
   * @param url The token endpoint; defaults to `tokenEndpoint`.
   * @throws MissingTokenError when there is no refresh token.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
   * @example const token = await client.refreshToken()
   */
  refreshToken(params?: RefreshTokenParams): Promise<OAuth2Token>;
  refreshToken(url: string | URL | undefined, params?: RefreshTokenParams): Promise<OAuth2Token>;
  async refreshToken(
    first?: string | URL | RefreshTokenParams,
    second?: RefreshTokenParams,
  ): Promise<OAuth2Token> {
    const [url, params] = splitArgs(first, second);
    const { refreshToken, scope, headers, signal, hookContext, ...extra } = params;
    const current = this.#token;
    const used = refreshToken ?? current?.refresh_token;
    if (used === undefined || used === '') {
      throw new MissingTokenError('no refresh token is available', { secrets: this.#secrets() });
    }
    nonEmptyString(used, 'refreshToken');
    const body = grantBody('refresh_token', [
      ['refresh_token', used],
      ['scope', scopeToString(scope)],
    ]);
    appendExtraParams(body, extra, NO_SKIP);
    let token = await this.#requestToken(
      'refreshTokenResponse',
      {
        url: this.#endpoint(url, 'token'),
        params: body,
        headers,
        signal,
        authMethod: this.#tokenAuth,
        requestHook: 'refreshTokenRequest',
      },
      { grantType: 'refresh_token', params: Object.freeze({ ...params }), hookContext },
    );
    if (token.refresh_token === undefined) token = token.with({ refresh_token: used });
    this.#token = token;
    await this.#updateToken?.(token, {
      refreshToken: used,
      accessToken: current?.refresh_token === used ? current.access_token : undefined,
    });
    return token;
  }

  /**
   * Returns a token that is not about to expire: when the current one
   * expires within `leeway` seconds it is refreshed, or — with no refresh
   * token, after a client-credentials `fetchToken` — fetched again with the
   * same grant (then `updateToken(newToken, { accessToken: old })`).
   *
   * Single-flight: any number of concurrent callers cause one token request
   * and share its result or its error; the call after a failure tries
   * again. A `signal` only abandons this caller's wait.
   *
   * With `autoRefresh: false`, or when the token cannot be renewed, a token
   * inside the leeway is still returned and an expired one is refused.
   *
   * @throws MissingTokenError when there is no token, or it has expired and cannot be renewed.
   * @example const token = await client.ensureActiveToken()
   */
  async ensureActiveToken(options: AuthorizeOptions = {}): Promise<OAuth2Token> {
    return this.#activeToken(options.signal);
  }

  /**
   * {@link ensureActiveToken}, but the token itself when it is fresh and no
   * renewal is running (no promise to wait for: `authorize` runs per request).
   * Runs synchronously up to the flight, so concurrent callers either start
   * the flight or join it: never two refreshes.
   */
  #activeToken(signal: AbortSignal | undefined): OAuth2Token | Promise<OAuth2Token> {
    const token = this.#token;
    if (token === undefined) {
      throw new MissingTokenError('no token: call fetchToken first, or pass a token');
    }
    const joined = this.#flight.join(signal);
    if (joined !== undefined) return joined;
    if (!token.isExpired(this.leeway, this.#clock)) return token;
    if (!this.autoRefresh || !this.#canRenew(token)) {
      if (token.isExpired(0, this.#clock)) {
        throw new MissingTokenError(
          this.autoRefresh
            ? 'the token has expired and cannot be renewed (no refresh token)'
            : 'the token has expired (autoRefresh is off)',
          { secrets: this.#secrets() },
        );
      }
      return token;
    }
    return this.#flight.run(() => this.#renew(token), signal);
  }

  /**
   * Revokes a token (RFC 7009): by default the current access token, or its
   * refresh token with `tokenTypeHint: 'refresh_token'`. Authenticates with
   * `revocationEndpointAuthMethod`. The stored token is left as it is.
   *
   * @param url The revocation endpoint; defaults to `metadata.revocation_endpoint`.
   * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
   * @example await client.revokeToken(undefined, undefined, { tokenTypeHint: 'refresh_token' })
   */
  async revokeToken(
    url?: string | URL,
    token?: string | OAuth2Token | OAuth2TokenFields,
    options: TokenOperationOptions = {},
  ): Promise<void> {
    const endpoint = this.#endpoint(url, 'revocation');
    const value = this.#pickToken(token, options.tokenTypeHint);
    const { response, secrets } = await this.#send({
      url: endpoint,
      params: tokenParams(value, options.tokenTypeHint),
      headers: options.headers,
      signal: options.signal,
      authMethod: this.#revocationAuth,
      requestHook: 'revokeTokenRequest',
    });
    processRevocationResponse(response, [...secrets, value]);
  }

  /**
   * Asks the introspection endpoint about a token (RFC 7662): by default
   * the current access token. Authenticates with
   * `introspectionEndpointAuthMethod`.
   *
   * @param url The introspection endpoint; defaults to `metadata.introspection_endpoint`.
   * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
   * @example const { active, scope } = await client.introspectToken()
   */
  async introspectToken(
    url?: string | URL,
    token?: string | OAuth2Token | OAuth2TokenFields,
    options: TokenOperationOptions = {},
  ): Promise<IntrospectionResponse> {
    const endpoint = this.#endpoint(url, 'introspection');
    const value = this.#pickToken(token, options.tokenTypeHint);
    const { response, secrets } = await this.#send({
      url: endpoint,
      params: tokenParams(value, options.tokenTypeHint),
      headers: options.headers,
      signal: options.signal,
      authMethod: this.#introspectionAuth,
      requestHook: 'introspectTokenRequest',
    });
    return processIntrospectionResponse(response, [...secrets, value]);
  }

  /**
   * Puts an active token on a protected-resource request: ensures the
   * token (refreshing first when due), places it per `tokenPlacement`, then
   * runs the `protectedRequest` hooks. The URL must be https (or loopback
   * http with `allowInsecureTransport`).
   *
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
   * @example const request = await client.authorize({ method: 'GET', url, headers: new Headers() })
   */
  async authorize(request: HttpRequest, options: AuthorizeOptions = {}): Promise<HttpRequest> {
    checkSecureTransport(request.url, this.#security);
    // A subclass's own ensureActiveToken is honoured; ours answers without a promise.
    const active =
      this.ensureActiveToken === OAuth2Client.prototype.ensureActiveToken
        ? this.#activeToken(options.signal)
        : this.ensureActiveToken(options);
    const token = active instanceof OAuth2Token ? active : await active;
    assertBearerTokenType(token.token_type);
    let out = placeBearerToken(request, token.access_token, this.tokenPlacement);
    // Hot path: no extra await when no hook is registered, no second URL parse when unchanged.
    if (this.#hooks.has('protectedRequest')) {
      out = await this.#hooks.run('protectedRequest', out);
      this.#hookedWith.set(out, token);
    }
    if (out.url !== request.url) assertSecureTransport(out.url, this.#security);
    return out;
  }

  /**
   * After a 401 with `WWW-Authenticate: Bearer error="invalid_token"`,
   * renews the token once and resolves `true` (send the request again). If
   * the token `request` carried was already replaced by another caller,
   * resolves `true` without renewing. Any other response — including 403
   * `insufficient_scope` — resolves `false`.
   *
   * @param request The request as sent, i.e. as `authorize` returned it: the
   * token it carries tells whether someone renewed since. (Given the request
   * from before `authorize`, it renews; concurrent renewals are still one.)
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
   * @example
   * const sent = await client.authorize(request)
   * let response = await send(sent)
   * if (await client.retry(sent, response)) response = await send(await client.authorize(request))
   */
  retry(
    request: HttpRequest,
    response: Pick<HttpResponse, 'status' | 'headers'>,
    options: AuthorizeOptions = {},
  ): Promise<boolean> {
    // Asked after every response: most are not 401s, and need no async function.
    if (response.status !== 401) return NO_RETRY;
    return this.#retryAfter401(request, response, options);
  }

  async #retryAfter401(
    request: HttpRequest,
    response: Pick<HttpResponse, 'status' | 'headers'>,
    options: AuthorizeOptions,
  ): Promise<boolean> {
    if (bearerChallengeError(response)?.error !== 'invalid_token') return false;
    const current = this.#token;
    if (current === undefined) return false;
    if (this.#replacedSince(request, current)) return true; // someone else already renewed it
    if (!this.autoRefresh || !this.#canRenew(current)) return false;
    await this.#flight.run(() => this.#renew(current), options.signal);
    return true;
  }

  /**
   * The access token `request` carries: the one this client placed when a
   * `protectedRequest` hook returned the request (a hook may put it
   * anywhere), otherwise the one found where RFC 6750 puts it
   * ({@link placedAccessToken}). `undefined` for a request carrying none,
   * such as one not yet authorized. For authenticators built on this client
   * that decide about retries themselves.
   *
   * @example if (client.carriedAccessToken(sent) !== client.token?.access_token) ... // renewed since
   */
  carriedAccessToken(request: HttpRequest): string | undefined {
    return this.#hookedWith.get(request)?.access_token ?? placedAccessToken(request);
  }

  /**
   * `true` when `request` carried a token other than `current`. A request
   * carrying none (the one given to `authorize` rather than the one it
   * returned) cannot tell: `false`, and the caller renews.
   */
  #replacedSince(request: HttpRequest, current: OAuth2Token): boolean {
    const hooked = this.#hookedWith.get(request);
    if (hooked !== undefined) return hooked !== current;
    const sent = placedAccessToken(request);
    return sent !== undefined && sent !== current.access_token;
  }

  #canRenew(token: OAuth2Token): boolean {
    return token.refresh_token !== undefined || this.#renewal !== undefined;
  }

  /** Gets a new token in place of `old`: a refresh, or the client-credentials grant again. */
  async #renew(old: OAuth2Token): Promise<OAuth2Token> {
    if (old.refresh_token !== undefined)
      return this.refreshToken({ refreshToken: old.refresh_token });
    const renewal = this.#renewal;
    if (renewal === undefined) {
      throw new MissingTokenError('the token cannot be renewed (no refresh token)', {
        secrets: this.#secrets(),
      });
    }
    const token = await this.#requestToken(
      'accessTokenResponse',
      {
        url: renewal.url,
        params: renewal.params,
        headers: renewal.headers,
        authMethod: this.#tokenAuth,
      },
      renewal.context,
    );
    this.#token = token;
    await this.#updateToken?.(token, { accessToken: old.access_token });
    return token;
  }

  /** Sends a token request and validates the response (after its hooks, given `context`). */
  async #requestToken(
    hook: 'accessTokenResponse' | 'refreshTokenResponse',
    call: EndpointCall,
    context: TokenResponseContext,
  ): Promise<OAuth2Token> {
    const { response, receivedAt, secrets } = await this.#send(call);
    const fixed = await this.#hooks.run(hook, response, context);
    return processTokenResponse(fixed, { receivedAt, secrets });
  }

  /** Builds, hooks, authenticates and sends an endpoint request. */
  async #send(
    call: EndpointCall,
  ): Promise<{ response: HttpResponse; receivedAt: number; secrets: string[] }> {
    let request = endpointRequest(call.url, call.params, call.headers);
    if (call.requestHook !== undefined) request = await this.#hooks.run(call.requestHook, request);
    const context: ClientAuthContext = {
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      clock: this.#clock,
      tokenEndpoint: this.#tokenEndpoint ?? request.url,
      issuer: this.metadata?.issuer,
    };
    request = await this.#authMethods.resolve(call.authMethod)(request, context);
    assertSecureTransport(request.url, this.#security);
    const secrets = this.#secrets();
    const authorization = request.headers.get('authorization');
    if (authorization !== null) secrets.push(authorization);
    if (isFormContentType(request.headers.get('content-type'))) {
      secrets.push(...secretParamValues(formDecode(request.body ?? '')));
    }
    let response: unknown;
    try {
      response = await this.#transport(
        request,
        call.signal === undefined ? undefined : { signal: call.signal },
      );
    } catch (error) {
      if (OAuthError.isInstance(error)) throw error;
      throw new TransportError('ERR_NETWORK', 'the transport failed', { cause: error, secrets });
    }
    const receivedAt = this.#clock.now();
    if (!isHttpResponse(response)) {
      throw new InvalidResponseError('the transport did not return an HttpResponse', undefined, {
        secrets,
      });
    }
    return { response, receivedAt, secrets };
  }

  /** Parses the implicit grant's callback URL into a token (no request is sent). */
  async #tokenFromFragment(
    authorizationResponse: string | URL | undefined,
    state: string | undefined,
    redirectUri: string | undefined,
    context: TokenResponseContext,
  ): Promise<OAuth2Token> {
    if (authorizationResponse === undefined) {
      throw new InvalidArgumentError(
        'the implicit grant needs authorizationResponse (the callback URL)',
      );
    }
    const params = parseAuthorizationResponse(
      this.#callbackUrl(authorizationResponse, redirectUri ?? this.#pending?.redirectUri),
      {
        state,
        issuer: this.metadata?.issuer,
        issuerRequired: this.metadata?.authorization_response_iss_parameter_supported === true,
        responseMode: 'fragment',
        secrets: this.#secrets(),
      },
    );
    const { state: _state, iss: _iss, ...fields } = params;
    const receivedAt = this.#clock.now();
    const response = await this.#hooks.run(
      'accessTokenResponse',
      {
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        body: JSON.stringify(fields),
      },
      context,
    );
    const token = processTokenResponse(response, { receivedAt, secrets: this.#secrets() });
    this.#token = token;
    this.#pending = undefined;
    this.#renewal = undefined;
    return token;
  }

  #hasFragmentToken(url: string | URL): boolean {
    const text = String(url);
    const hash = text.indexOf('#');
    return hash >= 0 && new URLSearchParams(text.slice(hash + 1)).has('access_token');
  }

  /** The callback URL as an absolute URL (a path like `req.url` is resolved against the redirect URI). */
  #callbackUrl(value: string | URL, redirectUri: string | undefined): URL {
    if (value instanceof URL) return value;
    if (typeof value !== 'string') {
      throw new InvalidArgumentError('authorizationResponse must be a URL string');
    }
    if (URL.canParse(value)) return new URL(value);
    const base = redirectUri ?? this.redirectUri;
    if (base !== undefined && URL.canParse(value, base)) return new URL(value, base);
    return parseUrl(value, 'authorizationResponse');
  }

  /** The endpoint to call: the given URL, or the configured one; always checked for https. */
  #endpoint(url: string | URL | undefined, kind: Endpoint): string {
    let found: unknown = url;
    if (found === undefined) {
      found = kind === 'token' ? this.#tokenEndpoint : this.#metadataEndpoint(kind);
    }
    if (found === undefined) {
      throw new InvalidArgumentError(
        `no ${kind} endpoint: pass a URL or set ${ENDPOINT_SOURCES[kind]}`,
      );
    }
    if (typeof found !== 'string' && !(found instanceof URL)) {
      throw new InvalidArgumentError(`the ${kind} endpoint must be a URL`);
    }
    return assertSecureTransport(found, this.#security).href;
  }

  /**
   * An endpoint from the metadata: its `mtls_endpoint_aliases` entry when
   * the client uses mutual TLS there and the server gives one, otherwise the
   * conventional member (RFC 8705 5).
   */
  #metadataEndpoint(kind: Endpoint): unknown {
    const member = `${kind}_endpoint`;
    if (kind !== 'authorization' && this.#mtlsAliased.has(kind)) {
      const alias = mtlsEndpointAlias(this.metadata, member);
      if (alias !== undefined) return alias;
    }
    return this.metadata?.[member];
  }

  /** The token string to revoke or introspect. */
  #pickToken(
    token: string | OAuth2Token | OAuth2TokenFields | undefined,
    hint: TokenTypeHint | undefined,
  ): string {
    if (typeof token === 'string') return token;
    const source = token ?? this.#token;
    const value = hint === 'refresh_token' ? source?.refresh_token : source?.access_token;
    if (typeof value !== 'string' || value.length === 0) {
      throw new MissingTokenError(
        `no ${hint === 'refresh_token' ? 'refresh' : 'access'} token to send`,
      );
    }
    return value;
  }

  /** Every secret the client holds, for error redaction. */
  #secrets(extra?: OAuth2Token | OAuth2TokenFields | undefined): string[] {
    const out: string[] = [];
    if (this.#clientSecret !== undefined) out.push(this.#clientSecret);
    for (const token of [this.#token, extra]) {
      if (token === undefined || token === null || typeof token !== 'object') continue;
      for (const name of ['access_token', 'refresh_token', 'id_token']) {
        const value = (token as Record<string, unknown>)[name];
        if (typeof value === 'string') out.push(value);
      }
    }
    const verifier = this.#pending?.codeVerifier;
    if (verifier !== undefined) out.push(verifier);
    return out;
  }
}
