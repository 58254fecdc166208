/**
 * `OAuth1Client`: the three-legged flow of RFC 5849 section 2 (Authlib's
 * `OAuth1Client`), talking to the provider only through a core `Transport`,
 * and an Authenticator for the requests that follow.
 */
import {
  type Authenticator,
  type AuthorizeOptions,
  addParamsToUrl,
  assertSecureTransport,
  type Clock,
  epochSeconds,
  FORM_CONTENT_TYPE,
  formEncode,
  generateToken,
  type HttpRequest,
  InvalidArgumentError,
  InvalidResponseError,
  MismatchingStateError,
  MissingTokenError,
  type ParamsInit,
  systemClock,
  type Transport,
  toParamList,
} from '@x/core';
import { OAuth1ResponseError } from './errors.js';
import type { OAuth1AuthOptions } from './oauth1-auth.js';
import { type OAuth1Token, processCredentialsResponse } from './rfc5849/credentials.js';
import {
  type OAuth1SigningOptions,
  resolveSigningOptions,
  signRequest,
} from './rfc5849/sign-request.js';

/** Options of {@link OAuth1Client}. */
export interface OAuth1ClientOptions extends OAuth1AuthOptions {
  /** How the client reaches the provider's endpoints, e.g. `fetchTransport()` from `@x/fetch-client`. */
  transport: Transport;
}

/** Extra query parameters of the authorization URL, and the temporary token to send. */
export interface AuthorizationUrlParams {
  /** The temporary credentials identifier; the stored one by default. */
  requestToken?: string | undefined;
  [param: string]: string | undefined;
}

/** What the provider put in the callback URL (RFC 5849 2.2). */
export interface OAuth1AuthorizationResponse {
  oauth_token: string;
  oauth_verifier: string;
  [param: string]: string;
}

function callbackParams(url: string | URL): Record<string, string> {
  let parsed: URL;
  try {
    // A callback may be given as the path the server saw (`/callback?...`).
    parsed = new URL(url, 'http://callback.invalid');
  } catch (cause) {
    throw new InvalidArgumentError('the authorization response URL cannot be parsed', { cause });
  }
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of parsed.searchParams) if (!(name in params)) params[name] = value;
  return params;
}

/**
 * An OAuth 1.0a client: obtains temporary credentials, builds the
 * authorization URL, checks the callback, exchanges the verifier for token
 * credentials, then signs requests with them (it is an Authenticator).
 *
 * It holds the current credentials as {@link OAuth1Client.token}: the
 * temporary credentials after `fetchRequestToken`, the token credentials
 * after `fetchAccessToken`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2
 * @example
 * import { fetchTransport } from '@x/fetch-client'
 * const client = new OAuth1Client({
 *   clientId: 'consumer-key', clientSecret: 'consumer-secret',
 *   redirectUri: 'https://app.example.com/callback', transport: fetchTransport(),
 * })
 * await client.fetchRequestToken('https://provider.example.com/oauth/request_token')
 * const url = client.createAuthorizationUrl('https://provider.example.com/oauth/authorize')
 * // ... the user approves; the provider redirects to the callback ...
 * client.parseAuthorizationResponse(callbackUrl)
 * const token = await client.fetchAccessToken('https://provider.example.com/oauth/access_token')
 */
export class OAuth1Client implements Authenticator {
  readonly #transport: Transport;
  readonly #options: OAuth1SigningOptions;
  readonly #clock: Clock;
  #token: OAuth1Token | undefined;
  #verifier: string | undefined;

  constructor(options: OAuth1ClientOptions) {
    resolveSigningOptions(options);
    if (typeof options.transport !== 'function') {
      throw new InvalidArgumentError('transport must be a Transport function');
    }
    const { transport, clock, token, tokenSecret, verifier, ...signing } = options;
    this.#transport = transport;
    this.#clock = clock ?? systemClock;
    this.#options = { ...signing };
    this.#verifier = verifier;
    if (token !== undefined)
      this.token = { oauth_token: token, oauth_token_secret: tokenSecret ?? '' };
  }

  /** The `oauth_consumer_key`. */
  get clientId(): string {
    return this.#options.clientId;
  }

