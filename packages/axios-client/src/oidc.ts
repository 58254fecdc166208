/**
 * `@x/axios-client/oidc`: `OIDCSession`, an `OIDCClient` bound to a closable
 * axios session: `OAuth2Session` with OpenID Connect (nonce, id_token
 * validation, claims, userinfo, logout). Needs `@x/oidc`.
 */
import { delegateMethods } from '@x/core';
import type { OAuth2ClientOptions } from '@x/oauth2';
import {
  discover,
  type IdTokenClaims,
  OIDCClient,
  type OIDCClientOptions,
  type WellKnown,
} from '@x/oidc';
import type { CreateAxiosDefaults } from 'axios';
import { OAuth2Session } from './oauth2.js';
import { Session, type SessionOptions } from './session.js';

/** Options of {@link OIDCSession}: the client's options (its transport is the session's) and the session's. */
export interface OIDCSessionOptions
  extends Omit<OIDCClientOptions, 'transport'>,
    Omit<SessionOptions, 'authenticator'> {}

/** Options of {@link OIDCSession.discover}: the session's options without `metadata`, plus the discovery's. */
export interface OIDCSessionDiscoverOptions extends Omit<OIDCSessionOptions, 'metadata'> {
  /** Cancels the discovery request. */
  signal?: AbortSignal | undefined;
  /** The well-known document to read (default: OpenID Connect, then RFC 8414). */
  wellKnown?: WellKnown | undefined;
}

/**
 * An OpenID Connect relying party and an authorized axios instance in one
 * closable object: an {@link OAuth2Session} whose `client` is an
 * `OIDCClient`. `createAuthorizationUrl` adds `openid` and a `nonce`;
 * `fetchToken` and `refreshToken` validate the id_token (OIDC Core 3.1.3.7,
 * 12.2) before the token is stored; `claims`, `userinfo()`,
 * `endSessionUrl()` and `processAuthenticationResponse()` are on the
 * session. Token, discovery, key-set and userinfo requests go through
 * `session.transport` (a separate plain instance, so they never meet the
 * interceptors); the requests of `session.axios` carry the access token.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 * @example
 * import { OIDCSession } from '@x/axios-client/oidc'
 *
 * await using session = await OIDCSession.discover('https://accounts.example.com', {
 *   clientId: 'app', clientSecret: process.env.CLIENT_SECRET,
 *   redirectUri: 'https://app.example.com/callback',
 * })
 * const { url, state, codeVerifier, nonce } = await session.createAuthorizationUrl()
 * // ...redirect; on the callback:
 * await session.fetchToken({ authorizationResponse: callbackUrl, state, codeVerifier, nonce })
 * session.claims?.sub // the user
 */
export class OIDCSession extends OAuth2Session {
  /** The client behind the session; its requests go through the session's transport. */
  declare readonly client: OIDCClient;
  /** {@link OIDCClient.createAuthorizationUrl}: also returns the `nonce` to store. */
  declare readonly createAuthorizationUrl: OIDCClient['createAuthorizationUrl'];
  /** {@link OIDCClient.fetchToken}: the id_token is validated before the token is stored. */
  declare readonly fetchToken: OIDCClient['fetchToken'];
  /** {@link OIDCClient.refreshToken}: a new id_token must keep `iss`, `sub`, `aud` (OIDC Core 12.2). */
  declare readonly refreshToken: OIDCClient['refreshToken'];
  /** {@link OIDCClient.userinfo}. */
  declare readonly userinfo: OIDCClient['userinfo'];
  /** {@link OIDCClient.endSessionUrl}. */
  declare readonly endSessionUrl: OIDCClient['endSessionUrl'];
  /** {@link OIDCClient.processAuthenticationResponse}. */
  declare readonly processAuthenticationResponse: OIDCClient['processAuthenticationResponse'];
  /** {@link OIDCClient.validateIdToken}. */
  declare readonly validateIdToken: OIDCClient['validateIdToken'];

  constructor(options: OIDCSessionOptions) {
    super(options);
    delegateMethods(this, this.client, [
      'userinfo',
      'endSessionUrl',
      'processAuthenticationResponse',
      'validateIdToken',
    ]);
  }

  /**
   * Discovers the provider (`discover` of `@x/oidc`: the issuer must match
   * exactly, no redirects) through a transport on the session's token
   * instance (the `adapter`, agents and proxy of `axios` or `instance`, or
   * `tokenInstance`) with its timeout, then builds the session on the
   * metadata. When discovery fails and `ownsAgents` is set, the agents are
   * destroyed, as the session would have destroyed them. For many sessions
   * of one provider, discover once and pass `metadata` to `new OIDCSession`:
   * sessions built from the same metadata object share one cached key set.
   *
   * @see https://openid.net/specs/openid-connect-discovery-1_0.html
   * @example
   * await using session = await OIDCSession.discover('https://accounts.example.com', { clientId: 'app' })
   */
  static async discover(issuer: string, options: OIDCSessionDiscoverOptions): Promise<OIDCSession> {
    const { signal, wellKnown, ...sessionOptions } = options;
    // A plain session whose token instance is the one the session will have: the client
    // needs the metadata, so discovery runs before the session proper exists. It gets a
    // copy of the instance's defaults, never the instance, so no interceptor is left on it.
    const probe = new Session({
      ...sessionOptions,
      instance: undefined,
      axios:
        (sessionOptions.instance?.defaults as CreateAxiosDefaults | undefined) ?? options.axios,
    });
    try {
      const metadata = await discover(issuer, {
        transport: probe.transport,
        allowInsecureTransport: options.allowInsecureTransport,
        signal,
        wellKnown,
      });
      return new OIDCSession({ ...sessionOptions, metadata });
    } catch (error) {
      await probe.close(); // destroys the agents when the session was to own them
      throw error;
    }
  }

  /**
   * The claims of the current token's id_token, validated when it was
   * received ({@link OIDCClient.claims}); `undefined` without an id_token.
   */
  get claims(): IdTokenClaims | undefined {
    return this.client.claims;
  }

  /** Builds an `OIDCClient` (the session's options carry its OpenID Connect ones). */
  protected override createClient(options: OAuth2ClientOptions): OIDCClient {
    return new OIDCClient(options as OIDCClientOptions);
  }
}
