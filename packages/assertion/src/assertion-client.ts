import {
  type Authenticator,
  type AuthorizeOptions,
  bearerChallengeError,
  type Clock,
  checkSecureTransport,
  type HttpRequest,
  type HttpResponse,
  InvalidArgumentError,
  NO_RETRY,
  type OAuth2Token,
  type OAuth2TokenFields,
  systemClock,
  type Transport,
  type TransportSecurityOptions,
} from '@x/core';
import {
  type ClientAuthFunction,
  type ClientAuthMethodInit,
  type ComplianceHook,
  type ComplianceHookType,
  OAuth2Client,
  type Scope,
  SingleFlight,
  scopeToString,
  type UpdateToken,
} from '@x/oauth2';
import {
  assertExtraClaims,
  assertExtraHeaders,
  assertLifetime,
  assertSigningAlgorithm,
  importSigningKey,
  JWT_BEARER_GRANT_TYPE,
  type SigningAlgorithm,
  type SigningKey,
  signAssertion,
} from '@x/rfc7523';

/** Options of {@link AssertionClient}. */
export interface AssertionClientOptions extends TransportSecurityOptions {
  /** The token endpoint the assertions are exchanged at. */
  tokenEndpoint: string;
  /** `iss` of the assertions (a service account's email, a client id). */
  issuer: string;
  /** `sub`: the user to act for. Omitted when absent (the issuer acts for itself). */
  subject?: string | undefined;
  /** `aud` of the assertions. @defaultValue the token endpoint */
  audience?: string | undefined;
  /** More assertion claims (Google service accounts put `scope` here). */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** More JOSE header parameters. May not set `alg`. */
  headers?: Readonly<Record<string, unknown>> | undefined;
  /** The `scope` request parameter (RFC 7523 2.1). */
  scope?: Scope | undefined;
  /** The signing key: PEM, JWK, CryptoKey, or an HMAC secret for HS*. */
  key: SigningKey;
  /** @defaultValue 'RS256' */
  alg?: SigningAlgorithm | undefined;
  /** `kid` header; defaults to the JWK's `kid`. */
  kid?: string | undefined;
  /** Fetch a new token this many seconds before the current one expires. @defaultValue 60 */
  leeway?: number | undefined;
  /** Lifetime of each assertion in seconds. @defaultValue 60 */
  expiresIn?: number | undefined;
  /**
   * A client id, for servers that also want the client identified or
   * authenticated at the token endpoint (RFC 7523 2.1 allows both).
   */
  clientId?: string | undefined;
  /** The client secret (or private key PEM, for `PrivateKeyJWT`), when client authentication needs one. */
  clientSecret?: string | undefined;
  /**
   * Client authentication at the token endpoint: any `OAuth2Client` method
   * (`client_secret_basic`, `new PrivateKeyJWT()`, ...). Default: `none`
   * (only `client_id` in the body) when `clientId` is set, otherwise no client
   * authentication at all — the assertion alone, as Google expects.
   */
  tokenEndpointAuthMethod?: ClientAuthMethodInit | undefined;
  /** A token to start with (e.g. one you stored); plain fields are rehydrated. */
  token?: OAuth2Token | OAuth2TokenFields | undefined;
  /** Called with every new token (e.g. to cache it across restarts). Awaited. */
  updateToken?: UpdateToken | undefined;
  /** Sends the token requests (`fetchTransport()` from `@x/fetch-client`, ...). */
  transport: Transport;
  /** The source of "now" for `iat`, `exp` and token expiry; inject one in tests. */
  clock?: Clock | undefined;
}

