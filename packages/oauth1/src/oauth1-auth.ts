/**
 * `OAuth1Auth`: an Authenticator that signs every request it is given, like
 * Authlib's `OAuth1Auth` for requests.
 */
import {
  type Authenticator,
  type Clock,
  checkSecureTransport,
  epochSeconds,
  type HttpRequest,
  systemClock,
} from '@x/core';
import { generateNonce } from './lib/nonce.js';
import {
  type OAuth1SigningOptions,
  resolveSigningOptions,
  signRequest,
} from './rfc5849/sign-request.js';

/** Options of {@link OAuth1Auth}. */
export interface OAuth1AuthOptions extends OAuth1SigningOptions {
  /** The source of `oauth_timestamp`. @defaultValue systemClock */
  clock?: Clock | undefined;
}

/**
 * Signs requests with OAuth 1.0a (RFC 5849): a fresh CSPRNG nonce and a
 * timestamp from the clock on every `authorize()` call, so every request
 * and every redirect hop the adapter re-authorizes is signed anew.
 *
 * Secure by default: requests go only to https URLs (or to loopback http
 * with `allowInsecureTransport`), whatever the signature method. Keys are
 * imported on the first request and cached.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3
 * @example
 * import { createAuthFetch } from '@x/fetch-client'
 * const auth = new OAuth1Auth({
 *   clientId: 'consumer-key', clientSecret: 'consumer-secret',
 *   token: 'access-token', tokenSecret: 'access-token-secret',
 * })
 * const authFetch = createAuthFetch(auth)
 * await authFetch('https://api.example.com/1.1/account/verify_credentials.json')
 */
export class OAuth1Auth implements Authenticator {
  readonly #options: OAuth1SigningOptions;
  readonly #clock: Clock;

  constructor(options: OAuth1AuthOptions) {
    resolveSigningOptions(options);
    const { clock, ...signing } = options;
    this.#options = { ...signing };
    this.#clock = clock ?? systemClock;
  }

  /** The `oauth_consumer_key` this authenticator signs as. */
  get clientId(): string {
    return this.#options.clientId;
  }

  /**
   * Returns a signed copy of `request` (a new nonce and timestamp each call).
   *
   * @throws InsecureTransportError for a URL that is not https (or loopback
   * http with `allowInsecureTransport`); InvalidArgumentError for a request
   * the signature type cannot carry.
   */
  async authorize(request: HttpRequest): Promise<HttpRequest> {
    checkSecureTransport(request.url, this.#options);
    return signRequest(request, this.#options, {
      nonce: generateNonce(),
      timestamp: epochSeconds(this.#clock),
    });
  }
}
