import {
  assertSecureTransport,
  generateToken,
  type HttpRequest,
  type HttpResponse,
  InvalidArgumentError,
  type OAuth2Token,
  OAuthError,
  type Transport,
  TransportError,
} from '@x/core';
import {
  type AuthorizationUrl,
  type ComplianceHook,
  ComplianceHookRegistry,
  type ComplianceHookType,
  type CreateAuthorizationUrlOptions,
  type FetchTokenParams,
  OAuth2Client,
  type OAuth2ClientOptions,
  type RefreshTokenParams,
  scopeToString,
  splitArgs,
  type TokenResponseContext,
} from '@x/oauth2';
import { isSymmetric } from './algorithms.js';
import {
  type AuthenticationResponse,
  processAuthenticationResponse,
} from './authentication-response.js';
import { discover, type OpenIDProviderMetadata, type WellKnown } from './discovery.js';
import { type EndSessionParams, endSessionUrl } from './end-session.js';
import { IdTokenError } from './errors.js';
import {
  type IdTokenClaims,
  idTokenClaims,
  type ValidateIdTokenOptions,
  validateIdToken,
  validateIdTokenWith,
} from './id-token.js';
import { type KeySet, RemoteKeySet } from './jwks.js';
import { assertExpectedAlg } from './jws.js';
import { validateRefreshedIdToken } from './refresh.js';
import { processUserinfoResponse, type UserinfoClaims } from './userinfo.js';

/** Options of `new OIDCClient(...)`: those of `OAuth2Client`, plus the OpenID Connect ones. */
export interface OIDCClientOptions extends OAuth2ClientOptions {
  /** The provider's metadata (from {@link discover}, or cached): `issuer` is required. */
  metadata: OpenIDProviderMetadata;
  /**
   * The client's registered `id_token_signed_response_alg`: the only
   * algorithm accepted. HS256/384/512 use the client secret.
   * @defaultValue 'RS256'
   */
  idTokenSignedResponseAlg?: string | undefined;
  /** The client's registered `userinfo_signed_response_alg`; unset: userinfo is JSON. */
  userinfoSignedResponseAlg?: string | undefined;
  /**
   * The provider's keys. Defaults to a {@link RemoteKeySet} on
   * `metadata.jwks_uri`, shared by every client built from the same metadata
   * object and transport.
   */
  keys?: KeySet | undefined;
  /** Seconds of clock skew allowed in id_token time checks. @defaultValue 30 */
  clockTolerance?: number | undefined;
  /** A `max_age` (seconds) for every authentication request; `auth_time` is then checked. */
  maxAge?: number | undefined;
  /** Require `auth_time` in every id_token (the client registered `require_auth_time`). */
  requireAuthTime?: boolean | undefined;
  /** Longer id_tokens are refused before decoding. @defaultValue 32768 */
  maxTokenLength?: number | undefined;
}

/** Options of `OIDCClient.discover`: the client options without `metadata`. */
export interface OIDCDiscoverOptions extends Omit<OIDCClientOptions, 'metadata'> {
  /** Cancels the discovery request. */
  signal?: AbortSignal | undefined;
  /** The well-known document to read (default: OpenID Connect, then RFC 8414). */
  wellKnown?: WellKnown | undefined;
}

/** Parameters of `OIDCClient.createAuthorizationUrl`. */
export interface OIDCAuthorizationUrlOptions extends CreateAuthorizationUrlOptions {
  /** `max_age` in seconds: the user must have authenticated this recently. */
  maxAge?: number | undefined;
}

/** What `OIDCClient.createAuthorizationUrl` returns: store all of it until the callback. */
export interface OIDCAuthorizationUrl extends AuthorizationUrl {
  /** The `nonce` sent (generated unless given): pass it to `fetchToken` on the callback. */
  nonce: string;
  /** The `max_age` sent, if any: pass it to `fetchToken` too. */
  maxAge?: number | undefined;
}

