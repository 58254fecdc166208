import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { sendJson } from './servers.js';

/**
 * A test PKI generated in the test run with the `openssl` CLI (EC P-256,
 * valid for a day, in a temporary directory removed by `cleanup()`), and an
 * https server on 127.0.0.1 that asks for client certificates and records
 * what each connection presented (RFC 8705 tests).
 */

const run = promisify(execFile);

/** A certificate and its private key, PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

/** A client certificate with what a server compares it against. */
export interface TestClientCertificate extends PemPair {
  /** The subject DN in RFC 2253 order, e.g. `CN=client-1,O=X Test` (what `tls_client_auth_subject_dn` registers). */
  subject: string;
  /** base64url SHA-256 of the DER certificate: the `x5t#S256` confirmation (RFC 8705 3.1). */
  thumbprint: string;
}

/** Everything {@link createTestPki} generates. */
export interface TestPki {
  /** The test CA (trusted by the servers for client certificates, by clients for the servers). */
  ca: PemPair;
  /** A server certificate for `127.0.0.1` (IP SAN) and `localhost`, signed by the CA. */
  server: PemPair;
  /** A server certificate for `other.test` only, signed by the CA (a host name mismatch on 127.0.0.1). */
  otherHostServer: PemPair;
  /** A client certificate signed by the CA (`tls_client_auth`). */
  client: TestClientCertificate;
  /** A second client certificate signed by the CA (a different certificate for bound tokens). */
  otherClient: TestClientCertificate;
  /** A self-signed client certificate (`self_signed_tls_client_auth`). */
  selfSigned: TestClientCertificate;
  /** A client certificate signed by another CA, which no test server trusts. */
  untrustedClient: TestClientCertificate;
  /** `client` (with the CA in the chain) as PKCS#12, encrypted with `passphrase`. */
  pfx: { pfx: Buffer; passphrase: string; thumbprint: string };
  /** Removes the temporary directory. Idempotent. */
  cleanup(): Promise<void>;
}

/** base64url SHA-256 of a PEM certificate's DER form (`x5t#S256`). */
export function certificateThumbprint(pem: string | Buffer): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}

