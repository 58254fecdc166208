/// <reference types="node" />
/**
 * The TLS settings of the adapters' Node subpaths (`@x/fetch-client/node`,
 * `@x/axios-client/node`): what the user may pass, validated, and the
 * certificate, key and CAs loaded into one `SecureContext`. The adapters only
 * decide how their HTTP stack applies it (an undici `Agent`, an `https.Agent`).
 */
import { Buffer } from 'node:buffer';
import { createSecureContext, type SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../errors.js';

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

/**
 * TLS settings for a set of origins: the options of `mtlsDispatcher` and
 * `nodeFetchOptions` (`@x/fetch-client/node`), `mtlsAgent` and
 * `nodeAxiosOptions` (`@x/axios-client/node`).
 */
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

/** {@link NodeTlsOptions}, validated and loaded by {@link loadTlsSettings}. */
export interface TlsSettings {
  /** The configured origins (`https://host[:port]`, as `URL.origin` writes them). */
  readonly origins: ReadonlySet<string>;
  /** The client certificate and key (if any) and the trusted CAs, loaded. */
  readonly secureContext: SecureContext;
  /** A client certificate was given. */
  readonly certificate: boolean;
  /** The SNI name to use for `origins`, when it differs from the host. */
  readonly servername: string | undefined;
  /** Verify the server certificates of `origins` (`false` only when asked for). */
  readonly rejectUnauthorized: boolean;
}

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

/** PEM text or bytes, or a non-empty list of them; `label` (e.g. `CERTIFICATE`) must appear in each. */
function isPem(value: unknown, label?: string): boolean {
  const ok = (v: unknown) =>
    (typeof v === 'string' || Buffer.isBuffer(v)) &&
    (label === undefined || String(v).includes(`-----BEGIN ${label}-----`));
  return ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok));
}

/** The configured origins: a non-empty list of https URLs, reduced to their origins. */
function originsOf(list: unknown): Set<string> {
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
    origins.add(new URL(url).origin);
  }
  return origins;
}

/** The `createSecureContext` options of a client certificate; the key and passphrase go to `secrets`. */
function certificateOptions(certificate: unknown, secrets: string[]): Record<string, unknown> {
  if (typeof certificate !== 'object' || certificate === null) {
    throw new InvalidArgumentError('certificate must be { cert, key } or { pfx, passphrase }');
  }
  const { cert, key, pfx, passphrase } = certificate as Partial<Record<string, unknown>>;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new InvalidArgumentError('certificate.passphrase must be a string');
  }
  const tls: Record<string, unknown> = {};
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
  return tls;
}

/**
 * Validates TLS options and loads the certificate, key and CAs once, so
 * that a wrong passphrase or a key that does not match its certificate
 * fails here, with a message that says so. Warns once per process
 * (`X_TLS_REJECT_UNAUTHORIZED`) when server verification is turned off.
 * The adapters' `mtlsDispatcher` and `mtlsAgent` start with it.
 *
 * @throws InvalidArgumentError for unusable options, a certificate or key
 * that cannot be loaded, or a wrong passphrase (never with the key or
 * passphrase in the message).
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @example
 * import { readFile } from 'node:fs/promises'
 * import { connect } from 'node:tls'
 * import { loadTlsSettings } from '@x/core/node'
 *
 * const settings = loadTlsSettings({
 *   origins: ['https://mtls.as.example.com'],
 *   certificate: { cert: await readFile('client.pem'), key: await readFile('client-key.pem') },
 * })
 * settings.origins.has('https://mtls.as.example.com') // true
 * const socket = connect({ host: 'mtls.as.example.com', port: 443, secureContext: settings.secureContext })
 */
export function loadTlsSettings(options: NodeTlsOptions): TlsSettings {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('TLS options must be an object');
  }
  const origins = originsOf(options.origins);
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
  const tls = certificate === undefined ? {} : certificateOptions(certificate, secrets);
  if (ca !== undefined) tls.ca = ca;
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
