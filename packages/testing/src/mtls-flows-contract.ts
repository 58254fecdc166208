import type { ServerResponse } from 'node:http';
import { type HttpRequest, staticBearer } from '@x/core';
import type { ClientCertificate } from '@x/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rsaKey } from './assertion-server.js';
import type { AssertionSessionInit, AssertionSessionLike } from './assertion-session-contract.js';
import {
  createTestPki,
  type MtlsProvider,
  type MtlsRequest,
  startMtlsProvider,
  type TestPki,
} from './certificates.js';
import type { TlsStackDriver } from './mtls-driver.js';
import type { OAuth1SessionInit, OAuth1SessionLike } from './oauth1-session-contract.js';
import type { OAuth2SessionInit, OAuth2SessionLike } from './oauth2-session-contract.js';
import { settled } from './rejections.js';
import { waitFor } from './servers.js';
import { jsonBody, type SessionDriver } from './session-driver.js';

/**
 * RFC 8705 end to end over each adapter: https servers on 127.0.0.1 that
 * require a client certificate (a token endpoint and a resource server on the
 * mTLS origin, and another origin that records what it was presented), the
 * certificates generated for this run by the openssl CLI.
 */

/** An `OAuth2Session` whose client says where it sends token requests. */
export interface MtlsOAuth2SessionLike extends OAuth2SessionLike {
  readonly client: OAuth2SessionLike['client'] & { readonly tokenEndpoint: string | undefined };
}

/** An adapter's drivers, with the session classes the flows use. */
export interface MtlsFlowsDriver<B, A, S2 extends B, SA extends B, S1 extends B>
  extends SessionDriver<B, A>,
    TlsStackDriver {
  OAuth2Session: new (options: NoInfer<OAuth2SessionInit & A>) => S2;
  AssertionSession: new (options: NoInfer<AssertionSessionInit & A>) => SA;
  OAuth1Session: new (options: NoInfer<OAuth1SessionInit & A>) => S1;
}

/** What the OAuth 1.0a endpoints of the mTLS origin need of `@x/oauth1` (which @x/testing cannot import). */
export interface OAuth1Verifier<N> {
  verifySignature(
    request: HttpRequest,
    options: {
      nonceStore: N;
      lookup(params: {
        oauth_consumer_key: string;
        oauth_token?: string | undefined;
      }): { clientSecret: string; tokenSecret: string } | undefined;
    },
  ): Promise<{ oauth_token?: string | undefined }>;
  MemoryNonceStore: new () => N;
}

const OAUTH1 = { clientId: 'printer', clientSecret: 'oauth1-consumer-secret' };
const TOKEN_SECRET = 'oauth1-token-secret';

/**
 * Registers the mutual-TLS flows for one adapter.
 *
 * @example
 * describeMtlsFlowsContract({ ...driver, ...tlsDriver, OAuth2Session, AssertionSession, OAuth1Session }, { verifySignature, MemoryNonceStore })
 */
export function describeMtlsFlowsContract<
  B,
  A,
  S2 extends B & MtlsOAuth2SessionLike,
  SA extends B & AssertionSessionLike,
  S1 extends B & OAuth1SessionLike,
  N,
