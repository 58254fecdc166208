/// <reference types="node" />
/**
 * Messages for TLS failures that say what went wrong and what to do, shared
 * by the adapters' Node subpaths: each hooks it where its HTTP stack reports
 * connection errors (an undici connector, an `https.Agent` request).
 */
import type { EventEmitter } from 'node:events';
import type { TlsSettings } from './tls-settings.js';

/** An error as Node's `tls` and `net` (and undici) raise them: with a string `code`, usually. */
export type ErrorWithCode = Error & { code?: unknown };

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
 * Rewrites the message of a TLS failure on a connection to `origin` so that
 * it says what went wrong and what to do: an untrusted server certificate,
 * a host name mismatch, a client certificate required or refused, a
 * connection cut after the handshake. The code is kept, and the original
 * message is kept at the end in brackets; other errors are left unchanged.
 *
 * @param error - the failure; its `message` is rewritten in place.
 * @param origin - the origin of the connection, e.g. `https://as.example.com`.
 * @param configured - the settings when `origin` is one of their origins,
 * `undefined` for a connection with Node's defaults.
 * @param alert - a TLS alert the server sent earlier on the same connection
 * (undici reports the alert, then a socket error that needs its explanation).
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @example
 * connect(options, (error, socket) => {
 *   if (error) explainTlsError(error, 'https://mtls.as.example.com', settings)
 * })
 * // error.message: "https://mtls.as.example.com requires a TLS client certificate (mutual TLS)
 * // and none was presented (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): set `certificate` [...]"
 */
export function explainTlsError(
  error: ErrorWithCode,
  origin: string,
  configured: TlsSettings | undefined,
  alert?: ErrorWithCode,
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

/**
 * Makes every error `emitter` emits (a TLS socket, an `http.ClientRequest`)
 * explain itself with {@link explainTlsError} before any other listener sees
 * it. The first TLS alert is remembered: it explains a later error of the
 * same connection (a socket error after the server refused the handshake).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @example
 * const configured = settings.origins.has(origin) ? settings : undefined
 * explainTlsErrors(socket, origin, configured)
 */
export function explainTlsErrors(
  emitter: EventEmitter,
  origin: string,
  configured: TlsSettings | undefined,
): void {
  let alert: ErrorWithCode | undefined;
  emitter.prependListener('error', (error: ErrorWithCode) => {
    explainTlsError(error, origin, configured, alert);
    if (/ALERT/.test(String(error.code))) alert ??= error;
  });
}
