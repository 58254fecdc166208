import type { ServerResponse } from 'node:http';
import type { HttpRequest } from '@x/core';
import { staticBearer } from '@x/core';
import { MemoryNonceStore, verifySignature } from '@x/oauth1';
import {
  createTestPki,
  type MtlsProvider,
  type MtlsRequest,
  startMtlsProvider,
  type TestPki,
  waitFor,
} from '@x/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssertionSession } from '../src/assertion.js';
import { createAuthFetch } from '../src/auth-fetch.js';
import { type ClientCertificate, nodeFetchOptions } from '../src/node.js';
import { OAuth1Session } from '../src/oauth1.js';
import { OAuth2Session } from '../src/oauth2.js';
import { rsaKey } from './assertion-server.js';

// RFC 8705 end to end over fetch: https servers on 127.0.0.1 that require a
// client certificate (a token endpoint and a resource server on the mTLS
// origin, and another origin that records what it was presented), the
// certificates generated for this run by the openssl CLI.

let pki: TestPki;
let provider: MtlsProvider;
const nonceStore = new MemoryNonceStore();
const OAUTH1 = { clientId: 'printer', clientSecret: 'oauth1-consumer-secret' };
const TOKEN_SECRET = 'oauth1-token-secret';

/** OAuth 1.0a endpoints on the mTLS origin: every request's signature is verified. */
async function oauth1Endpoints(request: MtlsRequest, res: ServerResponse) {
  const signed: HttpRequest = {
    method: request.method,
    url: `${provider.server.origin}${request.url}`,
    headers: new Headers(request.headers as Record<string, string>),
    body: request.body,
  };
  const params = await verifySignature(signed, {
    nonceStore,
    lookup: ({ oauth_consumer_key, oauth_token }) =>
      oauth_consumer_key === OAUTH1.clientId
        ? {
            clientSecret: OAUTH1.clientSecret,
            tokenSecret: oauth_token === 'access-1' ? TOKEN_SECRET : '',
          }
        : undefined,
  }).catch(() => undefined);
  if (params === undefined || request.certificate === undefined) {
    return void res.writeHead(401).end('oauth_problem=signature_invalid');
  }
  if (request.url === '/oauth1/request_token') {
    res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
    return void res.end(
      'oauth_token=temp-1&oauth_token_secret=temp-secret&oauth_callback_confirmed=true',
    );
  }
  if (request.url === '/oauth1/resource' && params.oauth_token === 'access-1') {
    return void res.end(`hello ${request.certificate.subject}`);
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  pki = await createTestPki();
  provider = await startMtlsProvider(pki, oauth1Endpoints);
});
afterAll(async () => {
  await provider?.close();
  await pki?.cleanup();
});

const origins = () => [provider.server.origin];
const clientPem = (): ClientCertificate => ({ cert: pki.client.cert, key: pki.client.key });

function oauth2Session(clientId: string, certificate: ClientCertificate) {
  const method = provider.clients.get(clientId)?.method;
  return new OAuth2Session({
    clientId,
    tokenEndpointAuthMethod: method,
    metadata: provider.metadata,
    ...nodeFetchOptions({ origins: origins(), certificate, ca: pki.ca.cert }),
    ownsDispatcher: true,
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
    // The token is bound to the certificate (cnf.x5t#S256), and the session presents it again.
    expect(provider.issued.get(token.access_token)).toBe(pki.client.thumbprint);
    const response = await session.get(provider.resource);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'CN=client-1,O=X Test' });
  });

  it('self_signed_tls_client_auth: the registered self-signed certificate, matched exactly', async () => {
    const certificate = { cert: pki.selfSigned.cert, key: pki.selfSigned.key };
    await using session = oauth2Session('device', certificate);
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    expect(provider.server.requests.at(-1)?.certificate?.thumbprint).toBe(
      pki.selfSigned.thumbprint,
    );
    expect(provider.issued.get(token.access_token)).toBe(pki.selfSigned.thumbprint);
    expect((await session.get(provider.resource)).status).toBe(200);
    // Introspection also goes to its mTLS alias, authenticated by the certificate.
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
    // A CA-issued certificate, but not the one registered for the self-signed client.
    await using session = oauth2Session('device', clientPem());
    await expect(session.fetchToken({ grantType: 'client_credentials' })).rejects.toMatchObject({
      code: 'ERR_OAUTH_RESPONSE',
      error: 'invalid_client',
    });
  });
});

