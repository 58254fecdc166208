/**
 * `@x/fetch-client/oauth1`: `OAuth1Session`, an `OAuth1Client` bound to a
 * closable fetch session (Authlib's `OAuth1Session`). Needs `@x/oauth1`.
 */
import { delegateMethods, splitOptions } from '@x/core';
import { OAuth1Client, type OAuth1ClientOptions, type OAuth1Token } from '@x/oauth1';
import { SESSION_OPTIONS, Session, type SessionOptions } from './session.js';

/** Options of {@link OAuth1Session}: the client's options (its transport is the session's) and the session's. */
export interface OAuth1SessionOptions
  extends Omit<OAuth1ClientOptions, 'transport'>,
    Omit<SessionOptions, 'authenticator'> {}

/**
 * The OAuth 1.0a three-legged flow and a signing `fetch` in one closable
 * object: `client` is an `OAuth1Client` whose credential requests go
 * through the session's `transport` (same fetch, dispatcher, timeout, and
 * `close()`), and which signs every request the session sends with the
 * credentials it holds. Form bodies (URLSearchParams, or a string with the
 * form content type) are signed; JSON, FormData and other bodies are not
 * (RFC 5849 3.4.1.3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2
 * @example
 * import { OAuth1Session } from '@x/fetch-client/oauth1'
 *
 * await using session = new OAuth1Session({
 *   clientId: process.env.CONSUMER_KEY!, clientSecret: process.env.CONSUMER_SECRET!,
 *   redirectUri: 'https://app.example.com/callback',
 * })
 * await session.fetchRequestToken('https://api.example.com/oauth/request_token')
 * const url = session.createAuthorizationUrl('https://api.example.com/oauth/authorize')
 * // ... the user approves; on the callback:
 * session.parseAuthorizationResponse(callbackUrl)
 * await session.fetchAccessToken('https://api.example.com/oauth/access_token')
 * const me = await (await session.get('https://api.example.com/1.1/account/verify_credentials.json')).json()
 */
export class OAuth1Session extends Session {
  /** The client behind the session; credential requests go through the session's transport. */
  readonly client: OAuth1Client;
  /** {@link OAuth1Client.fetchRequestToken}. */
  declare readonly fetchRequestToken: OAuth1Client['fetchRequestToken'];
  /** {@link OAuth1Client.createAuthorizationUrl}. */
  declare readonly createAuthorizationUrl: OAuth1Client['createAuthorizationUrl'];
  /** {@link OAuth1Client.parseAuthorizationResponse}. */
  declare readonly parseAuthorizationResponse: OAuth1Client['parseAuthorizationResponse'];
  /** {@link OAuth1Client.fetchAccessToken}. */
  declare readonly fetchAccessToken: OAuth1Client['fetchAccessToken'];

  constructor(options: OAuth1SessionOptions) {
    const [session, clientOptions] = splitOptions(options, SESSION_OPTIONS);
    super(session);
    this.client = new OAuth1Client({ ...clientOptions, transport: this.transport });
    this.authenticator = this.client;
    delegateMethods(this, this.client, [
      'fetchRequestToken',
      'createAuthorizationUrl',
      'parseAuthorizationResponse',
      'fetchAccessToken',
    ]);
  }

  /** The credentials the client holds ({@link OAuth1Client.token}); contains the token secret. */
  get token(): OAuth1Token | undefined {
    return this.client.token;
  }

  /** Restores credentials (temporary ones between redirect and callback, or stored token credentials). */
  set token(value: OAuth1Token | undefined) {
    this.client.token = value;
  }
}
