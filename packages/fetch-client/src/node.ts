/**
 * `@x/fetch-client/node`: TLS settings for fetch on Node — mutual TLS
 * (RFC 8705) client certificates and trusted private or self-signed CAs —
 * as an undici `Agent` to pass as `dispatcher`, scoped to the origins you
 * name. Nothing here touches process-wide TLS settings. Needs `undici`.
 */
import {
  explainTlsError,
  explainTlsErrors,
  loadTlsSettings,
  type NodeTlsOptions,
  type TlsSettings,
} from '@x/core/node';
import { Agent, buildConnector, Pool, fetch as undiciFetch } from 'undici';

export type { ClientCertificate, NodeTlsOptions, PemInput } from '@x/core/node';

/** What {@link nodeFetchOptions} returns: spread it into `fetchTransport`, `createAuthFetch` or a session. */
export interface NodeFetchOptions {
  /** undici's own `fetch`, which matches the dispatcher's undici version. */
  fetch: typeof globalThis.fetch;
  /** The {@link mtlsDispatcher}. Close it when done (or let a session own it: `ownsDispatcher`). */
  dispatcher: Agent;
}

type Connector = ReturnType<typeof buildConnector>;

/** A connector whose TLS errors explain themselves, and which applies `servername`. */
function explaining(connect: Connector, configured: TlsSettings | undefined): Connector {
  return (options, callback) => {
    const origin = `${options.protocol}//${options.host ?? options.hostname}`;
    const servername = configured?.servername ?? options.servername;
    connect({ ...options, ...(servername ? { servername } : {}) }, (error, socket) => {
      if (error !== null) {
        explainTlsError(error, origin, configured);
        callback(error, null);
        return;
      }
      explainTlsErrors(socket, origin, configured); // before undici's listener, which hands them on
      callback(null, socket);
    });
  };
}

/**
 * An undici `Agent` for `fetch`'s `dispatcher` option that applies TLS
 * settings per origin: connections to `origins` present the client
 * certificate (mutual TLS, RFC 8705) and trust `ca`; connections to any
 * other origin — a redirect target, a third-party API — use Node's
 * defaults and never see the certificate. Nothing process-wide is changed
 * (no global dispatcher, no `NODE_TLS_REJECT_UNAUTHORIZED`).
 *
 * The certificate, key, passphrase and CAs are loaded here, so a wrong
 * passphrase or a key that does not match fails at once. TLS failures
 * later surface as `TransportError` `ERR_NETWORK` whose message says what
 * went wrong (untrusted server certificate, host name mismatch, client
 * certificate required or refused). Use it with undici's own `fetch`
 * ({@link nodeFetchOptions} gives you both); close it when done.
 *
 * @throws InvalidArgumentError for unusable options, a certificate or key
 * that cannot be loaded, or a wrong passphrase (never with the key or
 * passphrase in the message).
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @example
 * import { readFile } from 'node:fs/promises'
 * import { fetch } from 'undici'
 * import { mtlsDispatcher } from '@x/fetch-client/node'
 * import { OAuth2Session } from '@x/fetch-client/oauth2'
 *
 * const dispatcher = mtlsDispatcher({
 *   origins: ['https://mtls.as.example.com', 'https://api.example.com'],
 *   certificate: { cert: await readFile('client.pem'), key: await readFile('client-key.pem') },
 * })
 * await using session = new OAuth2Session({
 *   clientId: 'service', tokenEndpointAuthMethod: 'tls_client_auth', metadata,
 *   fetch, dispatcher, ownsDispatcher: true,
 * })
 */
export function mtlsDispatcher(options: NodeTlsOptions): Agent {
  const configured = loadTlsSettings(options);
  const { secureContext, rejectUnauthorized } = configured;
  const withSettings = explaining(
    buildConnector({ secureContext, rejectUnauthorized }),
    configured,
  );
  const plain = explaining(buildConnector({}), undefined);
  return new Agent({
    factory: (origin, poolOptions) =>
      new Pool(origin, {
        ...poolOptions,
        connect: configured.origins.has(new URL(String(origin)).origin) ? withSettings : plain,
      }),
  });
}

/**
 * `{ fetch, dispatcher }` for the options of `fetchTransport`,
 * `createAuthFetch`, `Session`, `OAuth2Session`, `OAuth1Session` or
 * `AssertionSession`: undici's `fetch` (the same undici as the dispatcher,
 * so their versions always match) and an {@link mtlsDispatcher}.
 *
 * @throws InvalidArgumentError as {@link mtlsDispatcher}.
 * @see https://www.rfc-editor.org/rfc/rfc8705
 * @example
 * import { nodeFetchOptions } from '@x/fetch-client/node'
 * import { OAuth2Session } from '@x/fetch-client/oauth2'
 *
 * await using session = new OAuth2Session({
 *   clientId: 'service',
 *   tokenEndpointAuthMethod: 'tls_client_auth',
 *   tokenEndpoint: 'https://mtls.as.example.com/token',
 *   ...nodeFetchOptions({
 *     origins: ['https://mtls.as.example.com', 'https://api.example.com'],
 *     certificate: { pfx: await readFile('client.p12'), passphrase: process.env.P12_PASSPHRASE },
 *   }),
 *   ownsDispatcher: true,
 * })
 * await session.fetchToken({ grantType: 'client_credentials' })
 */
export function nodeFetchOptions(options: NodeTlsOptions): NodeFetchOptions {
  return {
    fetch: undiciFetch as unknown as typeof globalThis.fetch,
    dispatcher: mtlsDispatcher(options),
  };
}
