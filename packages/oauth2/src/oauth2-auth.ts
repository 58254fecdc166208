import {
  type Authenticator,
  checkSecureTransport,
  type HttpRequest,
  InvalidArgumentError,
  OAuth2Token,
  type OAuth2TokenFields,
  OAuthError,
  type TransportSecurityOptions,
} from '@x/core';
import {
  assertBearerTokenType,
  assertTokenPlacement,
  placeBearerToken,
  type TokenPlacement,
} from './rfc6750.js';

/** Options of {@link OAuth2Auth}. */
export interface OAuth2AuthOptions extends TransportSecurityOptions {
  /**
   * `header` (default), `body` (form bodies only) or `uri` (discouraged by RFC 9700).
   * @defaultValue 'header'
   */
  tokenPlacement?: TokenPlacement | undefined;
}

/**
 * An {@link Authenticator} for a token you already have: it places the
 * bearer token on each request and never refreshes (Authlib's `OAuth2Auth`).
 * Use it with `createAuthFetch` from `@x/fetch-client` or the axios
 * interceptors of `@x/axios-client`. For refresh, use `OAuth2Client`.
 *
 * The token is only sent over https (or http to loopback with
 * `allowInsecureTransport`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 * @example
 * const auth = new OAuth2Auth(storedToken) // or new OAuth2Auth('ya29.a0...')
 * const authFetch = createAuthFetch(auth)
 * await authFetch('https://api.example.com/me')
 */
export class OAuth2Auth implements Authenticator {
  /** The token placed on requests. */
  readonly token: OAuth2Token;
  /** Where it is placed. */
  readonly tokenPlacement: TokenPlacement;
  readonly #security: TransportSecurityOptions;

  constructor(token: string | OAuth2Token | OAuth2TokenFields, options: OAuth2AuthOptions = {}) {
    const fields =
      typeof token === 'string' ? { access_token: token, token_type: 'Bearer' } : token;
    try {
      this.token = OAuth2Token.from(fields);
    } catch (error) {
      if (!OAuthError.isInstance(error)) throw error;
      throw new InvalidArgumentError(`token: ${error.message}`, {
        secrets: typeof token === 'string' ? [token] : [],
      });
    }
    assertBearerTokenType(this.token.token_type);
    const placement = options.tokenPlacement ?? 'header';
    assertTokenPlacement(placement);
    this.tokenPlacement = placement;
    this.#security = { allowInsecureTransport: options.allowInsecureTransport === true };
  }

  /** Returns the request with the token placed; refuses insecure URLs. */
  async authorize(request: HttpRequest): Promise<HttpRequest> {
    checkSecureTransport(request.url, this.#security);
    return placeBearerToken(request, this.token.access_token, this.tokenPlacement);
  }
}
