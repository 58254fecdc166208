/**
 * `@x/fetch-client/node`: TLS settings for fetch on Node — mutual TLS
 * (RFC 8705) client certificates and trusted private or self-signed CAs —
 * as an undici `Agent` to pass as `dispatcher`, scoped to the origins you
 * name. Nothing here touches process-wide TLS settings. Needs `undici`.
 */
import { Buffer } from 'node:buffer';
import { createSecureContext, type SecureContext } from 'node:tls';
import { InvalidArgumentError } from '@x/core';
import { Agent, buildConnector, Pool, fetch as undiciFetch } from 'undici';

/** PEM text or bytes, one or several (a chain, a CA bundle). */
export type PemInput = string | Buffer | ReadonlyArray<string | Buffer>;

/**
 * A TLS client certificate: a PEM certificate (chain) and its private key,
 * or a PKCS#12 (`.p12`/`.pfx`) bundle; `passphrase` decrypts the key or the
 * bundle.
 */
export type ClientCertificate =
  | { cert: PemInput; key: PemInput; passphrase?: string | undefined; pfx?: undefined }
  | { pfx: string | Buffer; passphrase?: string | undefined; cert?: undefined; key?: undefined };

/** Options of {@link mtlsDispatcher} and {@link nodeFetchOptions}. */
export interface NodeTlsOptions {
  /**
   * The https origins these settings are for (full URLs are fine; their
   * origin is taken): the token endpoint or its mTLS alias, and the
   * resource servers that accept certificate-bound tokens. Connections to
   * any other origin — including after a redirect — use Node's defaults
   * and never present the client certificate.
   */
  origins: ReadonlyArray<string | URL>;
  /** The client certificate presented to `origins` (mutual TLS, RFC 8705). */
  certificate?: ClientCertificate | undefined;
  /**
   * CA certificates trusted for the servers of `origins`, in place of
   * Node's bundled roots (as Node's own `ca` option does); add
   * `...tls.rootCertificates` to keep those too. This is how to trust a
   * private CA or a self-signed development server.
   */
  ca?: PemInput | undefined;
  /**
   * The name sent as SNI and checked against the server certificates of
   * `origins`, when it differs from the URL's host.
   */
  servername?: string | undefined;
  /**
   * `false` skips server certificate verification for `origins`: for local
   * development only, it lets anyone on the network read and change the
   * traffic. Never on by default; warns once per process. Prefer `ca`.
   * @defaultValue true
   */
  rejectUnauthorized?: boolean | undefined;
}

/** What {@link nodeFetchOptions} returns: spread it into `fetchTransport`, `createAuthFetch` or a session. */
export interface NodeFetchOptions {
  /** undici's own `fetch`, which matches the dispatcher's undici version. */
  fetch: typeof globalThis.fetch;
  /** The {@link mtlsDispatcher}. Close it when done (or let a session own it: `ownsDispatcher`). */
  dispatcher: Agent;
}

/** The settings of the configured origins, validated. */
interface Route {
  origins: ReadonlySet<string>;
  secureContext: SecureContext;
  certificate: boolean;
  servername: string | undefined;
  rejectUnauthorized: boolean;
}

type ErrorWithCode = Error & { code?: unknown };

let warned = false;

/** Warns (once per process) that server verification is off. */
function warnInsecure(origins: ReadonlySet<string>): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `TLS server certificate verification is off for ${[...origins].join(', ')} ` +
      '(rejectUnauthorized: false). Use it for local development only; trust the server with `ca` instead.',
    { code: 'X_TLS_REJECT_UNAUTHORIZED', detail: 'See the "Mutual TLS" section of the README.' },
  );
}

function originOf(url: string | URL): string {
  return new URL(String(url)).origin;
}

/** PEM text or bytes, or a non-empty list of them; `label` (e.g. `CERTIFICATE`) must appear in each. */
function isPem(value: unknown, label?: string): boolean {
  const ok = (v: unknown) =>
    (typeof v === 'string' || Buffer.isBuffer(v)) &&
    (label === undefined || String(v).includes(`-----BEGIN ${label}-----`));
  return ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok));
}

