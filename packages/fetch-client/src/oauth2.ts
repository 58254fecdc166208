/**
 * `@x/fetch-client/oauth2`: `OAuth2Session`, an `OAuth2Client` bound to a
 * closable fetch session (Authlib's `OAuth2Session`). Needs `@x/oauth2`.
 */
import { delegateMethods, type OAuth2Token, type OAuth2TokenFields, splitOptions } from '@x/core';
import { OAuth2Client, type OAuth2ClientOptions } from '@x/oauth2';
import { SESSION_OPTIONS, Session, type SessionOptions } from './session.js';

/** Options of {@link OAuth2Session}: the client's options (its transport is the session's) and the session's. */
export interface OAuth2SessionOptions
  extends Omit<OAuth2ClientOptions, 'transport'>,
    Omit<SessionOptions, 'authenticator'> {}

/**
 * An OAuth 2.0 client and an authorized `fetch` in one closable object:
 * `client` is an `OAuth2Client` whose token requests go through the
 * session's `transport` (same fetch, dispatcher, timeout, and `close()`),
 * and which authorizes every request the session sends (token placed,
 * refreshed single-flight when due, one refresh and retry after a 401
 * `invalid_token`). The client's methods are available on the session.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749
 * @example
 * import { OAuth2Session } from '@x/fetch-client/oauth2'
 *
 * await using session = new OAuth2Session({
 *   clientId: 'service', clientSecret: process.env.CLIENT_SECRET,
 *   tokenEndpoint: 'https://as.example.com/token',
 * })
 * await session.fetchToken({ grantType: 'client_credentials' })
 * const reports = await (await session.get('https://api.example.com/reports')).json()
 */
export class OAuth2Session extends Session {
  /** The client behind the session; token requests go through the session's transport. */
  readonly client: OAuth2Client;
  /** {@link OAuth2Client.createAuthorizationUrl}. */
  declare readonly createAuthorizationUrl: OAuth2Client['createAuthorizationUrl'];
  /** {@link OAuth2Client.fetchToken}. */
  declare readonly fetchToken: OAuth2Client['fetchToken'];
  /** {@link OAuth2Client.refreshToken}. */
  declare readonly refreshToken: OAuth2Client['refreshToken'];
  /** {@link OAuth2Client.ensureActiveToken}. */
  declare readonly ensureActiveToken: OAuth2Client['ensureActiveToken'];
  /** {@link OAuth2Client.revokeToken}. */
  declare readonly revokeToken: OAuth2Client['revokeToken'];
  /** {@link OAuth2Client.introspectToken}. */
  declare readonly introspectToken: OAuth2Client['introspectToken'];
  /** {@link OAuth2Client.registerComplianceHook}. */
  declare readonly registerComplianceHook: OAuth2Client['registerComplianceHook'];
  /** {@link OAuth2Client.registerClientAuthMethod}. */
  declare readonly registerClientAuthMethod: OAuth2Client['registerClientAuthMethod'];

  constructor(options: OAuth2SessionOptions) {
    const [session, clientOptions] = splitOptions(options, SESSION_OPTIONS);
    super(session);
    this.client = this.createClient({ ...clientOptions, transport: this.transport });
    this.authenticator = this.client;
    delegateMethods(this, this.client, [
      'createAuthorizationUrl',
      'fetchToken',
      'refreshToken',
      'ensureActiveToken',
      'revokeToken',
      'introspectToken',
      'registerComplianceHook',
      'registerClientAuthMethod',
    ]);
  }

  /**
   * Builds the client over the session's transport (`options.transport`).
   * Subclasses return a subclass of `OAuth2Client` (`OIDCSession`: an
   * `OIDCClient`), whose methods the session then delegates to. Called once,
   * from the constructor, before the subclass's own fields exist: it must
   * only use `options`.
   */
  protected createClient(options: OAuth2ClientOptions): OAuth2Client {
    return new OAuth2Client(options);
  }

  /** The client's current token ({@link OAuth2Client.token}). */
  get token(): OAuth2Token | undefined {
    return this.client.token;
  }

  /** Replaces the client's token (plain fields, e.g. from storage, are rehydrated). */
  set token(value: OAuth2Token | OAuth2TokenFields | undefined) {
    this.client.token = value;
  }
}
