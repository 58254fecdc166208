/**
 * The demo's own little PKI for mutual TLS (RFC 8705), made at start-up
 * with the `openssl` CLI: a CA, the https listener's certificate for
 * 127.0.0.1 signed by it, a client certificate signed by it
 * (`tls_client_auth`) and a self-signed client certificate
 * (`self_signed_tls_client_auth`). EC P-256, valid for a day. The files are
 * written to a temporary directory, read into memory, and the directory is
 * removed before anything starts (also when openssl fails): no key is left
 * on disk, whatever happens to the process later.
 * In your app the certificates come from your CA or the provider's
 * developer console, as files: `readFile('client.pem')`.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A certificate and its private key, PEM. */
export interface CertificateAndKey {
  cert: string;
  key: string;
}

/** What {@link createDemoPki} makes. */
export interface DemoPki {
  /** The demo CA: the listener trusts it for client certificates, the clients for the listener. */
  ca: CertificateAndKey;
  /** The https listener's certificate: `127.0.0.1` and `localhost`, signed by the CA. */
  server: CertificateAndKey;
  /** A client certificate signed by the CA; `subject` is what the provider registers for it. */
  client: CertificateAndKey & { subject: string };
  /** A self-signed client certificate, registered with the provider as it is. */
  selfSigned: CertificateAndKey;
}

const run = promisify(execFile);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const CLIENT_EXTENSIONS = ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth'];

/** The subject DN of a PEM certificate, RFC 4514 style: `CN=…,O=…`. */
export function subjectDn(certificate: string | X509Certificate): string {
  const x509 =
    certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  // X509Certificate#subject has one attribute per line, most significant first.
  return x509.subject.split('\n').reverse().join(',');
}

/** Generates the demo's PKI (about six `openssl` runs). */
export async function createDemoPki(): Promise<DemoPki> {
  const dir = await mkdtemp(join(tmpdir(), 'x-example-pki-'));
  const openssl = async (args: string[]) => {
    try {
      await run('openssl', args, { cwd: dir, timeout: 30_000 });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') {
        throw new Error('the demo needs the openssl CLI to make its mTLS certificates');
      }
      throw error;
    }
  };
  /** A self-signed certificate (the CA, or the self-signed client's). */
  const selfSigned = (name: string, subject: string, extensions: string[]) =>
    openssl([
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-subj',
      subject,
      ...extensions.flatMap((extension) => ['-addext', extension]),
    ]);
  /** A certificate signed by the CA. */
  const signed = async (name: string, subject: string, serial: number, extensions: string[]) => {
    await openssl([
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ]);
    await writeFile(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
    await openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(serial),
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  };
  const read = async (name: string): Promise<CertificateAndKey> => ({
    cert: await readFile(join(dir, `${name}.pem`), 'utf8'),
    key: await readFile(join(dir, `${name}.key`), 'utf8'),
  });

  try {
    await selfSigned('ca', '/O=x example/CN=x example CA', [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await Promise.all([
      signed('server', '/O=x example/CN=127.0.0.1', 1001, [
        'basicConstraints=CA:FALSE',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]),
      signed('client', '/O=x example/CN=reporting-service', 1002, CLIENT_EXTENSIONS),
      selfSigned('self-signed', '/O=x example/CN=sensor-42', CLIENT_EXTENSIONS),
    ]);
    const client = await read('client');
    return {
      ca: await read('ca'),
      server: await read('server'),
      client: { ...client, subject: subjectDn(client.cert) },
      selfSigned: await read('self-signed'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true }); // all in memory now: no key stays on disk
  }
}