>(driver: MtlsFlowsDriver<B, A, S2, SA, S1>, oauth1: OAuth1Verifier<N>): void {
  let pki: TestPki;
  let provider: MtlsProvider;
  const nonceStore = new oauth1.MemoryNonceStore();

  /** OAuth 1.0a endpoints on the mTLS origin: every request's signature is verified. */
  async function oauth1Endpoints(request: MtlsRequest, res: ServerResponse) {
    const signed: HttpRequest = {
      method: request.method,
      url: `${provider.server.origin}${request.url}`,
      headers: new Headers(request.headers as Record<string, string>),
      body: request.body,
    };
    const params = await oauth1
      .verifySignature(signed, {
        nonceStore,
        lookup: ({ oauth_consumer_key, oauth_token }) =>
          oauth_consumer_key === OAUTH1.clientId
            ? {
                clientSecret: OAUTH1.clientSecret,
                tokenSecret: oauth_token === 'access-1' ? TOKEN_SECRET : '',
              }
            : undefined,
      })
      .catch(() => undefined);
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

  const origins = () => [provider.server.origin];
  const clientPem = (): ClientCertificate => ({ cert: pki.client.cert, key: pki.client.key });
  const tls = (certificate: ClientCertificate) => ({
    origins: origins(),
    certificate,
    ca: pki.ca.cert,
  });

  function oauth2Session(clientId: string, certificate: ClientCertificate): S2 {
    return new driver.OAuth2Session({
      clientId,
      tokenEndpointAuthMethod: provider.clients.get(clientId)?.method,
      metadata: provider.metadata,
      ...driver.pool({ tls: tls(certificate) }).options,
    } as OAuth2SessionInit & A);
  }

  describe(`mutual TLS (${driver.name})`, () => {
    beforeAll(async () => {
      pki = await createTestPki();
      provider = await startMtlsProvider(pki, oauth1Endpoints);
    });
    afterAll(async () => {
      await provider?.close();
      await pki?.cleanup();
    });

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
        const response = await driver.send(session, { url: provider.resource });
        expect(jsonBody(response)).toEqual({ subject: 'CN=client-1,O=X Test' });
      });

      it('self_signed_tls_client_auth: the registered self-signed certificate, matched exactly', async () => {
        const certificate = { cert: pki.selfSigned.cert, key: pki.selfSigned.key };
        await using session = oauth2Session('device', certificate);
        const token = await session.fetchToken({ grantType: 'client_credentials' });
        expect(provider.server.requests.at(-1)?.certificate?.thumbprint).toBe(
          pki.selfSigned.thumbprint,
        );
        expect(provider.issued.get(token.access_token)).toBe(pki.selfSigned.thumbprint);
        expect((await driver.send(session, { url: provider.resource })).status).toBe(200);
        // Introspection also goes to its mTLS alias, authenticated by the certificate.
        const info = await session.introspectToken();
        expect(info).toMatchObject({
          active: true,
          cnf: { 'x5t#S256': pki.selfSigned.thumbprint },
        });
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
        await expect(session.fetchToken({ grantType: 'client_credentials' })).rejects.toMatchObject(
          { code: 'ERR_OAUTH_RESPONSE', error: 'invalid_client' },
        );
      });
    });

    describe('certificate-bound access tokens (RFC 8705 3)', () => {
      it('are accepted with the same certificate and refused with another', async () => {
        let token: string;
        {
          await using session = oauth2Session('ca-client', clientPem());
          token = (await session.fetchToken({ grantType: 'client_credentials' })).access_token;
        }
        const call = async (certificate: ClientCertificate) =>
          (await driver.tlsGet(provider.resource, tls(certificate), staticBearer(token))).status;
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

      /** GETs `url` with a bound token: it must fail, no certificate presented to the other origin. */
      async function refusedElsewhere(url: string): Promise<unknown> {
        await using session = oauth2Session('ca-client', clientPem());
        await session.fetchToken({ grantType: 'client_credentials' });
        const before = provider.other.connections.length;
        const error = await settled(driver.send(session, { url }));
        expect(error).toMatchObject({ code: 'ERR_NETWORK' });
        expect(await waitFor(() => provider.other.connections.length > before)).toBe(true);
        expect(handshakesSince(before).every((presented) => presented === undefined)).toBe(true);
        return error;
      }

      it('not to another origin', async () => {
        const error = await refusedElsewhere(`${provider.other.origin}/landing`);
        expect(String(error)).toMatch(/is not trusted: list https:\/\/127\.0\.0\.1:\d+ in origins/);
      });

      it('not after a cross-origin redirect from an origin where it was presented', async () => {
        await refusedElsewhere(`${provider.server.origin}/redirect`);
        const hop = provider.server.requests.at(-1);
        expect(hop?.url).toBe('/redirect');
        expect(hop?.certificate?.thumbprint).toBe(pki.client.thumbprint);
      });

      it('but to every origin listed (the control: the other origin does record certificates)', async () => {
        const before = provider.other.connections.length;
        const response = await driver.tlsGet(`${provider.other.origin}/landing`, {
          origins: [provider.server.origin, provider.other.origin],
          certificate: clientPem(),
          ca: pki.ca.cert,
        });
        expect(response.body).toBe('landing');
        expect(handshakesSince(before).map((presented) => presented?.thumbprint)).toEqual([
          pki.client.thumbprint,
        ]);
      });
    });

    describe('other sessions against a provider behind mutual TLS', () => {
      it('AssertionSession: JWT-bearer grant with tls_client_auth, then a bound-token request', async () => {
        const { privatePem } = rsaKey();
        await using session = new driver.AssertionSession({
          tokenEndpoint: provider.metadata.mtls_endpoint_aliases.token_endpoint,
          issuer: 'ca-client',
          subject: 'alice',
          key: privatePem,
          alg: 'RS256',
          clientId: 'ca-client',
          tokenEndpointAuthMethod: 'tls_client_auth',
          ...driver.pool({ tls: tls(clientPem()) }).options,
        } as AssertionSessionInit & A);
        const response = await driver.send(session, { url: provider.resource });
        expect(response.status).toBe(200);
        const tokenRequest = provider.server.requests.filter((r) => r.url === '/token').at(-1);
        const form = new URLSearchParams(tokenRequest?.body);
        expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
        expect(form.get('assertion')).toMatch(/^eyJ/);
        expect(form.get('client_id')).toBe('ca-client');
        expect(tokenRequest?.certificate?.thumbprint).toBe(pki.client.thumbprint);
      });

      it('OAuth1Session: signed credential and resource requests over mutual TLS', async () => {
        await using session = new driver.OAuth1Session({
          ...OAUTH1,
          redirectUri: 'https://app.example.com/callback',
          ...driver.pool({ tls: tls({ pfx: pki.pfx.pfx, passphrase: pki.pfx.passphrase }) })
            .options,
        } as OAuth1SessionInit & A);
        const temporary = await session.fetchRequestToken(
          `${provider.server.origin}/oauth1/request_token`,
        );
        expect(temporary.oauth_token).toBe('temp-1');
        session.token = { oauth_token: 'access-1', oauth_token_secret: TOKEN_SECRET };
        const response = await driver.send(session, {
          url: `${provider.server.origin}/oauth1/resource`,
        });
        expect(response).toEqual({ status: 200, body: 'hello CN=client-1,O=X Test' });
      });
    });
  });
}
