/**
 * `@x/axios-client/node`: TLS settings for axios on Node — mutual TLS
 * (RFC 8705) client certificates and trusted private or self-signed CAs —
 * as an `https.Agent` to use as `httpsAgent`, scoped to the origins you
 * name. Nothing here touches process-wide TLS settings.
 */
import type { ClientRequest } from 'node:http';
import { Agent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import {
  explainTlsErrors,
  loadTlsSettings,
  type NodeTlsOptions,
  type TlsSettings,
} from '@x/core/node';

export type { ClientCertificate, NodeTlsOptions, PemInput } from '@x/core/node';

/** What {@link nodeAxiosOptions} returns: an axios config (`axios.create(...)`, a session's `axios` option). */
export interface NodeAxiosOptions {
  /** The {@link mtlsAgent}. Destroy it when done (or let a session own it: `ownsAgents`). */
  httpsAgent: Agent;
}

/** The origin of a request or connection as `https.Agent` sees it (`host`, `port`). */
function originOf(options: RequestOptions): string {
  const host = options.hostname ?? options.host ?? 'localhost';
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`https://${name}:${options.port ?? 443}`).origin;
}

/** `addRequest` is public in Node but missing from its types. */
const baseAddRequest = (
  Agent.prototype as unknown as {
    addRequest(this: Agent, request: ClientRequest, options: RequestOptions): void;
  }
).addRequest;

/** An `https.Agent` that applies its TLS settings to the configured origins only. */
class OriginScopedAgent extends Agent {
  readonly #settings: TlsSettings;

  constructor(configured: TlsSettings) {
    super({ keepAlive: true });
    this.#settings = configured;
  }

  /** Settings for the configured origins; Node's defaults (the options unchanged) elsewhere. */
  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    if (!this.#settings.origins.has(originOf(options))) {
      return super.createConnection(options, callback);
    }
    const { secureContext, rejectUnauthorized, servername } = this.#settings;
    const withSettings: Record<string, unknown> = { ...options, secureContext, rejectUnauthorized };
    if (servername !== undefined) withSettings.servername = servername;
    return super.createConnection(withSettings as RequestOptions, callback);
  }

  /** Makes the TLS failures of a request explain themselves (before axios sees them). */
  addRequest(request: ClientRequest, options: RequestOptions): void {
    const origin = originOf(options);
    const configured = this.#settings.origins.has(origin) ? this.#settings : undefined;
    explainTlsErrors(request, origin, configured);
    baseAddRequest.call(this, request, options);
  }
}

/**
 * An `https.Agent` for axios's `httpsAgent` that applies TLS settings per
 * origin: connections to `origins` present the client certificate (mutual
 * TLS, RFC 8705) and trust `ca`; connections to any other origin — a
 * redirect target, a third-party API — use Node's defaults and never see
 * the certificate. Keep-alive is on; `destroy()` it when done (a session
 * with `ownsAgents: true` does). Nothing process-wide is changed (not
 * `https.globalAgent`, not `NODE_TLS_REJECT_UNAUTHORIZED`).
 *
 * The certificate, key, passphrase and CAs are loaded here, so a wrong
 * passphrase or a key that does not match fails at once. TLS failures
 * later surface as `TransportError` `ERR_NETWORK` (token requests) or an
 * `AxiosError` (your requests) whose message says what went wrong
 * (untrusted server certificate, host name mismatch, client certificate
 * required or refused).
 *
 * @throws InvalidArgumentError for unusable options, a certificate or key
 * that cannot be loaded, or a wrong passphrase (never with the key or
 * passphrase in the message).
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @example
 * import { readFile } from 'node:fs/promises'
 * import { mtlsAgent } from '@x/axios-client/node'
 * import { OAuth2Session } from '@x/axios-client/oauth2'
 *
 * const httpsAgent = mtlsAgent({
 *   origins: ['https://mtls.as.example.com', 'https://api.example.com'],
 *   certificate: { cert: await readFile('client.pem'), key: await readFile('client-key.pem') },
 * })
 * await using session = new OAuth2Session({
 *   clientId: 'service', tokenEndpointAuthMethod: 'tls_client_auth', metadata,
 *   axios: { httpsAgent }, ownsAgents: true,
 * })
 */
export function mtlsAgent(options: NodeTlsOptions): Agent {
  return new OriginScopedAgent(loadTlsSettings(options));
}

/**
 * `{ httpsAgent }` with an {@link mtlsAgent}: an axios config for
 * `axios.create(...)` (then `axiosTransport` or `attachAuthenticator`) or
 * the `axios` option of `Session`, `OAuth2Session`, `OAuth1Session` and
 * `AssertionSession` (whose token requests share the agent).
 *
 * @throws InvalidArgumentError as {@link mtlsAgent}.
 * @see https://www.rfc-editor.org/rfc/rfc8705
 * @example
 * import { nodeAxiosOptions } from '@x/axios-client/node'
 * import { OAuth2Session } from '@x/axios-client/oauth2'
 *
 * await using session = new OAuth2Session({
 *   clientId: 'service',
 *   tokenEndpointAuthMethod: 'tls_client_auth',
 *   tokenEndpoint: 'https://mtls.as.example.com/token',
 *   axios: nodeAxiosOptions({
 *     origins: ['https://mtls.as.example.com', 'https://api.example.com'],
 *     certificate: { pfx: await readFile('client.p12'), passphrase: process.env.P12_PASSPHRASE },
 *   }),
 *   ownsAgents: true,
 * })
 * await session.fetchToken({ grantType: 'client_credentials' })
 */
export function nodeAxiosOptions(options: NodeTlsOptions): NodeAxiosOptions {
  return { httpsAgent: mtlsAgent(options) };
}