  /** The callback URI sent as `oauth_callback` (`oob` when unset). */
  get redirectUri(): string | undefined {
    return this.#options.redirectUri;
  }

  /**
   * The credentials the client holds, as the provider sent them:
   * `{ oauth_token, oauth_token_secret, ...extra }`. Contains the token
   * secret: store it like a password.
   */
  get token(): OAuth1Token | undefined {
    return this.#token;
  }

  /**
   * Restores credentials (e.g. the temporary credentials kept in the user's
   * session between the redirect and the callback, or stored token
   * credentials). An `oauth_verifier` member sets the verifier, as in Authlib.
   */
  set token(value: OAuth1Token | undefined) {
    if (value === undefined) {
      this.#token = undefined;
      return;
    }
    if (
      typeof value !== 'object' ||
      value === null ||
      typeof value.oauth_token !== 'string' ||
      value.oauth_token.length === 0 ||
      typeof value.oauth_token_secret !== 'string'
    ) {
      throw new InvalidArgumentError(
        'a token needs a non-empty oauth_token and an oauth_token_secret string',
      );
    }
    this.#token = Object.freeze({ ...value });
    if (typeof value.oauth_verifier === 'string') this.#verifier = value.oauth_verifier;
  }

  /**
   * Obtains temporary credentials (RFC 5849 2.1): a signed POST with
   * `oauth_callback` (the `redirectUri`, or `oob`) and the client
   * credentials only. Extra `params` are sent in the form body and signed.
   * The provider must confirm the callback (`oauth_callback_confirmed=true`).
   * The temporary credentials become {@link OAuth1Client.token}.
   *
   * @throws OAuth1ResponseError when the provider refuses;
   * InvalidResponseError for a malformed answer; InsecureTransportError.
   * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.1
   * @example const { oauth_token } = await client.fetchRequestToken('https://provider.example.com/oauth/request_token')
   */
  async fetchRequestToken(
    url: string,
    params?: ParamsInit,
    options: AuthorizeOptions = {},
  ): Promise<OAuth1Token> {
    const token = await this.#exchange(
      url,
      params,
      { redirectUri: this.#options.redirectUri ?? 'oob', token: undefined, tokenSecret: undefined },
      true,
      options,
    );
    this.#token = token;
    this.#verifier = undefined;
    return token;
  }

