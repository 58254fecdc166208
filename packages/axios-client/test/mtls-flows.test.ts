import { staticBearer } from '@x/core';
import {
  createTestPki,
  type MtlsProvider,
  startMtlsProvider,
  type TestPki,
  waitFor,
} from '@x/testing';
import axios, { isAxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAuthenticator } from '../src/index.js';
import { type ClientCertificate, nodeAxiosOptions } from '../src/node.js';
import { OAuth2Session } from '../src/oauth2.js';

// RFC 8705 end to end over axios: https servers on 127.0.0.1 that require a
// client certificate (a token endpoint and a resource server on the mTLS
// origin, and another origin that records what it was presented), the
// certificates generated for this run by the openssl CLI.

let pki: TestPki;
let provider: MtlsProvider;

beforeAll(async () => {
  pki = await createTestPki();
  provider = await startMtlsProvider(pki);
});
afterAll(async () => {
  await provider?.close();
  await pki?.cleanup();
});

const clientPem = (): ClientCertificate => ({ cert: pki.client.cert, key: pki.client.key });

function oauth2Session(clientId: string, certificate: ClientCertificate) {
  return new OAuth2Session({
    clientId,
    tokenEndpointAuthMethod: provider.clients.get(clientId)?.method,
    metadata: provider.metadata,
    axios: nodeAxiosOptions({ origins: [provider.server.origin], certificate, ca: pki.ca.cert }),
    ownsAgents: true,
  });
}

describe('client credentials with mutual-TLS client authentication (RFC 8705 2)', () => {
  it('tls_client_auth: the CA-issued certificate authenticates the client at the mTLS alias', async () => {
    await using session = oauth2Session('ca-client', clientPem());
    expect(session.client.tokenEndpoint).toBe(
      provider.metadata.mtls_endpoint_aliases.token_endpoint,
    );
    const token = await session.fetchToken({ grantType: 'client_credentials' });

    const request = provider.server.requests.at(-1);
    expect(request?.url).toBe('/token');
    expect(request?.certificate).toEqual({
      subject: 'CN=client-1,O=X Test',
      thumbprint: pki.client.thumbprint,
      authorized: true,
    });
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'ca-client',
    });
    expect(request?.headers.authorization).toBeUndefined();
    // Bound to the certificate (cnf.x5t#S256); the session's own requests present it again.
    expect(provider.issued.get(token.access_token)).toBe(pki.client.thumbprint);
    const { status, data } = await session.axios.get(provider.resource);
    expect(status).toBe(200);
    expect(data).toEqual({ subject: 'CN=client-1,O=X Test' });
  });

  it('self_signed_tls_client_auth: the registered self-signed certificate, matched exactly', async () => {
    await using session = oauth2Session('device', {
      cert: pki.selfSigned.cert,
      key: pki.selfSigned.key,
    });
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    expect(provider.server.requests.at(-1)?.certificate?.thumbprint).toBe(
      pki.selfSigned.thumbprint,
    );
    expect(provider.issued.get(token.access_token)).toBe(pki.selfSigned.thumbprint);
    expect((await session.axios.get(provider.resource)).status).toBe(200);
    const info = await session.introspectToken();
    expect(info).toMatchObject({ active: true, cnf: { 'x5t#S256': pki.selfSigned.thumbprint } });
    expect(provider.other.requests).toHaveLength(0);
  });

  it('a PKCS#12 bundle with its passphrase works the same as PEM', async () => {
    await using session = oauth2Session('ca-client', {
      pfx: pki.pfx.pfx,
      passphrase: pki.pfx.passphrase,
    });
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    expect(provider.issued.get(token.access_token)).toBe(pki.pfx.thumbprint);
  });

  it('the server refuses a certificate that is not the registered one (invalid_client)', async () => {
    await using session = oauth2Session('device', clientPem());
    await expect(session.fetchToken({ grantType: 'client_credentials' })).rejects.toMatchObject({
      code: 'ERR_OAUTH_RESPONSE',
      error: 'invalid_client',
    });
  });
});

describe('certificate-bound access tokens (RFC 8705 3)', () => {
  it('are accepted with the same certificate and refused with another', async () => {
    let token: string;
    {
      await using session = oauth2Session('ca-client', clientPem());
      token = (await session.fetchToken({ grantType: 'client_credentials' })).access_token;
    }
    const call = async (certificate: ClientCertificate) => {
      const config = nodeAxiosOptions({
        origins: [provider.server.origin],
        certificate,
        ca: pki.ca.cert,
      });
      const api = axios.create(config);
      attachAuthenticator(api, staticBearer(token));
      try {
        return (await api.get(provider.resource)).status;
      } catch (error) {
        if (isAxiosError(error) && error.response) return error.response.status;
        throw error;
      } finally {
        config.httpsAgent.destroy();
      }
    };
    expect(await call(clientPem())).toBe(200);
    expect(await call({ cert: pki.otherClient.cert, key: pki.otherClient.key })).toBe(401);
    expect(provider.server.requests.at(-1)?.certificate?.thumbprint).toBe(
      pki.otherClient.thumbprint,
    );
  });
});

describe('the certificate is presented only to the configured origins', () => {
  // Connections to origins not listed get Node's defaults: the other origin's
  // certificate (from the test CA) is not trusted there, so those requests fail, but
  // its server records each handshake and whether a client certificate came with it.
  const handshakesSince = (count: number) => provider.other.connections.slice(count);

  it('not to another origin', async () => {
    await using session = oauth2Session('ca-client', clientPem());
    await session.fetchToken({ grantType: 'client_credentials' });
    const before = provider.other.connections.length;
    const error = await session.axios
      .get(`${provider.other.origin}/landing`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
    expect(String(error)).toMatch(/is not trusted: list https:\/\/127\.0\.0\.1:\d+ in origins/);
    expect(await waitFor(() => provider.other.connections.length > before)).toBe(true);
    expect(handshakesSince(before).every((presented) => presented === undefined)).toBe(true);
  });

  it('not after a cross-origin redirect from an origin where it was presented', async () => {
    await using session = oauth2Session('ca-client', clientPem());
    await session.fetchToken({ grantType: 'client_credentials' });
    const before = provider.other.connections.length;
    const error = await session.axios
      .get(`${provider.server.origin}/redirect`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
    const hop = provider.server.requests.at(-1);
    expect(hop?.url).toBe('/redirect');
    expect(hop?.certificate?.thumbprint).toBe(pki.client.thumbprint);
    expect(await waitFor(() => provider.other.connections.length > before)).toBe(true);
    expect(handshakesSince(before).every((presented) => presented === undefined)).toBe(true);
  });

  it('but to every origin listed (the control: the other origin does record certificates)', async () => {
    const config = nodeAxiosOptions({
      origins: [provider.server.origin, provider.other.origin],
      certificate: clientPem(),
      ca: pki.ca.cert,
    });
    try {
      const before = provider.other.connections.length;
      const { data } = await axios.get(`${provider.other.origin}/landing`, config);
      expect(data).toBe('landing');
      expect(handshakesSince(before).map((presented) => presented?.thumbprint)).toEqual([
        pki.client.thumbprint,
      ]);
    } finally {
      config.httpsAgent.destroy();
    }
  });
});