describe('certificate-bound access tokens (RFC 8705 3)', () => {
  async function boundToken(): Promise<string> {
    await using session = oauth2Session('ca-client', clientPem());
    return (await session.fetchToken({ grantType: 'client_credentials' })).access_token;
  }

  it('are accepted with the same certificate and refused with another', async () => {
    const token = await boundToken();
    const call = async (certificate: ClientCertificate) => {
      const options = nodeFetchOptions({ origins: origins(), certificate, ca: pki.ca.cert });
      try {
        return (await createAuthFetch(staticBearer(token), options)(provider.resource)).status;
      } finally {
        await options.dispatcher.close();
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
  // Connections to any origin not listed get Node's defaults: the other origin's
  // certificate (from the test CA) is not trusted there, so those requests fail, but
  // its server records each handshake and whether a client certificate came with it.
  const handshakesSince = (count: number) => provider.other.connections.slice(count);

  it('not to another origin', async () => {
    await using session = oauth2Session('ca-client', clientPem());
    await session.fetchToken({ grantType: 'client_credentials' });
    const before = provider.other.connections.length;
    const error = await session.fetch(`${provider.other.origin}/landing`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
    expect(String(error)).toMatch(/is not trusted: list https:\/\/127\.0\.0\.1:\d+ in origins/);
    expect(await waitFor(() => provider.other.connections.length > before)).toBe(true);
    expect(handshakesSince(before).every((presented) => presented === undefined)).toBe(true);
  });

  it('not after a cross-origin redirect from an origin where it was presented', async () => {
    await using session = oauth2Session('ca-client', clientPem());
    await session.fetchToken({ grantType: 'client_credentials' });
    const before = provider.other.connections.length;
    const error = await session.get(`${provider.server.origin}/redirect`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
    const hop = provider.server.requests.at(-1);
    expect(hop?.url).toBe('/redirect');
    expect(hop?.certificate?.thumbprint).toBe(pki.client.thumbprint);
    expect(await waitFor(() => provider.other.connections.length > before)).toBe(true);
    expect(handshakesSince(before).every((presented) => presented === undefined)).toBe(true);
  });

  it('but to every origin listed (the control: the other origin does record certificates)', async () => {
    const options = nodeFetchOptions({
      origins: [provider.server.origin, provider.other.origin],
      certificate: clientPem(),
      ca: pki.ca.cert,
    });
    try {
      const before = provider.other.connections.length;
      const response = await options.fetch(`${provider.other.origin}/landing`, {
        dispatcher: options.dispatcher,
      } as RequestInit);
      expect(await response.text()).toBe('landing');
      expect(handshakesSince(before).map((presented) => presented?.thumbprint)).toEqual([
        pki.client.thumbprint,
      ]);
    } finally {
      await options.dispatcher.close();
    }
  });
});

describe('other sessions against a provider behind mutual TLS', () => {
  it('AssertionSession: JWT-bearer grant with tls_client_auth, then a bound-token request', async () => {
    const { privatePem } = rsaKey();
    await using session = new AssertionSession({
      tokenEndpoint: provider.metadata.mtls_endpoint_aliases.token_endpoint,
      issuer: 'ca-client',
      subject: 'alice',
      key: privatePem,
      alg: 'RS256',
      clientId: 'ca-client',
      tokenEndpointAuthMethod: 'tls_client_auth',
      ...nodeFetchOptions({ origins: origins(), certificate: clientPem(), ca: pki.ca.cert }),
      ownsDispatcher: true,
    });
    const response = await session.get(provider.resource);
    expect(response.status).toBe(200);
    const tokenRequest = provider.server.requests.filter((r) => r.url === '/token').at(-1);
    const form = new URLSearchParams(tokenRequest?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('assertion')).toMatch(/^eyJ/);
    expect(form.get('client_id')).toBe('ca-client');
    expect(tokenRequest?.certificate?.thumbprint).toBe(pki.client.thumbprint);
  });

  it('OAuth1Session: signed credential and resource requests over mutual TLS', async () => {
    await using session = new OAuth1Session({
      ...OAUTH1,
      redirectUri: 'https://app.example.com/callback',
      ...nodeFetchOptions({
        origins: origins(),
        certificate: { pfx: pki.pfx.pfx, passphrase: pki.pfx.passphrase },
        ca: pki.ca.cert,
      }),
      ownsDispatcher: true,
    });
    const temporary = await session.fetchRequestToken(
      `${provider.server.origin}/oauth1/request_token`,
    );
    expect(temporary.oauth_token).toBe('temp-1');
    session.token = { oauth_token: 'access-1', oauth_token_secret: TOKEN_SECRET };
    const response = await session.get(`${provider.server.origin}/oauth1/resource`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello CN=client-1,O=X Test');
  });
});