/** Adds nothing: the assertion itself is the credential (RFC 7523 2.1). */
const assertionOnly: ClientAuthFunction = (request) => request;

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string`);
  }
  return value;
}

/**
 * A service-account style client: it gets access tokens with the JWT-bearer
 * grant (RFC 7523 2.1), signing a fresh assertion for every token request,
 * and fetches a new token before the current one expires (there is no
 * refresh token). Authlib's `AssertionClient`, transport-agnostic: it is an
 * {@link Authenticator}, so `createAuthFetch(client)` or the adapters'
 * `AssertionSession` put its token on your API requests.
 *
 * Token requests are single-flight: any number of concurrent requests that
 * find the token missing or expiring cause one token request, and share its
 * token or its error. A failure (say `invalid_grant`) is not retried; the
 * next call tries again. After a 401 `invalid_token`, `retry` fetches a new
 * token once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @example
 * import { AssertionClient } from '@x/assertion'
 * import { createAuthFetch, fetchTransport } from '@x/fetch-client'
 *
 * const client = new AssertionClient({
 *   tokenEndpoint: 'https://as.example.com/token',
 *   issuer: 'reporting-service', subject: 'alice',
 *   key: process.env.PRIVATE_KEY_PEM!, alg: 'ES256', scope: 'reports:read',
 *   transport: fetchTransport(),
 * })
 * const api = createAuthFetch(client)
 * const reports = await (await api('https://api.example.com/reports')).json()
 */
export class AssertionClient implements Authenticator {
  /** The token endpoint. */
  readonly tokenEndpoint: string;
  /** `iss` of the assertions. */
  readonly issuer: string;
  /** `sub` of the assertions, if any. */
  readonly subject: string | undefined;
  /** `aud` of the assertions. */
  readonly audience: string;
  /** The requested scope, space-separated. */
  readonly scope: string | undefined;
  /** The signing algorithm. */
  readonly alg: SigningAlgorithm;
  /** Seconds before expiry at which a new token is fetched. */
  readonly leeway: number;
  /** Lifetime of each assertion in seconds. */
  readonly expiresIn: number;

  readonly #key: SigningKey;
  readonly #kid: string | undefined;
  readonly #claims: Readonly<Record<string, unknown>>;
  readonly #headers: Readonly<Record<string, unknown>>;
  readonly #clock: Clock;
  readonly #security: TransportSecurityOptions;
  readonly #client: OAuth2Client;
  readonly #updateToken: UpdateToken | undefined;
  readonly #flight = new SingleFlight<OAuth2Token>();

  constructor(options: AssertionClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('AssertionClient needs an options object');
    }
    this.tokenEndpoint = nonEmpty(options.tokenEndpoint, 'tokenEndpoint');
    this.issuer = nonEmpty(options.issuer, 'issuer');
    this.subject = options.subject === undefined ? undefined : nonEmpty(options.subject, 'subject');
    this.audience =
      options.audience === undefined ? this.tokenEndpoint : nonEmpty(options.audience, 'audience');
    this.scope = scopeToString(options.scope);
    this.alg = assertSigningAlgorithm(options.alg ?? 'RS256');
    this.leeway = options.leeway ?? 60;
    if (typeof this.leeway !== 'number' || !Number.isFinite(this.leeway) || this.leeway < 0) {
      throw new InvalidArgumentError('leeway must be a non-negative number of seconds');
    }
    this.expiresIn = assertLifetime(options.expiresIn);
    this.#claims = assertExtraClaims(options.claims);
    this.#headers = assertExtraHeaders(options.headers);
    this.#kid = options.kid === undefined ? undefined : nonEmpty(options.kid, 'kid');
    const key = options.key;
    if (
      !((typeof key === 'string' && key.length > 0) || (typeof key === 'object' && key !== null))
    ) {
      throw new InvalidArgumentError('key must be a PEM string, a JWK, a CryptoKey or a secret');
    }
    this.#key = key;
    if (options.updateToken !== undefined && typeof options.updateToken !== 'function') {
      throw new InvalidArgumentError('updateToken must be a function');
    }
    this.#updateToken = options.updateToken;
    this.#clock = options.clock ?? systemClock;
    this.#security = { allowInsecureTransport: options.allowInsecureTransport === true };
    const clientId =
      options.clientId === undefined ? undefined : nonEmpty(options.clientId, 'clientId');
    this.#client = new OAuth2Client({
      clientId: clientId ?? this.issuer,
      clientSecret: options.clientSecret,
      tokenEndpoint: this.tokenEndpoint,
      tokenEndpointAuthMethod:
        options.tokenEndpointAuthMethod ?? (clientId === undefined ? assertionOnly : 'none'),
      leeway: this.leeway,
      // This class decides when to fetch; the inner client only sends and places tokens.
      autoRefresh: false,
      token: options.token,
      transport: options.transport,
      clock: this.#clock,
      allowInsecureTransport: this.#security.allowInsecureTransport,
    });
    // Import the key now, so the first request does not wait for it. A bad
    // key is reported by the first token request, not here (import is async).
    importSigningKey(key, this.alg).catch(() => {});
  }

  /** The current token, or `undefined` before the first one. */
  get token(): OAuth2Token | undefined {
    return this.#client.token;
  }

  /**
   * Adds a compliance hook to the token requests and protected requests
   * (see `OAuth2Client.registerComplianceHook`).
   *
   * @example client.registerComplianceHook('accessTokenResponse', fixResponse)
   */
  registerComplianceHook<T extends ComplianceHookType>(type: T, hook: ComplianceHook<T>): void {
    this.#client.registerComplianceHook(type, hook);
  }

  /**
   * Signs a fresh assertion and exchanges it for a new token, whatever the
   * current one. Joins a token request already in flight instead of
   * starting a second one. `updateToken` is awaited with the new token.
   *
   * @throws OAuth2ResponseError (e.g. `invalid_grant`), InvalidResponseError,
   * TransportError, InvalidArgumentError (a key that cannot sign) — none with
   * a key or an assertion in it.
   * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
   * @example const token = await client.fetchToken()
   */
  fetchToken(options: AuthorizeOptions = {}): Promise<OAuth2Token> {
    return this.#flight.run(() => this.#fetch(), options.signal);
  }

  /**
   * The current token when it is good for more than `leeway` seconds (at
   * most half its lifetime, so a short-lived token is not fetched again on
   * every call); otherwise a new one. Single-flight, as {@link fetchToken}.
   *
   * @example const { access_token } = await client.ensureActiveToken()
   */
  ensureActiveToken(options: AuthorizeOptions = {}): Promise<OAuth2Token> {
    // Synchronous up to the flight, so concurrent callers start it or join it.
    const joined = this.#flight.join(options.signal);
    if (joined !== undefined) return joined;
    const token = this.#client.token;
    if (token !== undefined && !this.#isDue(token)) return Promise.resolve(token);
    return this.#flight.run(() => this.#fetch(), options.signal);
  }

  /**
   * Puts an active token on a request (`Authorization: Bearer`), fetching
   * one first when there is none or it is about to expire.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
   * @example const authorized = await client.authorize({ method: 'GET', url, headers: new Headers() })
   */
  async authorize(request: HttpRequest, options: AuthorizeOptions = {}): Promise<HttpRequest> {
    checkSecureTransport(request.url, this.#security); // before fetching a token for it
    await this.ensureActiveToken(options);
    return this.#client.authorize(request, options);
  }

  /**
   * After a 401 with `WWW-Authenticate: Bearer error="invalid_token"`,
   * fetches a new token (once; or not at all when another caller already
   * replaced the token this request carried) and resolves `true`: send the
   * request again. Any other response resolves `false`.
   *
   * @param request The request as sent, i.e. as `authorize` returned it: the
   * token it carries tells whether someone replaced it since. (Given the
   * request from before `authorize`, it fetches; concurrent fetches are one.)
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
    const current = this.#client.token;
    // The inner client placed the token, and knows where a hook moved it.
    const sent = this.#client.carriedAccessToken(request);
    if (current !== undefined && sent !== undefined && sent !== current.access_token) return true;
    await this.fetchToken(options);
    return true;
  }

  /** `true` when the token should be replaced now. */
  #isDue(token: OAuth2Token): boolean {
    const lifetime = token.expires_in;
    const leeway =
      typeof lifetime === 'number' ? Math.min(this.leeway, Math.floor(lifetime / 2)) : this.leeway;
    return token.isExpired(leeway, this.#clock);
  }

  /** One token request with a freshly signed assertion. */
  async #fetch(): Promise<OAuth2Token> {
    const old = this.#client.token;
    const assertion = await signAssertion({
      issuer: this.issuer,
      subject: this.subject,
      audience: this.audience,
      key: this.#key,
      alg: this.alg,
      kid: this.#kid,
      claims: this.#claims,
      headers: this.#headers,
      expiresIn: this.expiresIn,
      clock: this.#clock,
    });
    const token = await this.#client.fetchToken({
      grantType: JWT_BEARER_GRANT_TYPE,
      assertion,
      scope: this.scope,
    });
    await this.#updateToken?.(token, { accessToken: old?.access_token });
    return token;
  }
}
