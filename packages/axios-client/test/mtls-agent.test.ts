import { globalAgent } from 'node:https';
import { inspect } from 'node:util';
import { InvalidArgumentError, TransportError } from '@x/core';
import {
  createTestPki,
  type MtlsProvider,
  type MtlsServer,
  startMtlsProvider,
  startMtlsServer,
  type TestPki,
} from '@x/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axiosTransport } from '../src/index.js';
import {
  type ClientCertificate,
  mtlsAgent,
  type NodeTlsOptions,
  nodeAxiosOptions,
} from '../src/node.js';
import { OAuth2Session } from '../src/oauth2.js';

// The mTLS agent's contract: every TLS failure is a TransportError whose
// message says what to fix, certificate problems are found at construction,
// and nothing process-wide changes.

let pki: TestPki;
let provider: MtlsProvider;
/** An mTLS server whose certificate is issued for other.test only. */
let otherHost: MtlsServer;

beforeAll(async () => {
  pki = await createTestPki();
  provider = await startMtlsProvider(pki);
  otherHost = await startMtlsServer((_request, res) => void res.end('hello'), {
    ...pki.otherHostServer,
    ca: pki.ca.cert,
  });
});
afterAll(async () => {
  await provider?.close();
  await otherHost?.close();
  await pki?.cleanup();
});

const clientPem = (): ClientCertificate => ({ cert: pki.client.cert, key: pki.client.key });

/** GETs `url` through a transport with these TLS settings; resolves the status or rejects. */
async function get(url: string, options: NodeTlsOptions): Promise<number> {
  const config = nodeAxiosOptions(options);
  try {
    const transport = axiosTransport(axios.create(config));
    return (await transport({ method: 'GET', url, headers: new Headers() })).status;
  } finally {
    config.httpsAgent.destroy();
  }
}

/** The rejection of `promise`, which must be a TransportError ERR_NETWORK. */
async function networkError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(TransportError.isInstance(error)).toBe(true);
  expect((error as TransportError).code).toBe('ERR_NETWORK');
  return (error as TransportError).message;
}

describe('failures are TransportError ERR_NETWORK with a message that says what to fix', () => {
  it('no client certificate for a server that requires one', async () => {
    await using session = new OAuth2Session({
      clientId: 'ca-client',
      tokenEndpointAuthMethod: 'tls_client_auth',
      metadata: provider.metadata,
      axios: nodeAxiosOptions({ origins: [provider.server.origin], ca: pki.ca.cert }),
      ownsAgents: true,
    });
    const message = await networkError(session.fetchToken({ grantType: 'client_credentials' }));
    expect(message).toMatch(
      /^the request failed: https:\/\/127\.0\.0\.1:\d+ requires a TLS client certificate \(mutual TLS\) and none was presented \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\): set `certificate`/,
    );
  });

  it('a client certificate the server does not trust', async () => {
    const certificate = { cert: pki.untrustedClient.cert, key: pki.untrustedClient.key };
    const message = await networkError(
      get(provider.resource, { origins: [provider.server.origin], certificate, ca: pki.ca.cert }),
    );
    expect(message).toMatch(/may have refused the client certificate|refused the TLS client/);
    expect(message).toContain(provider.server.origin);
  });

  it('a server certificate the client does not trust (no `ca`)', async () => {
    const message = await networkError(
      get(provider.resource, { origins: [provider.server.origin], certificate: clientPem() }),
    );
    expect(message).toMatch(
      /the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted: pass the CA that issued it as `ca`/,
    );
    expect(message).toContain('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('a server certificate for another host name, and `servername` to check the right one', async () => {
    const options = { origins: [otherHost.origin], certificate: clientPem(), ca: pki.ca.cert };
    const message = await networkError(get(`${otherHost.origin}/`, options));
    expect(message).toMatch(/is not issued for this host name/);
    expect(message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await get(`${otherHost.origin}/`, { ...options, servername: 'other.test' })).toBe(200);
    expect(otherHost.requests.at(-1)?.certificate?.thumbprint).toBe(pki.client.thumbprint);
  });
});

describe('certificates and options are checked at construction (InvalidArgumentError)', () => {
  const origins = ['https://as.example.com'];

  it('a wrong PKCS#12 passphrase, never shown', () => {
    const passphrase = 'wrong-passphrase-42';
    let error: unknown;
    try {
      mtlsAgent({ origins, certificate: { pfx: pki.pfx.pfx, passphrase } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      /^the client certificate could not be loaded \(.*mac verify failure.*\): wrong passphrase\?$/,
    );
    for (const rendering of [String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) {
      expect(rendering).not.toContain(passphrase);
    }
    const ok = mtlsAgent({
      origins,
      certificate: { pfx: pki.pfx.pfx, passphrase: pki.pfx.passphrase },
    });
    ok.destroy();
  });

  it('a key that does not belong to the certificate', () => {
    const certificate = { cert: pki.client.cert, key: pki.otherClient.key };
    expect(() => mtlsAgent({ origins, certificate })).toThrow(
      /the key does not belong to the certificate$/,
    );
  });

  it('unusable options', () => {
    const cases: unknown[] = [
      undefined,
      { origins: [] },
      { origins: ['http://as.example.com'] },
      { origins, certificate: { key: pki.client.key } },
      { origins, certificate: { pfx: pki.pfx.pfx, key: pki.client.key } },
      { origins, ca: 'not a certificate' },
      { origins, servername: 42 },
      { origins, rejectUnauthorized: 0 },
    ];
    for (const options of cases) {
      expect(() => mtlsAgent(options as NodeTlsOptions), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});

describe('process-wide TLS settings are never touched', () => {
  it('rejectUnauthorized: false is per agent and per origin, warns once, changes nothing global', async () => {
    const agentBefore = globalAgent;
    const agentOptions = structuredClone(globalAgent.options);
    const envBefore = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const insecure: NodeTlsOptions = {
        origins: [provider.server.origin],
        certificate: clientPem(),
        rejectUnauthorized: false,
      };
      expect(await get(provider.resource, insecure)).toBe(401); // reached: no token sent
      expect(await get(provider.resource, insecure)).toBe(401);
      await networkError(get(`${provider.other.origin}/landing`, insecure));
      // Plain axios (the global agent) still does not trust the server.
      await expect(axios.get(provider.resource)).rejects.toThrow(/self-signed certificate/);

      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
      const ours = warnings.filter(
        (w) => (w as { code?: string }).code === 'X_TLS_REJECT_UNAUTHORIZED',
      );
      expect(ours).toHaveLength(1);
      expect(ours[0]?.message).toContain(provider.server.origin);
    } finally {
      process.off('warning', onWarning);
    }
    expect(globalAgent).toBe(agentBefore);
    expect(globalAgent.options).toEqual(agentOptions);
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBe(envBefore);
  });
});
