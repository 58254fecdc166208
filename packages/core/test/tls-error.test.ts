import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type ErrorWithCode,
  explainTlsError,
  explainTlsErrors,
  loadTlsSettings,
  type TlsSettings,
} from '../src/node/index.js';

const ORIGIN = 'https://mtls.as.example.com';
const plain: TlsSettings = loadTlsSettings({ origins: [ORIGIN] });
const withCertificate: TlsSettings = { ...plain, certificate: true };

const failure = (code: string | undefined, message = 'boom'): ErrorWithCode =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

const explained = (
  code: string | undefined,
  configured: TlsSettings | undefined,
  alert?: ErrorWithCode,
): string => {
  const error = failure(code);
  explainTlsError(error, ORIGIN, configured, alert);
  return error.message;
};

describe('explainTlsError', () => {
  it('says what to do about an untrusted server certificate, keeping the original', () => {
    expect(explained('SELF_SIGNED_CERT_IN_CHAIN', plain)).toBe(
      `the TLS certificate of ${ORIGIN} is not trusted: pass the CA that issued it as \`ca\` ` +
        '(or use NODE_EXTRA_CA_CERTS); never turn verification off [SELF_SIGNED_CERT_IN_CHAIN: boom]',
    );
    expect(explained('CERT_HAS_EXPIRED', undefined)).toContain(
      `list ${ORIGIN} in origins with its CA as \`ca\``,
    );
  });

  it('explains a host name mismatch', () => {
    expect(explained('ERR_TLS_CERT_ALTNAME_INVALID', undefined)).toMatch(
      /is not issued for this host name: .* set `servername` \[ERR_TLS_CERT_ALTNAME_INVALID: boom\]$/,
    );
  });

  it('tells a refused client certificate from a missing one', () => {
    const alert = 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED';
    expect(explained('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', withCertificate)).toMatch(
      /refused the TLS client certificate \(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA\)/,
    );
    expect(explained(alert, plain)).toContain(`none was presented (${alert}): set \`certificate\``);
    expect(explained(alert, undefined)).toContain(
      `the certificate is only presented to origins; add ${ORIGIN}`,
    );
    // A socket error after the alert is explained by the alert.
    expect(explained('UND_ERR_SOCKET', plain, failure(alert))).toContain(
      `none was presented (${alert})`,
    );
  });

  it('suspects the client certificate when a configured connection is cut', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']) {
      expect(explained(code, withCertificate)).toMatch(
        /closed the connection: if it requires mutual TLS/,
      );
      expect(explained(code, plain)).toBe('boom'); // no certificate: nothing to suspect
    }
  });

  it('leaves other errors alone', () => {
    expect(explained('ECONNREFUSED', withCertificate)).toBe('boom');
    expect(explained(undefined, withCertificate)).toBe('boom');
  });
});

describe('explainTlsErrors', () => {
  it('explains every error before other listeners, the first alert explaining later ones', () => {
    const socket = new EventEmitter();
    const seen: string[] = [];
    socket.on('error', (error: Error) => seen.push(error.message));
    explainTlsErrors(socket, ORIGIN, plain);
    socket.emit('error', failure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'));
    socket.emit('error', failure('UND_ERR_SOCKET', 'other side closed'));
    socket.emit('error', failure('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'));
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatch(/requires a TLS client certificate .*CERTIFICATE_REQUIRED\)/);
    expect(seen[1]).toMatch(
      /CERTIFICATE_REQUIRED\): set `certificate` \[UND_ERR_SOCKET: other side closed\]$/,
    );
    expect(seen[2]).toMatch(/\(ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE\)/);
  });
});