/** Validates the options and loads the certificate, key and CAs once. */
function route(options: NodeTlsOptions): Route {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('TLS options must be an object');
  }
  const list: unknown = options.origins;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(
      'origins must list the https origins the TLS settings are for (token endpoint, resource servers)',
    );
  }
  const origins = new Set<string>();
  for (const entry of list) {
    const url = typeof entry === 'string' || entry instanceof URL ? String(entry) : '';
    if (!URL.canParse(url) || new URL(url).protocol !== 'https:') {
      throw new InvalidArgumentError('every entry of origins must be an https URL');
    }
    origins.add(originOf(url));
  }
  const { certificate, ca, servername } = options;
  if (ca !== undefined && !isPem(ca, 'CERTIFICATE')) {
    throw new InvalidArgumentError(
      'ca must be PEM certificates (text or bytes), or a list of them',
    );
  }
  if (servername !== undefined && (typeof servername !== 'string' || servername === '')) {
    throw new InvalidArgumentError('servername must be a non-empty string');
  }
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean') {
    throw new InvalidArgumentError('rejectUnauthorized must be a boolean');
  }
  const secrets: string[] = [];
  const tls: Record<string, unknown> = {};
  if (ca !== undefined) tls.ca = ca;
  if (certificate !== undefined) {
    if (typeof certificate !== 'object' || certificate === null) {
      throw new InvalidArgumentError('certificate must be { cert, key } or { pfx, passphrase }');
    }
    const { cert, key, pfx, passphrase } = certificate;
    if (passphrase !== undefined && typeof passphrase !== 'string') {
      throw new InvalidArgumentError('certificate.passphrase must be a string');
    }
    if (pfx !== undefined) {
      if (cert !== undefined || key !== undefined) {
        throw new InvalidArgumentError('certificate takes either pfx or cert and key, not both');
      }
      if (typeof pfx !== 'string' && !Buffer.isBuffer(pfx)) {
        throw new InvalidArgumentError('certificate.pfx must be the bytes of a PKCS#12 file');
      }
      tls.pfx = pfx;
    } else {
      if (!isPem(cert, 'CERTIFICATE') || !isPem(key)) {
        throw new InvalidArgumentError('certificate needs cert and key (PEM), or pfx');
      }
      Object.assign(tls, { cert, key });
      for (const k of [key].flat()) if (typeof k === 'string') secrets.push(k);
    }
    if (passphrase !== undefined) {
      tls.passphrase = passphrase;
      secrets.push(passphrase);
    }
  }
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext(tls);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const hint = /mac verify|bad decrypt|bad password/i.test(reason)
      ? ': wrong passphrase?'
      : /key values mismatch/i.test(reason)
        ? ': the key does not belong to the certificate'
        : '';
    const what = certificate === undefined ? 'the ca certificates' : 'the client certificate';
    throw new InvalidArgumentError(`${what} could not be loaded (${reason})${hint}`, {
      cause,
      secrets,
    });
  }
  if (!rejectUnauthorized) warnInsecure(origins);
  return {
    origins,
    secureContext,
    certificate: certificate !== undefined,
    servername,
    rejectUnauthorized,
  };
}

/** Server certificate verification errors (Node's `tls` codes). */
const UNTRUSTED_SERVER = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Rewrites a TLS failure's message so that it says what went wrong and
 * what to do (the code and the original message are kept). `alert` is a
 * TLS alert the server sent earlier on the same connection.
 */
function explain(
  error: ErrorWithCode,
  origin: string,
  configured: Route | undefined,
  alert: ErrorWithCode | undefined,
): void {
  const code = typeof error.code === 'string' ? error.code : '';
  const original = `${code ? `${code}: ` : ''}${error.message}`;
  const say = (text: string) => {
    error.message = `${text} [${original}]`;
  };
  if (UNTRUSTED_SERVER.has(code)) {
    say(
      `the TLS certificate of ${origin} is not trusted: ${
        configured
          ? 'pass the CA that issued it as `ca`'
          : `list ${origin} in origins with its CA as \`ca\``
      } (or use NODE_EXTRA_CA_CERTS); never turn verification off`,
    );
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    say(
      `the TLS certificate of ${origin} is not issued for this host name: use a URL with a name the certificate lists, or set \`servername\``,
    );
  } else if (/ALERT/.test(code) || alert !== undefined) {
    const cause = /ALERT/.test(code) ? code : String(alert?.code);
    if (configured?.certificate) {
      say(
        `${origin} refused the TLS client certificate (${cause}): check that it trusts the certificate's CA (tls_client_auth) or has this certificate registered (self_signed_tls_client_auth)`,
      );
    } else if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/.test(cause)) {
      say(
        `${origin} requires a TLS client certificate (mutual TLS) and none was presented (${cause}): ${
          configured
            ? 'set `certificate`'
            : `the certificate is only presented to origins; add ${origin}`
        }`,
      );
    }
  } else if (configured?.certificate && /UND_ERR_SOCKET|ECONNRESET|EPIPE/.test(code)) {
    say(
      `${origin} closed the connection: if it requires mutual TLS, it may have refused the client certificate (check that it trusts the certificate's CA, or has it registered)`,
    );
  }
}

type Connector = ReturnType<typeof buildConnector>;

/** A connector whose TLS errors explain themselves, and which applies `servername`. */
function explaining(connect: Connector, configured: Route | undefined): Connector {
  return (options, callback) => {
    const origin = `${options.protocol}//${options.host ?? options.hostname}`;
    const servername = configured?.servername ?? options.servername;
    connect({ ...options, ...(servername ? { servername } : {}) }, (error, socket) => {
      if (error !== null) {
        explain(error, origin, configured, undefined);
        callback(error, null);
        return;
      }
      let alert: ErrorWithCode | undefined;
      // Before undici's own listener, which hands the error to the request.
      socket.prependListener('error', (failure: ErrorWithCode) => {
        if (alert === undefined && /ALERT/.test(String(failure.code))) {
          alert = failure;
          explain(failure, origin, configured, undefined);
        } else explain(failure, origin, configured, alert);
      });
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
  const configured = route(options);
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
        connect: configured.origins.has(originOf(origin)) ? withSettings : plain,
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