/** The subject DN of a PEM certificate, RFC 2253 style (`CN=a,O=b`). */
export function certificateSubject(pem: string | Buffer): string {
  // X509Certificate#subject is one attribute per line, most significant first.
  return new X509Certificate(pem).subject.split('\n').reverse().join(',');
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new Error('the openssl CLI is needed to generate test certificates');
    throw error;
  }
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * Generates the test PKI. Call `cleanup()` in `afterAll`.
 *
 * @example
 * const pki = await createTestPki()
 * afterAll(() => pki.cleanup())
 */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'x-mtls-'));
  let removed: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    removed ??= rm(dir, { recursive: true, force: true });
    return removed;
  };
  try {
    const read = (name: string) => readFile(join(dir, name), 'utf8');
    const selfSignedCa = async (name: string, subject: string, extensions: string[]) => {
      await openssl(dir, [
        'req',
        '-x509',
        ...KEY,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-subj',
        subject,
        ...extensions.flatMap((e) => ['-addext', e]),
      ]);
    };
    let serial = 1000;
    const issue = async (name: string, subject: string, issuer: string, extensions: string[]) => {
      await openssl(dir, [
        'req',
        '-new',
        ...KEY,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        subject,
      ]);
      await writeFile(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
      serial += 1;
      await openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer}.pem`,
        '-CAkey',
        `${issuer}.key`,
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
    const pair = async (name: string): Promise<PemPair> => ({
      cert: await read(`${name}.pem`),
      key: await read(`${name}.key`),
    });
    const client = async (name: string): Promise<TestClientCertificate> => {
      const { cert, key } = await pair(name);
      return {
        cert,
        key,
        subject: certificateSubject(cert),
        thumbprint: certificateThumbprint(cert),
      };
    };
    const caExtensions = [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ];
    const clientExtensions = ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth'];

    await selfSignedCa('ca', '/O=X Test/CN=X Test CA', caExtensions);
    await selfSignedCa('other-ca', '/O=X Test/CN=Untrusted CA', caExtensions);
    await issue('server', '/O=X Test/CN=127.0.0.1', 'ca', [
      'basicConstraints=CA:FALSE',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    await issue('other-host', '/O=X Test/CN=other.test', 'ca', [
      'basicConstraints=CA:FALSE',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:other.test',
    ]);
    await issue('client', '/O=X Test/CN=client-1', 'ca', clientExtensions);
    await issue('other-client', '/O=X Test/CN=client-2', 'ca', clientExtensions);
    await issue('untrusted-client', '/O=X Test/CN=client-1', 'other-ca', clientExtensions);
    await selfSignedCa('self-signed', '/O=X Test/CN=self-signed-client', clientExtensions);
    const passphrase = 'pfx-test-passphrase';
    await openssl(dir, [
      'pkcs12',
      '-export',
      '-inkey',
      'client.key',
      '-in',
      'client.pem',
      '-certfile',
      'ca.pem',
      '-passout',
      `pass:${passphrase}`,
      '-out',
      'client.p12',
    ]);
    const clientCert = await client('client');
    return {
      ca: await pair('ca'),
      server: await pair('server'),
      otherHostServer: await pair('other-host'),
      client: clientCert,
      otherClient: await client('other-client'),
      selfSigned: await client('self-signed'),
      untrustedClient: await client('untrusted-client'),
      pfx: {
        pfx: await readFile(join(dir, 'client.p12')),
        passphrase,
        thumbprint: clientCert.thumbprint,
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The certificate a connection presented, as a server sees it. */
export interface PresentedCertificate {
  subject: string;
  thumbprint: string;
  /** The server's `ca` vouches for it (`socket.authorized`). */
  authorized: boolean;
}

/** A request received by a {@link startMtlsServer} server. */
export interface MtlsRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client certificate of the connection, if one was presented. */
  certificate: PresentedCertificate | undefined;
}

/** A running https server on 127.0.0.1 that asks for client certificates. */
export interface MtlsServer {
  /** e.g. `https://127.0.0.1:43123` */
  origin: string;
  /** Every request, in order. */
  requests: MtlsRequest[];
  /** Every completed TLS handshake, in order: the certificate presented, if any. */
  connections: Array<PresentedCertificate | undefined>;
  /** Handshakes the server refused (no certificate, untrusted certificate), by error code. */
  refused: string[];
  close(): Promise<void>;
}

/** Options of {@link startMtlsServer}. */
export interface MtlsServerOptions extends PemPair {
  /** CAs (or self-signed certificates) trusted for client certificates. */
  ca?: string | string[] | undefined;
  /**
   * Refuse connections without a trusted client certificate (a real mTLS
   * endpoint); `false` only records what was presented.
   * @defaultValue true
   */
  requireCertificate?: boolean | undefined;
  /**
   * With `TLSv1.2` the server has finished its handshake (and recorded the
   * certificate, if any) before the client verifies the server's
   * certificate, so a handshake the client then refuses is still recorded.
   */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3' | undefined;
}

function presented(socket: TLSSocket): PresentedCertificate | undefined {
  const peer = socket.getPeerCertificate(false);
  if (peer === null || typeof peer !== 'object' || peer.raw === undefined) return undefined;
  const pem = new X509Certificate(peer.raw);
  return {
    subject: pem.subject.split('\n').reverse().join(','),
    thumbprint: createHash('sha256').update(peer.raw).digest('base64url'),
    authorized: socket.authorized,
  };
}

/**
 * Starts an https server on 127.0.0.1 (random port) with
 * `requestCert: true` and, unless `requireCertificate: false`,
 * `rejectUnauthorized: true` with the given `ca`.
 *
 * @example
 * const server = await startMtlsServer((req, res) => res.end(req.certificate?.subject), { ...pki.server, ca: pki.ca.cert })
 * afterAll(() => server.close())
 */
export async function startMtlsServer(
  handler: (request: MtlsRequest, response: ServerResponse) => void | Promise<void>,
  options: MtlsServerOptions,
): Promise<MtlsServer> {
  const server = createServer({
    cert: options.cert,
    key: options.key,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    requestCert: true,
    rejectUnauthorized: options.requireCertificate !== false,
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
  });
  const sockets = new Set<Socket>();
  const requests: MtlsRequest[] = [];
  const connections: Array<PresentedCertificate | undefined> = [];
  const refused: string[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: TLSSocket) => connections.push(presented(socket)));
  server.on('tlsClientError', (error: Error & { code?: string }) => {
    refused.push(error.code ?? error.message);
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: MtlsRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        certificate: presented(req.socket as TLSSocket),
      };
      requests.push(request);
      Promise.resolve()
        .then(() => handler(request, res))
        .catch((error: unknown) => {
          if (res.headersSent) return void res.destroy();
          res.statusCode = 500;
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    origin: `https://127.0.0.1:${port}`,
    requests,
    connections,
    refused,
    close() {
      closing ??= new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** A client registered with {@link startMtlsProvider}'s authorization server. */
export interface MtlsClientRegistration {
  method: 'tls_client_auth' | 'self_signed_tls_client_auth';
  /** `tls_client_auth`: the subject DN of the CA-issued certificate (`tls_client_auth_subject_dn`). */
  subject?: string | undefined;
  /** `self_signed_tls_client_auth`: the thumbprint of the registered self-signed certificate. */
  thumbprint?: string | undefined;
}

/** An RFC 8705 authorization and resource server, and an origin of another party. */
export interface MtlsProvider {
  /**
   * The mTLS origin: `/token` (client credentials and JWT-bearer grants,
   * RFC 8705 2 client authentication, certificate-bound tokens),
   * `/introspect`, `/resource` (200 for a token bound to the connection's
   * certificate, 401 `invalid_token` otherwise) and `/redirect` (302 to
   * `other`'s `/landing`). Requires a certificate issued by the test CA or
   * the registered self-signed one.
   */
  server: MtlsServer;
  /**
   * Another origin that asks for, but does not require, a client
   * certificate and records what it got (TLS 1.2: also for handshakes the
   * client refuses because it does not trust this server).
   */
  other: MtlsServer;
  /** Metadata whose conventional `token_endpoint` is `other` (answers 400), with `mtls_endpoint_aliases` on `server`. */
  metadata: {
    issuer: string;
    token_endpoint: string;
    introspection_endpoint: string;
    tls_client_certificate_bound_access_tokens: boolean;
    mtls_endpoint_aliases: { token_endpoint: string; introspection_endpoint: string };
  };
  /** `${server.origin}/resource` */
  resource: string;
  /** Registered clients by `client_id`: `ca-client` (tls_client_auth) and `device` (self_signed_tls_client_auth). */
  clients: Map<string, MtlsClientRegistration>;
  /** Issued access tokens and the `cnf.x5t#S256` each is bound to. */
  issued: Map<string, string>;
  close(): Promise<void>;
}

/** The registered client a token request authenticates as (RFC 8705 2.1, 2.2), or an error. */
function authenticate(
  request: MtlsRequest,
  form: URLSearchParams,
  clients: Map<string, MtlsClientRegistration>,
): MtlsClientRegistration | string {
  if (request.headers.authorization !== undefined || form.has('client_secret')) {
    return 'an mTLS client sends no secret';
  }
  const client = clients.get(form.get('client_id') ?? '');
  const certificate = request.certificate;
  if (client === undefined || certificate === undefined) return 'unknown client or no certificate';
  if (client.method === 'tls_client_auth') {
    return certificate.authorized && certificate.subject === client.subject
      ? client
      : 'subject DN mismatch';
  }
  return certificate.thumbprint === client.thumbprint ? client : 'certificate not registered';
}

/**
 * Starts an RFC 8705 provider for adapter tests (see {@link MtlsProvider}).
 * Requests to other paths of `server` go to `extra` (404 without one).
 *
 * @example
 * const provider = await startMtlsProvider(pki)
 * afterAll(() => provider.close())
 */
export async function startMtlsProvider(
  pki: TestPki,
  extra?: (request: MtlsRequest, response: ServerResponse) => void | Promise<void>,
): Promise<MtlsProvider> {
  const clients = new Map<string, MtlsClientRegistration>([
    ['ca-client', { method: 'tls_client_auth', subject: pki.client.subject }],
    ['device', { method: 'self_signed_tls_client_auth', thumbprint: pki.selfSigned.thumbprint }],
  ]);
  const issued = new Map<string, string>();
  let next = 0;
  let otherOrigin = '';
  const server = await startMtlsServer(
    async (request, res) => {
      const path = request.url.split('?')[0];
      const form = new URLSearchParams(request.body);
      if (path === '/token' && request.method === 'POST') {
        const grant = form.get('grant_type');
        if (
          grant !== 'client_credentials' &&
          grant !== 'urn:ietf:params:oauth:grant-type:jwt-bearer'
        ) {
          return sendJson(res, 400, { error: 'unsupported_grant_type' });
        }
        const client = authenticate(request, form, clients);
        if (typeof client === 'string') {
          return sendJson(res, 401, { error: 'invalid_client', error_description: client });
        }
        const bound = request.certificate?.thumbprint as string;
        next += 1;
        const token = `bound-at-${next}`;
        issued.set(token, bound);
        return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      if (path === '/introspect' && request.method === 'POST') {
        const client = authenticate(request, form, clients);
        if (typeof client === 'string') return sendJson(res, 401, { error: 'invalid_client' });
        const bound = issued.get(form.get('token') ?? '');
        return sendJson(
          res,
          200,
          bound ? { active: true, cnf: { 'x5t#S256': bound } } : { active: false },
        );
      }
      if (path === '/resource') {
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        const bound = issued.get(token);
        if (bound === undefined || bound !== request.certificate?.thumbprint) {
          return sendJson(
            res,
            401,
            { error: 'invalid_token' },
            {
              'www-authenticate': 'Bearer error="invalid_token"',
            },
          );
        }
        return sendJson(res, 200, { subject: request.certificate.subject });
      }
      if (path === '/redirect') {
        return void res.writeHead(302, { location: `${otherOrigin}/landing` }).end();
      }
      if (extra) return extra(request, res);
      res.writeHead(404).end();
    },
    { ...pki.server, ca: [pki.ca.cert, pki.selfSigned.cert] },
  );
  const other = await startMtlsServer(
    (request, res) => {
      if (request.url === '/landing') return void res.end('landing');
      sendJson(res, 400, { error: 'invalid_request', error_description: 'not the mTLS endpoint' });
    },
    { ...pki.server, ca: pki.ca.cert, requireCertificate: false, maxVersion: 'TLSv1.2' },
  );
  otherOrigin = other.origin;
  return {
    server,
    other,
    metadata: {
      issuer: server.origin,
      token_endpoint: `${other.origin}/token`,
      introspection_endpoint: `${other.origin}/introspect`,
      tls_client_certificate_bound_access_tokens: true,
      mtls_endpoint_aliases: {
        token_endpoint: `${server.origin}/token`,
        introspection_endpoint: `${server.origin}/introspect`,
      },
    },
    resource: `${server.origin}/resource`,
    clients,
    issued,
    async close() {
      await Promise.all([server.close(), other.close()]);
    },
  };
}