/** Parameters of `OIDCClient.fetchToken`: those of `OAuth2Client.fetchToken`, plus the id_token expectations. */
export interface OIDCFetchTokenParams extends FetchTokenParams {
  /** The nonce you stored; defaults to the one from this client's last `createAuthorizationUrl`. */
  nonce?: string | undefined;
  /** The `max_age` you sent; defaults to the last one (or the client's). */
  maxAge?: number | undefined;
  /** The `response_type` you sent, for implicit and hybrid responses; defaults to the last one. */
  responseType?: string | undefined;
}

/** Options of `OIDCClient.userinfo`. */
export interface UserinfoCallOptions {
  /** The `sub` the response must have; defaults to the current id_token's. */
  expectedSubject?: string | undefined;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/** Parameters of `OIDCClient.endSessionUrl`. */
export interface OIDCEndSessionParams extends Omit<EndSessionParams, 'clientId' | 'idTokenHint'> {
  /** Defaults to the current token's id_token. Pass `null` to send none. */
  idTokenHint?: string | null | undefined;
}

/** What a token response is validated against. */
interface Expectation {
  /** `code`: an authentication response's token (id_token required); `refresh`; `other` grants. */
  kind: 'code' | 'refresh' | 'other';
  nonce?: string | undefined;
  maxAge?: number | undefined;
  /** Hybrid flow: the authorization endpoint's id_token claims (same `sub` required). */
  frontChannel?: IdTokenClaims | undefined;
  /** Refresh: the token being refreshed, when it is the current one. */
  previous?: OAuth2Token | undefined;
  /** Implicit flow: the fragment's id_token, already validated with the authentication response. */
  prevalidated?: string | undefined;
}

/**
 * The `hookContext` `OIDCClient` passes to `OAuth2Client` for one token
 * request: that call's expectations, and the caller's own parameters and
 * `hookContext` (what the user's hooks see).
 */
class CallContext {
  constructor(
    readonly expectation: Expectation,
    readonly params: Readonly<OIDCFetchTokenParams> | Readonly<RefreshTokenParams>,
  ) {}
}

interface PendingAuthentication {
  state: string;
  nonce: string;
  maxAge: number | undefined;
  responseType: string;
}

const TOKEN_RESPONSE_HOOKS: ReadonlySet<ComplianceHookType> = new Set([
  'accessTokenResponse',
  'refreshTokenResponse',
]);

/** Key sets shared by clients built from the same metadata object, transport and policy. */
const sharedKeySets = new WeakMap<object, WeakMap<Transport, Map<boolean, RemoteKeySet>>>();

function sharedKeySet(
  metadata: OpenIDProviderMetadata,
  transport: Transport,
  allowInsecureTransport: boolean,
): RemoteKeySet {
  let byTransport = sharedKeySets.get(metadata);
  if (byTransport === undefined) {
    byTransport = new WeakMap();
    sharedKeySets.set(metadata, byTransport);
  }
  let byPolicy = byTransport.get(transport);
  if (byPolicy === undefined) {
    byPolicy = new Map();
    byTransport.set(transport, byPolicy);
  }
  let keys = byPolicy.get(allowInsecureTransport);
  if (keys === undefined) {
    if (typeof metadata.jwks_uri !== 'string') {
      throw new InvalidArgumentError('metadata.jwks_uri is required (or pass keys)');
    }
    keys = new RemoteKeySet(metadata.jwks_uri, { transport, allowInsecureTransport });
    byPolicy.set(allowInsecureTransport, keys);
  }
  return keys;
}

/** The parameters of a callback URL's query and fragment. */
function callbackParams(url: string | URL): URLSearchParams {
  const text = String(url);
  const hash = text.indexOf('#');
  const query = text.indexOf('?');
  const params = new URLSearchParams(hash >= 0 ? text.slice(hash + 1) : '');
  if (query >= 0) {
    for (const [k, v] of new URLSearchParams(text.slice(query + 1, hash >= 0 ? hash : undefined))) {
      params.append(k, v);
    }
  }
  return params;
}

/**
 * The callback URL with `iss` in its fragment when absent: the validated
 * id_token's `iss` identifies the issuer (RFC 9207 2.4), which
 * `OAuth2Client` otherwise requires as a parameter when the provider
 * advertises `authorization_response_iss_parameter_supported`.
 */
function withIssuer(callback: string | URL, issuer: string, base: string | undefined): URL {
  const url =
    typeof callback === 'string' && !URL.canParse(callback) && base !== undefined
      ? new URL(callback, base)
      : new URL(callback);
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (!fragment.has('iss')) fragment.set('iss', issuer);
  url.hash = fragment.toString();
  return url;
}

function withOpenid(scope: string | undefined): string {
  const scopes = (scope ?? '').split(' ').filter((s) => s !== '');
  return scopes.includes('openid') ? scopes.join(' ') : ['openid', ...scopes].join(' ');
}

function nonNegativeNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative number of seconds`);
  }
  return value;
}

/**
 * An OpenID Connect relying party: `OAuth2Client` plus id_token handling.
 *
 * - `createAuthorizationUrl` adds the `openid` scope and a generated `nonce`
 *   (and `max_age` when asked), and returns the nonce to store with `state`
 *   and `codeVerifier`.
 * - `fetchToken` validates the id_token (OIDC Core 3.1.3.7 in full, see
 *   `validateIdToken`) **before** the token is stored or returned — in the
 *   code flow, and in implicit and hybrid responses (`c_hash`, `at_hash`).
 *   `client.claims` then holds its claims; the token is the same
 *   `OAuth2Token`, so it still round-trips through JSON.
 * - `refreshToken` (and automatic refresh) validates an id_token in the
 *   response and requires the same `iss`, `sub`, `aud` (OIDC Core 12.2); when
 *   none comes back the previous id_token is kept.
 * - `userinfo()`, with the `sub` check; `endSessionUrl()` for logout.
 *
 * Validation runs on the token response after your compliance hooks, so
 * provider fixes apply first.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 * @example
 * import { fetchTransport } from '@x/fetch-client'
 * import { OIDCClient } from '@x/oidc'
 *
 * const client = await OIDCClient.discover('https://accounts.example.com', {
 *   clientId: 'app', clientSecret: process.env.CLIENT_SECRET,
 *   redirectUri: 'https://app.example.com/callback', transport: fetchTransport(),
 * })
 * const { url, state, codeVerifier, nonce } = await client.createAuthorizationUrl({ scope: 'email' })
 * // ...redirect; on the callback:
 * await client.fetchToken({ authorizationResponse: callbackUrl, state, codeVerifier, nonce })
 * client.claims?.sub // the user
 */
export class OIDCClient extends OAuth2Client {
  /** The provider's metadata. */
  declare readonly metadata: OpenIDProviderMetadata;
  /** The provider's issuer identifier: every id_token's `iss`. */
  readonly issuer: string;
  /** The only algorithm accepted for id_tokens. */
  readonly idTokenSignedResponseAlg: string;
  /** The algorithm of signed userinfo responses, or `undefined` (JSON). */
  readonly userinfoSignedResponseAlg: string | undefined;
  /** Seconds of clock skew allowed in id_token time checks. */
  readonly clockTolerance: number;
  /** The default `max_age`, in seconds. */
  readonly maxAge: number | undefined;
  /** The provider's keys, or `undefined` for HS* id_tokens. */
  readonly keys: KeySet | undefined;

  readonly #transport: Transport;
  readonly #clientSecret: string | undefined;
  readonly #allowInsecureTransport: boolean;
  readonly #requireAuthTime: boolean;
  readonly #maxTokenLength: number | undefined;
  readonly #responseHooks = new ComplianceHookRegistry();
  #pending: PendingAuthentication | undefined;
  #claimsCache: { idToken: string; claims: IdTokenClaims } | undefined;

  constructor(options: OIDCClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('OIDCClient needs an options object');
    }
    const metadata = options.metadata;
    if (typeof metadata !== 'object' || metadata === null || typeof metadata.issuer !== 'string') {
      throw new InvalidArgumentError(
        'OIDCClient needs metadata with an issuer (use OIDCClient.discover or discover())',
      );
    }
    super(options);
    const inner = options.transport;
    this.#transport = inner;
    this.issuer = metadata.issuer;
    this.#clientSecret = options.clientSecret;
    this.#allowInsecureTransport = options.allowInsecureTransport === true;
    this.idTokenSignedResponseAlg = assertExpectedAlg(
      options.idTokenSignedResponseAlg ?? 'RS256',
      'idTokenSignedResponseAlg',
    );
    this.userinfoSignedResponseAlg =
      options.userinfoSignedResponseAlg === undefined
        ? undefined
        : assertExpectedAlg(options.userinfoSignedResponseAlg, 'userinfoSignedResponseAlg');
    for (const alg of [this.idTokenSignedResponseAlg, this.userinfoSignedResponseAlg]) {
      if (alg !== undefined && isSymmetric(alg) && this.#clientSecret === undefined) {
        throw new InvalidArgumentError(`${alg} is keyed by the client secret: set clientSecret`);
      }
    }
    this.clockTolerance = nonNegativeNumber(options.clockTolerance, 'clockTolerance') ?? 30;
    this.maxAge = nonNegativeNumber(options.maxAge, 'maxAge');
    this.#maxTokenLength = nonNegativeNumber(options.maxTokenLength, 'maxTokenLength');
    this.#requireAuthTime = options.requireAuthTime === true;
    const needsKeys = [this.idTokenSignedResponseAlg, this.userinfoSignedResponseAlg].some(
      (alg) => alg !== undefined && !isSymmetric(alg),
    );
    this.keys =
      options.keys ??
      (needsKeys ? sharedKeySet(metadata, inner, this.#allowInsecureTransport) : undefined);
    if (needsKeys && (typeof this.keys !== 'object' || typeof this.keys?.keysFor !== 'function')) {
      throw new InvalidArgumentError('keys must be a KeySet');
    }
    for (const type of TOKEN_RESPONSE_HOOKS) {
      super.registerComplianceHook(type as 'accessTokenResponse', (response, context) =>
        this.#onTokenResponse(type, response, context),
      );
    }
  }

  /**
   * Discovers the provider's metadata (see {@link discover}) and builds a client on it.
   * For many clients of one provider, call `discover` once and pass `metadata`.
   *
   * @example
   * const client = await OIDCClient.discover('https://accounts.example.com', { clientId, transport })
   */
  static async discover(issuer: string, options: OIDCDiscoverOptions): Promise<OIDCClient> {
    const { signal, wellKnown, ...clientOptions } = options;
    const metadata = await discover(issuer, {
      transport: options.transport,
      allowInsecureTransport: options.allowInsecureTransport,
      signal,
      wellKnown,
    });
    return new OIDCClient({ ...clientOptions, metadata });
  }

  /**
   * The claims of the current token's id_token, validated when the token was
   * received (decoded as is for a token you set yourself); `undefined`
   * without an id_token.
   */
  get claims(): IdTokenClaims | undefined {
    const idToken = this.token?.id_token;
    if (idToken === undefined) return undefined;
    if (this.#claimsCache?.idToken === idToken) return this.#claimsCache.claims;
    const claims = idTokenClaims(idToken);
    if (claims !== undefined) this.#claimsCache = { idToken, claims };
    return claims;
  }

  /**
   * Response hooks of the token endpoint run before the id_token is
   * validated, with the call's context (`params` and `hookContext` are those
   * you passed to `fetchToken` / `refreshToken`); other hooks are
   * `OAuth2Client`'s.
   */
  override registerComplianceHook<T extends ComplianceHookType>(
    type: T,
    hook: ComplianceHook<T>,
  ): void {
    if (TOKEN_RESPONSE_HOOKS.has(type)) this.#responseHooks.register(type, hook);
    else super.registerComplianceHook(type, hook);
  }

  /**
   * Builds the authentication request URL: `OAuth2Client`'s (state, PKCE)
   * plus the `openid` scope, a `nonce` (43 CSPRNG characters unless given)
   * and `max_age` when set. Store `state`, `codeVerifier` and `nonce` for the
   * callback (the client also remembers them for its next `fetchToken`).
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
   * @example
   * const { url, state, codeVerifier, nonce } = await client.createAuthorizationUrl({ scope: ['email'] })
   */
  override createAuthorizationUrl(
    options?: OIDCAuthorizationUrlOptions,
  ): Promise<OIDCAuthorizationUrl>;
  override createAuthorizationUrl(
    url: string | URL | undefined,
    options?: OIDCAuthorizationUrlOptions,
  ): Promise<OIDCAuthorizationUrl>;
  override async createAuthorizationUrl(
    first?: string | URL | OIDCAuthorizationUrlOptions,
    second?: OIDCAuthorizationUrlOptions,
  ): Promise<OIDCAuthorizationUrl> {
    const [url, options] = splitArgs<OIDCAuthorizationUrlOptions>(first, second);
    const { maxAge, nonce, scope, ...rest } = options;
    if (rest.max_age !== undefined) {
      throw new InvalidArgumentError('set max_age through the maxAge option');
    }
    const sentNonce = nonce ?? generateToken(43);
    if (typeof sentNonce !== 'string' || sentNonce === '') {
      throw new InvalidArgumentError('nonce must be a non-empty string');
    }
    const sentMaxAge = nonNegativeNumber(maxAge, 'maxAge') ?? this.maxAge;
    const result = await super.createAuthorizationUrl(url, {
      ...rest,
      scope: withOpenid(scopeToString(scope) ?? this.scope),
      nonce: sentNonce,
      ...(sentMaxAge === undefined ? {} : { max_age: sentMaxAge }),
    });
    this.#pending = {
      state: result.state,
      nonce: sentNonce,
      maxAge: sentMaxAge,
      responseType: rest.responseType ?? 'code',
    };
    return {
      ...result,
      nonce: sentNonce,
      ...(sentMaxAge === undefined ? {} : { maxAge: sentMaxAge }),
    };
  }

  /**
   * Obtains a token like `OAuth2Client.fetchToken`, validating the id_token
   * before the token is stored or returned:
   *
   * - code flow: the token response must carry an id_token; it is validated
   *   with the `nonce` (and `maxAge`) sent, and `at_hash` when present;
   * - hybrid flow (`code id_token[ token]` in the callback fragment): the
   *   front-channel id_token is validated first (`c_hash` required), then the
   *   code is exchanged and the token endpoint's id_token must have the same `sub`;
   * - implicit flow (`id_token token`): the id_token is validated (`at_hash`
   *   required) and the token taken from the fragment.
   *
   * Other grants (password, client credentials, ...) validate an id_token
   * when one comes back. Use `processAuthenticationResponse` for
   * `response_type=id_token`, which yields no token.
   *
   * @throws IdTokenError (`ERR_ID_TOKEN_*`), and everything `OAuth2Client.fetchToken` throws.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#TokenResponseValidation
   * @example
   * await client.fetchToken({ authorizationResponse: req.url, state, codeVerifier, nonce })
   */
  override fetchToken(params?: OIDCFetchTokenParams): Promise<OAuth2Token>;
  override fetchToken(
    url: string | URL | undefined,
    params?: OIDCFetchTokenParams,
  ): Promise<OAuth2Token>;
  override async fetchToken(
    first?: string | URL | OIDCFetchTokenParams,
    second?: OIDCFetchTokenParams,
  ): Promise<OAuth2Token> {
    const [url, params] = splitArgs<OIDCFetchTokenParams>(first, second);
    const { nonce, maxAge, responseType, hookContext: _hookContext, ...rest } = params;
    const callParams: Readonly<OIDCFetchTokenParams> = Object.freeze({ ...params });
    const pending = this.#pending;
    const expectedNonce = nonce ?? pending?.nonce;
    const expectedMaxAge = nonNegativeNumber(maxAge, 'maxAge') ?? pending?.maxAge ?? this.maxAge;
    const type = responseType ?? pending?.responseType;
    const callback = rest.authorizationResponse;
    let token: OAuth2Token;
    if (
      callback !== undefined &&
      (type?.split(' ').includes('id_token') === true || callbackParams(callback).has('id_token'))
    ) {
      if (expectedNonce === undefined) {
        throw new InvalidArgumentError(
          'pass the nonce you stored: implicit and hybrid responses need it',
        );
      }
      const auth = await this.processAuthenticationResponse(callback, {
        state: rest.state,
        nonce: expectedNonce,
        maxAge: expectedMaxAge,
        responseType: type,
        redirectUri: rest.redirectUri,
        signal: rest.signal,
      });
      if (auth.code !== undefined) {
        const {
          authorizationResponse: _callback,
          state: _state,
          grantType: _grant,
          ...exchange
        } = rest;
        token = await super.fetchToken(url, {
          ...exchange,
          code: auth.code,
          grantType: 'authorization_code',
          hookContext: new CallContext(
            {
              kind: 'code',
              nonce: expectedNonce,
              maxAge: expectedMaxAge,
              frontChannel: auth.claims,
            },
            callParams,
          ),
        });
      } else if (auth.accessToken !== undefined) {
        token = await super.fetchToken(url, {
          ...rest,
          authorizationResponse: withIssuer(
            callback,
            this.issuer,
            rest.redirectUri ?? this.redirectUri,
          ),
          grantType: 'implicit',
          hookContext: new CallContext({ kind: 'other', prevalidated: auth.idToken }, callParams),
        });
        this.#remember(auth.idToken, auth.claims);
      } else {
        throw new InvalidArgumentError(
          'this response has an id_token and no token: use processAuthenticationResponse',
        );
      }
    } else {
      const grant =
        rest.grantType ??
        (callback !== undefined || rest.code !== undefined ? 'authorization_code' : undefined);
      const expectation: Expectation =
        grant === 'authorization_code'
          ? { kind: 'code', nonce: expectedNonce, maxAge: expectedMaxAge }
          : { kind: 'other' };
      token = await super.fetchToken(url, {
        ...rest,
        hookContext: new CallContext(expectation, callParams),
      });
    }
    if (callback !== undefined || rest.code !== undefined) this.#pending = undefined;
    return token;
  }

  /**
   * Refreshes the token like `OAuth2Client.refreshToken`. An id_token in the
   * response is validated and must keep the original's `iss`, `sub`, `aud`,
   * `azp` and `auth_time` (OIDC Core 12.2) before the token is stored; when
   * the response has none, the previous id_token is carried over (as the
   * refresh token is). The original is the current token's id_token, when the
   * refresh token used is the current token's; otherwise the new id_token is
   * validated on its own.
   *
   * @throws IdTokenError (`ERR_ID_TOKEN_REFRESH`, ...), and everything `OAuth2Client.refreshToken` throws.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
   * @example const token = await client.refreshToken()
   */
  override refreshToken(params?: RefreshTokenParams): Promise<OAuth2Token>;
  override refreshToken(
    url: string | URL | undefined,
    params?: RefreshTokenParams,
  ): Promise<OAuth2Token>;
  override async refreshToken(
    first?: string | URL | RefreshTokenParams,
    second?: RefreshTokenParams,
  ): Promise<OAuth2Token> {
    const [url, params] = splitArgs<RefreshTokenParams>(first, second);
    const current = this.token;
    const used = params.refreshToken ?? current?.refresh_token;
    const previous =
      current !== undefined && current.refresh_token === used && current.id_token !== undefined
        ? current
        : undefined;
    return super.refreshToken(url, {
      ...params,
      hookContext: new CallContext({ kind: 'refresh', previous }, Object.freeze({ ...params })),
    });
  }

  /**
   * Validates an authentication response carrying an id_token from the
   * authorization endpoint (implicit or hybrid flow; `response_type=id_token`
   * included) without exchanging anything. `state`, `nonce`, `maxAge` and
   * `responseType` default to those of the last `createAuthorizationUrl`.
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#ImplicitAuthResponse
   * @example
   * const { claims } = await client.processAuthenticationResponse(callbackUrl, { state, nonce })
   */
  async processAuthenticationResponse(
    authorizationResponse: string | URL,
    options: {
      state?: string | undefined;
      nonce?: string | undefined;
      maxAge?: number | undefined;
      responseType?: string | undefined;
      redirectUri?: string | undefined;
      signal?: AbortSignal | undefined;
    } = {},
  ): Promise<AuthenticationResponse> {
    const pending = this.#pending;
    const nonce = options.nonce ?? pending?.nonce;
    if (nonce === undefined) throw new InvalidArgumentError('pass the nonce you stored');
    let url: string | URL = authorizationResponse;
    if (typeof url === 'string' && !URL.canParse(url)) {
      const base = options.redirectUri ?? this.redirectUri;
      if (base === undefined || !URL.canParse(url, base)) {
        throw new InvalidArgumentError('authorizationResponse must be an absolute URL');
      }
      url = new URL(url, base);
    }
    return processAuthenticationResponse(url, {
      ...this.#validationOptions(options.signal),
      state: options.state ?? pending?.state,
      nonce,
      maxAge: options.maxAge ?? pending?.maxAge ?? this.maxAge,
      responseType: options.responseType ?? pending?.responseType,
      issuerRequired: this.metadata.authorization_response_iss_parameter_supported === true,
    });
  }

  /**
   * Validates an id_token with this client's settings (issuer, client id,
   * algorithm, keys, clock tolerance). `fetchToken` and `refreshToken` do it
   * for you; this is for id_tokens obtained elsewhere.
   *
   * @example const claims = await client.validateIdToken(idToken, { nonce })
   */
  validateIdToken(
    idToken: string,
    options: Partial<ValidateIdTokenOptions> = {},
  ): Promise<IdTokenClaims> {
    return validateIdToken(idToken, { ...this.#validationOptions(options.signal), ...options });
  }

  /**
   * Fetches the user's claims from the userinfo endpoint with the current
   * access token (refreshed first when due, retried once after a 401
   * `invalid_token`), and checks that its `sub` is the id_token's.
   *
   * @throws OAuthError `ERR_USERINFO_SUB` when the response is about another
   * user; MissingTokenError without a token; OAuth2ResponseError for a
   * Bearer error; InvalidResponseError for an unusable response.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
   * @example const { sub, email } = await client.userinfo()
   */
  async userinfo(options: UserinfoCallOptions = {}): Promise<UserinfoClaims> {
    const endpoint = this.metadata.userinfo_endpoint;
    if (typeof endpoint !== 'string') {
      throw new InvalidArgumentError('the provider has no userinfo_endpoint');
    }
    assertSecureTransport(endpoint, { allowInsecureTransport: this.#allowInsecureTransport });
    const expectedSubject = options.expectedSubject ?? this.claims?.sub;
    if (typeof expectedSubject !== 'string') {
      throw new InvalidArgumentError(
        'no id_token sub to check the userinfo response against: pass expectedSubject',
      );
    }
    const request: HttpRequest = {
      method: 'GET',
      url: endpoint,
      headers: new Headers({ accept: 'application/json, application/jwt' }),
    };
    const authorizeOptions = { signal: options.signal };
    let sent = await this.authorize(request, authorizeOptions);
    let response = await this.#send(sent, options.signal);
    if (response.status === 401 && (await this.retry(sent, response, authorizeOptions))) {
      sent = await this.authorize(request, authorizeOptions);
      response = await this.#send(sent, options.signal);
    }
    return processUserinfoResponse(response, {
      expectedSubject,
      signedResponseAlg: this.userinfoSignedResponseAlg,
      issuer: this.issuer,
      clientId: this.clientId,
      keys: this.keys,
      clientSecret: this.#clientSecret,
      clockTolerance: this.clockTolerance,
      signal: options.signal,
      secrets: [this.token?.access_token, this.#clientSecret],
    });
  }

  /**
   * The logout URL (RP-Initiated Logout) on `metadata.end_session_endpoint`:
   * `id_token_hint` is the current token's id_token unless given (or `null`),
   * `client_id` is always sent.
   *
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
   * @example
   * res.redirect(client.endSessionUrl({ postLogoutRedirectUri: 'https://app.example.com/', state }))
   */
  endSessionUrl(params: OIDCEndSessionParams = {}): string {
    const endpoint = this.metadata.end_session_endpoint;
    if (typeof endpoint !== 'string') {
      throw new InvalidArgumentError('the provider has no end_session_endpoint');
    }
    const { idTokenHint, ...rest } = params;
    return endSessionUrl(
      endpoint,
      {
        ...rest,
        idTokenHint: idTokenHint === null ? undefined : (idTokenHint ?? this.token?.id_token),
        clientId: this.clientId,
      },
      { allowInsecureTransport: this.#allowInsecureTransport },
    );
  }

  /** The validation settings of this client. */
  #validationOptions(signal: AbortSignal | undefined): ValidateIdTokenOptions {
    return {
      issuer: this.issuer,
      clientId: this.clientId,
      keys: this.keys,
      clientSecret: this.#clientSecret,
      expectedAlg: this.idTokenSignedResponseAlg,
      clockTolerance: this.clockTolerance,
      requireAuthTime: this.#requireAuthTime,
      maxTokenLength: this.#maxTokenLength,
      signal,
    };
  }

  #remember(idToken: string, claims: IdTokenClaims): void {
    this.#claimsCache = { idToken, claims };
  }

  /**
   * The token-response hook: the user's hooks, then the id_token checks. The
   * call's expectations come in `context.hookContext`, which `fetchToken` /
   * `refreshToken` set; the user's hooks get the caller's own parameters and
   * `hookContext` instead.
   */
  async #onTokenResponse(
    type: ComplianceHookType,
    response: HttpResponse,
    context: TokenResponseContext,
  ): Promise<HttpResponse> {
    const call = context.hookContext instanceof CallContext ? context.hookContext : undefined;
    const expectation: Expectation = call?.expectation ?? { kind: 'other' };
    const fixed = await this.#responseHooks.run(
      type as 'accessTokenResponse',
      response,
      call === undefined
        ? context
        : { ...context, params: call.params, hookContext: call.params.hookContext },
    );
    if (fixed.status < 200 || fixed.status > 299) return fixed;
    let body: unknown;
    try {
      body = JSON.parse(fixed.body);
    } catch {
      return fixed; // OAuth2Client reports it
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return fixed;
    const fields = body as Record<string, unknown>;
    if (fields.error !== undefined || typeof fields.access_token !== 'string') return fixed;
    const idToken = fields.id_token;
    if (idToken === undefined || idToken === null) {
      if (expectation.kind === 'code') {
        throw new IdTokenError(
          'ERR_ID_TOKEN_MISSING',
          'missing',
          'the token response has no id_token (OIDC Core 3.1.3.3); is openid in the scope?',
          { secrets: [fields.access_token, this.#clientSecret] },
        );
      }
      const carried = expectation.previous?.id_token;
      if (expectation.kind === 'refresh' && carried !== undefined) {
        return { ...fixed, body: JSON.stringify({ ...fields, id_token: carried }) };
      }
      return fixed;
    }
    if (typeof idToken !== 'string' || idToken === expectation.prevalidated) return fixed;
    const options: ValidateIdTokenOptions = {
      ...this.#validationOptions(undefined),
      accessToken: fields.access_token,
    };
    let claims: IdTokenClaims;
    if (expectation.kind === 'refresh') {
      const original = idTokenClaims(expectation.previous?.id_token);
      claims =
        original === undefined
          ? await validateIdTokenWith(idToken, options, 'ignore')
          : await validateRefreshedIdToken(idToken, original, options);
    } else if (expectation.kind === 'code') {
      claims = await validateIdToken(idToken, {
        ...options,
        nonce: expectation.nonce,
        maxAge: expectation.maxAge,
      });
      const front = expectation.frontChannel;
      if (front !== undefined && front.sub !== claims.sub) {
        throw new IdTokenError(
          'ERR_ID_TOKEN_SUB',
          'sub-mismatch',
          'the token endpoint id_token is about another sub than the authorization endpoint one (OIDC Core 3.3.3.6)',
          { secrets: [idToken] },
        );
      }
    } else {
      claims = await validateIdTokenWith(idToken, options, 'exact');
    }
    this.#remember(idToken, claims);
    return fixed;
  }

  /** Sends a protected request through the client's transport. */
  async #send(request: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    try {
      return await this.#transport(request, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (OAuthError.isInstance(error)) throw error;
      throw new TransportError('ERR_NETWORK', 'the transport failed', {
        cause: error,
        secrets: [this.token?.access_token],
      });
    }
  }
}
