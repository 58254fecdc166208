/**
 * `@x/fetch-client/assertion`: `AssertionSession`, an `AssertionClient`
 * bound to a closable fetch session (Authlib's `AssertionSession`).
 * Needs `@x/assertion`.
 */
import {
  AssertionClient,
  type AssertionClientOptions,
  type ServiceAccountKey,
  type ServiceAccountOptions,
  serviceAccountOptions,
} from '@x/assertion';
import {
  delegateMethods,
  type OAuth2Token,
  splitOptions,
  type Transport,
  TransportError,
} from '@x/core';
import { SESSION_OPTIONS, Session, type SessionOptions } from './session.js';

/** The options a {@link Session} takes, minus the authenticator (the client is the authenticator). */
type SessionPart = Omit<SessionOptions, 'authenticator'>;

/** Options of {@link AssertionSession}: the client's options (its transport is the session's) and the session's. */
export interface AssertionSessionOptions
  extends Omit<AssertionClientOptions, 'transport'>,
    SessionPart {}

/**
 * Options of {@link AssertionSession.fromServiceAccountKey}: what
 * `fromServiceAccountKey` of `@x/assertion` takes (its transport is the
 * session's) and the session's.
 */
export interface ServiceAccountSessionOptions
  extends Omit<ServiceAccountOptions, 'transport'>,
    SessionPart {}

/**
 * Satisfies `serviceAccountOptions`, which wants a transport; the session
 * puts its own in its place, so this one is never called.
 */
const placeholder: Transport = () =>
  Promise.reject(new TransportError('ERR_NETWORK', 'no transport: the session provides one'));

/**
 * JWT-bearer "service account" tokens and an authorized `fetch` in one
 * closable object: `client` is an `AssertionClient` whose token requests go
 * through the session's `transport` (same fetch, dispatcher, timeout, and
 * `close()`), and which authorizes every request the session sends. Each
 * token request carries a freshly signed assertion; a new token is fetched
 * before the current one expires (single-flight: concurrent requests share
 * one token request), and once after a 401 `invalid_token`. An error such as
 * `invalid_grant` is surfaced, never retried in a loop.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @example
 * import { AssertionSession } from '@x/fetch-client/assertion'
 *
 * await using session = new AssertionSession({
 *   tokenEndpoint: 'https://as.example.com/token',
 *   issuer: 'reporting-service', subject: 'alice',
 *   key: process.env.PRIVATE_KEY_PEM!, alg: 'ES256', scope: 'reports:read',
 * })
 * const reports = await (await session.get('https://api.example.com/reports')).json()
 */
export class AssertionSession extends Session {
  /** The client behind the session; token requests go through the session's transport. */
  readonly client: AssertionClient;
  /** {@link AssertionClient.fetchToken}. */
  declare readonly fetchToken: AssertionClient['fetchToken'];
  /** {@link AssertionClient.ensureActiveToken}. */
  declare readonly ensureActiveToken: AssertionClient['ensureActiveToken'];
  /** {@link AssertionClient.registerComplianceHook}. */
  declare readonly registerComplianceHook: AssertionClient['registerComplianceHook'];

  constructor(options: AssertionSessionOptions) {
    const [session, clientOptions] = splitOptions(options, SESSION_OPTIONS);
    super(session);
    this.client = new AssertionClient({ ...clientOptions, transport: this.transport });
    this.authenticator = this.client;
    delegateMethods(this, this.client, [
      'fetchToken',
      'ensureActiveToken',
      'registerComplianceHook',
    ]);
  }

  /**
   * A session for a Google-style service-account JSON key (the text of the
   * file, or its parsed object): `iss` = `client_email`, signed with
   * `private_key` (RS256), `kid` = `private_key_id`, token endpoint and `aud`
   * = `token_uri`; the scope goes in the assertion's `scope` claim.
   *
   * @throws InvalidArgumentError for a file that is not a service-account
   * key (never with the private key in the message).
   * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
   * @example
   * import { readFile } from 'node:fs/promises'
   * import { AssertionSession } from '@x/fetch-client/assertion'
   *
   * await using session = AssertionSession.fromServiceAccountKey(
   *   await readFile('service-account.json', 'utf8'),
   *   { scope: 'https://www.googleapis.com/auth/devstorage.read_only' },
   * )
   * const buckets = await (await session.get('https://storage.googleapis.com/storage/v1/b?project=my-project')).json()
   */
  static fromServiceAccountKey(
    json: string | ServiceAccountKey,
    options: ServiceAccountSessionOptions,
  ): AssertionSession {
    const [session, accountOptions] = splitOptions(options, SESSION_OPTIONS);
    const { transport: _placeholder, ...clientOptions } = serviceAccountOptions(json, {
      ...accountOptions,
      transport: placeholder,
    });
    return new AssertionSession({ ...clientOptions, ...session });
  }

  /** The client's current token ({@link AssertionClient.token}), `undefined` before the first. */
  get token(): OAuth2Token | undefined {
    return this.client.token;
  }
}