  /**
   * The Resource Owner Authorization URL (RFC 5849 2.2): `url` with
   * `oauth_token` (the stored temporary token unless `requestToken` is
   * given) and any extra parameters added to its query.
   *
   * @throws MissingTokenError when there is no temporary token;
   * InsecureTransportError.
   * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.2
   * @example client.createAuthorizationUrl('https://provider.example.com/oauth/authorize', { force_login: 'true' })
   */
  createAuthorizationUrl(url: string, params: AuthorizationUrlParams = {}): string {
    assertSecureTransport(url, this.#options);
    const { requestToken, ...extra } = params;
    const oauthToken = requestToken ?? this.#token?.oauth_token;
    if (oauthToken === undefined || oauthToken.length === 0) {
      throw new MissingTokenError('no temporary credentials: call fetchRequestToken first');
    }
    return addParamsToUrl(url, { oauth_token: oauthToken, ...extra });
  }

  /**
   * Reads the callback the provider redirected the user to (RFC 5849 2.2):
   * returns `oauth_token` and `oauth_verifier` (and any other parameter) and
   * keeps the verifier for {@link OAuth1Client.fetchAccessToken}. `url` may
   * be absolute or the path and query the server received.
   *
   * The `oauth_token` must be the temporary token this client holds:
   * anything else is refused, since it would bind the user's session to
   * someone else's authorization (CSRF).
   *
   * @throws MismatchingStateError (`ERR_MISMATCHING_STATE`) for another
   * token; MissingTokenError when no temporary token is held;
   * OAuth1ResponseError when the callback reports a problem or a denial;
   * InvalidResponseError when `oauth_token` or `oauth_verifier` is missing.
   * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.2
   * @example const { oauth_verifier } = client.parseAuthorizationResponse(req.url)
   */
  parseAuthorizationResponse(url: string | URL): OAuth1AuthorizationResponse {
    const params = callbackParams(url);
    if (params.oauth_problem !== undefined) {
      throw new OAuth1ResponseError(
        { oauth_problem: params.oauth_problem, oauth_problem_advice: params.oauth_problem_advice },
        undefined,
      );
    }
    if (params.denied !== undefined && params.oauth_verifier === undefined) {
      throw new OAuth1ResponseError(
        { oauth_problem: 'permission_denied', oauth_problem_advice: 'the user denied access' },
        undefined,
      );
    }
    if (!params.oauth_token) {
      throw new InvalidResponseError('the authorization response has no oauth_token');
    }
    if (this.#token === undefined) {
      throw new MissingTokenError(
        'no temporary credentials to check the authorization response against',
      );
    }
    if (params.oauth_token !== this.#token.oauth_token) {
      throw new MismatchingStateError(
        'the oauth_token in the authorization response is not the temporary token: possible CSRF',
      );
    }
    if (!params.oauth_verifier) {
      throw new InvalidResponseError('the authorization response has no oauth_verifier');
    }
    this.#verifier = params.oauth_verifier;
    return { ...params } as OAuth1AuthorizationResponse;
  }

  /**
   * Exchanges the temporary credentials and the verifier for token
   * credentials (RFC 5849 2.3), which become {@link OAuth1Client.token}.
   * `verifier` defaults to the one read by `parseAuthorizationResponse`.
   *
   * @throws MissingTokenError without temporary credentials;
   * InvalidArgumentError without a verifier; OAuth1ResponseError when the
   * provider refuses; InvalidResponseError for a malformed answer.
   * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.3
   * @example const token = await client.fetchAccessToken('https://provider.example.com/oauth/access_token')
   */
  async fetchAccessToken(
    url: string,
    verifier?: string,
    options: AuthorizeOptions = {},
  ): Promise<OAuth1Token> {
    const code = verifier ?? this.#verifier;
    if (this.#token === undefined) {
      throw new MissingTokenError('no temporary credentials: call fetchRequestToken first');
    }
    if (typeof code !== 'string' || code.length === 0) {
      throw new InvalidArgumentError(
        'no verifier: call parseAuthorizationResponse or pass the verifier',
      );
    }
    const token = await this.#exchange(url, undefined, { verifier: code }, false, options);
    this.#token = token;
    this.#verifier = undefined;
    return token;
  }

  /**
   * Signs `request` with the client credentials and the credentials held (a
   * fresh nonce and timestamp every call).
   *
   * @throws InsecureTransportError; InvalidArgumentError for a request the
   * signature type cannot carry.
   */
  async authorize(request: HttpRequest): Promise<HttpRequest> {
    return this.#sign(request, {});
  }

  async #sign(request: HttpRequest, step: Partial<OAuth1SigningOptions>): Promise<HttpRequest> {
    const options: OAuth1SigningOptions = {
      ...this.#options,
      redirectUri: undefined,
      token: this.#token?.oauth_token,
      tokenSecret: this.#token?.oauth_token_secret,
      ...step,
    };
    assertSecureTransport(request.url, options);
    return signRequest(request, options, {
      nonce: generateToken(),
      timestamp: epochSeconds(this.#clock),
    });
  }

  async #exchange(
    url: string,
    params: ParamsInit | undefined,
    step: Partial<OAuth1SigningOptions>,
    callbackConfirmed: boolean,
    options: AuthorizeOptions,
  ): Promise<OAuth1Token> {
    assertSecureTransport(url, this.#options);
    const body = params === undefined ? [] : toParamList(params);
    const request: HttpRequest = { method: 'POST', url, headers: new Headers() };
    if (body.length > 0) {
      request.body = formEncode(body);
      request.headers.set('content-type', FORM_CONTENT_TYPE);
    }
    const signed = await this.#sign(request, step);
    const response = await this.#transport(signed, { signal: options.signal });
    return processCredentialsResponse(response, {
      callbackConfirmed,
      secrets: [
        this.#options.clientSecret,
        this.#token?.oauth_token_secret,
        this.#token?.oauth_token,
        step.verifier,
      ],
    });
  }
}
