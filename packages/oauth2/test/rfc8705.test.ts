import { createHash, X509Certificate } from 'node:crypto';
import { localhostCert } from '@x/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationServerMetadata,
  type ClientAuth,
  certificateThumbprint,
  InsecureTransportError,
  InvalidArgumentError,
  isMtlsClientAuthMethod,
  mtlsEndpointAlias,
  OAuth2Client,
  type OAuth2ClientOptions,
  selfSignedTlsClientAuth,
  tlsClientAuth,
} from '../src/index.js';
import { rejectionOf, sendJson, startServer, type TestServer, transport } from './support.js';

/**
 * RFC 8705 on the client side: the mutual-TLS client authentication methods
 * (the certificate itself is the transport's business, tested in the
 * adapters) and `mtls_endpoint_aliases`. Two plain-http loopback servers
 * stand for the conventional endpoints and their mTLS aliases.
 */

let conventional: TestServer;
let aliased: TestServer;

const answer: Parameters<typeof startServer>[0] = (req, res) => {
  if (req.url === '/revoke') return sendJson(res, 200, {});
  if (req.url === '/introspect') return sendJson(res, 200, { active: true });
  sendJson(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
};

beforeAll(async () => {
  conventional = await startServer(answer);
  aliased = await startServer(answer);
});
afterAll(async () => {
  await conventional.close();
  await aliased.close();
});
afterEach(() => {
  conventional.requests.length = 0;
  aliased.requests.length = 0;
});

function metadata(aliases: Record<string, string> | undefined = undefined) {
  const m: AuthorizationServerMetadata = {
    issuer: 'https://as.example.com',
    token_endpoint: `${conventional.origin}/token`,
    revocation_endpoint: `${conventional.origin}/revoke`,
    introspection_endpoint: `${conventional.origin}/introspect`,
    mtls_endpoint_aliases: aliases ?? {
      token_endpoint: `${aliased.origin}/token`,
      revocation_endpoint: `${aliased.origin}/revoke`,
      introspection_endpoint: `${aliased.origin}/introspect`,
    },
  };
  return m;
}

function client(options: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'service-1',
    metadata: metadata(),
    allowInsecureTransport: true,
    transport,
    ...options,
  });
}

/** Fetches a token, revokes and introspects it; returns the servers each request went to. */
async function exercise(c: OAuth2Client): Promise<string[]> {
  await c.fetchToken({ grantType: 'client_credentials' });
  await c.revokeToken();
  await c.introspectToken();
  const where = (origin: string, server: TestServer) =>
    server.requests.map((r) => `${origin} ${r.url}`);
  return [...where('conventional', conventional), ...where('aliased', aliased)];
}

describe('tls_client_auth and self_signed_tls_client_auth (RFC 8705 2)', () => {
  for (const method of ['tls_client_auth', 'self_signed_tls_client_auth'] as const) {
    it(`${method}: client_id in the body, no secret, no Authorization header`, async () => {
      // A secret configured for something else must not leak into an mTLS request.
      const c = client({ tokenEndpointAuthMethod: method, clientSecret: 'not-for-mtls' });
      await c.fetchToken({ grantType: 'client_credentials', scope: 'read' });
      const [request] = aliased.requests;
      expect(request?.form).toEqual({
        grant_type: 'client_credentials',
        scope: 'read',
        client_id: 'service-1',
      });
      expect(request?.headers.authorization).toBeUndefined();
      expect(request?.body).not.toContain('not-for-mtls');
      expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    });
  }

  it('authenticates refresh, revocation and introspection requests the same way', async () => {
    const c = client({
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      token: { access_token: 'old', refresh_token: 'rt', token_type: 'Bearer' },
    });
    await c.refreshToken();
    await c.revokeToken(undefined, 'at');
    await c.introspectToken(undefined, 'at');
    expect(aliased.requests.map((r) => r.form)).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'service-1' },
      { token: 'at', client_id: 'service-1' },
      { token: 'at', client_id: 'service-1' },
    ]);
    expect(aliased.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('exports the methods as ClientAuth objects, usable directly', async () => {
    expect(tlsClientAuth.name).toBe('tls_client_auth');
    expect(selfSignedTlsClientAuth.name).toBe('self_signed_tls_client_auth');
    await client({ tokenEndpointAuthMethod: tlsClientAuth }).fetchToken();
    // Passed as an object, it still counts as mutual TLS: the alias is used.
    expect(aliased.requests.map((r) => r.form.client_id)).toEqual(['service-1']);
    expect(conventional.requests).toHaveLength(0);
  });

  it('isMtlsClientAuthMethod recognizes names and ClientAuth objects, nothing else', () => {
    const custom: ClientAuth = { name: 'tls_client_auth', authenticate: (r) => r };
    expect(isMtlsClientAuthMethod('tls_client_auth')).toBe(true);
    expect(isMtlsClientAuthMethod('self_signed_tls_client_auth')).toBe(true);
    expect(isMtlsClientAuthMethod(custom)).toBe(true);
    expect(isMtlsClientAuthMethod('client_secret_basic')).toBe(false);
    expect(isMtlsClientAuthMethod('private_key_jwt')).toBe(false);
    expect(isMtlsClientAuthMethod((r) => r)).toBe(false);
    expect(isMtlsClientAuthMethod(undefined)).toBe(false);
  });
});

describe('mtls_endpoint_aliases (RFC 8705 5)', () => {
  it('are used for the token, revocation and introspection endpoints with mTLS client auth', async () => {
    const c = client({ tokenEndpointAuthMethod: 'tls_client_auth' });
    expect(c.tokenEndpoint).toBe(`${aliased.origin}/token`);
    expect(await exercise(c)).toEqual(['aliased /token', 'aliased /revoke', 'aliased /introspect']);
  });

  it('are ignored with any other client authentication', async () => {
    const c = client({ clientSecret: 'secret-1' }); // client_secret_basic
    expect(c.tokenEndpoint).toBe(`${conventional.origin}/token`);
    expect(await exercise(c)).toEqual([
      'conventional /token',
      'conventional /revoke',
      'conventional /introspect',
    ]);
  });

  it('are used with another client authentication when useMtlsEndpointAliases is true (bound tokens)', async () => {
    const c = client({ clientSecret: 'secret-1', useMtlsEndpointAliases: true });
    expect(await exercise(c)).toEqual(['aliased /token', 'aliased /revoke', 'aliased /introspect']);
    expect(aliased.requests[0]?.headers.authorization).toMatch(/^Basic /);
  });

  it('are not used with useMtlsEndpointAliases: false, even with mTLS client auth', async () => {
    const c = client({ tokenEndpointAuthMethod: 'tls_client_auth', useMtlsEndpointAliases: false });
    expect(await exercise(c)).toEqual([
      'conventional /token',
      'conventional /revoke',
      'conventional /introspect',
    ]);
  });

  it('follow each endpoint’s own client authentication', async () => {
    const c = client({
      clientSecret: 'secret-1',
      tokenEndpointAuthMethod: 'tls_client_auth',
      revocationEndpointAuthMethod: 'client_secret_basic',
      introspectionEndpointAuthMethod: 'self_signed_tls_client_auth',
    });
    expect(await exercise(c)).toEqual([
      'conventional /revoke',
      'aliased /token',
      'aliased /introspect',
    ]);
  });

  it('fall back to the conventional endpoint where the server gives no alias', async () => {
    const c = client({
      tokenEndpointAuthMethod: 'tls_client_auth',
      metadata: metadata({ token_endpoint: `${aliased.origin}/token` }),
    });
    expect(await exercise(c)).toEqual([
      'conventional /revoke',
      'conventional /introspect',
      'aliased /token',
    ]);
  });

  it('never override an endpoint given explicitly', async () => {
    const c = client({
      tokenEndpointAuthMethod: 'tls_client_auth',
      tokenEndpoint: `${conventional.origin}/token`,
    });
    await c.fetchToken();
    await c.revokeToken(`${conventional.origin}/revoke`);
    expect(conventional.requests.map((r) => r.url)).toEqual(['/token', '/revoke']);
    expect(aliased.requests).toHaveLength(0);
  });

  it('are checked for https like every endpoint', () => {
    const insecure = metadata({ token_endpoint: 'http://mtls.as.example.com/token' });
    expect(() =>
      client({ tokenEndpointAuthMethod: 'tls_client_auth', metadata: insecure }),
    ).toThrow(InsecureTransportError);
    // Ignored aliases are not even looked at.
    expect(() => client({ metadata: insecure })).not.toThrow();
  });

  it('refuse malformed aliases and options with InvalidArgumentError', async () => {
    const broken = { ...metadata(), mtls_endpoint_aliases: ['https://x.test'] } as never;
    expect(() => client({ tokenEndpointAuthMethod: 'tls_client_auth', metadata: broken })).toThrow(
      InvalidArgumentError,
    );
    const notUrl = metadata({ revocation_endpoint: 'not a url' });
    const c = client({ tokenEndpointAuthMethod: 'tls_client_auth', metadata: notUrl });
    expect(await rejectionOf(c.revokeToken(undefined, 'at'))).toBeInstanceOf(InvalidArgumentError);
    expect(() => client({ useMtlsEndpointAliases: 'yes' as never })).toThrow(InvalidArgumentError);
    expect(mtlsEndpointAlias(undefined, 'token_endpoint')).toBeUndefined();
    expect(mtlsEndpointAlias(metadata(), 'userinfo_endpoint')).toBeUndefined();
  });
});

describe('certificateThumbprint (x5t#S256, RFC 8705 3.1)', () => {
  const expected = createHash('sha256')
    .update(new X509Certificate(localhostCert).raw)
    .digest('base64url');

  it('is base64url SHA-256 of the DER certificate, from PEM or DER', async () => {
    expect(await certificateThumbprint(localhostCert)).toBe(expected);
    const der = new X509Certificate(localhostCert).raw;
    expect(await certificateThumbprint(new Uint8Array(der))).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses input that is not a certificate', async () => {
    expect(await rejectionOf(certificateThumbprint('hello'))).toBeInstanceOf(InvalidArgumentError);
    const garbled = '-----BEGIN CERTIFICATE-----\nab=c\n-----END CERTIFICATE-----';
    expect(await rejectionOf(certificateThumbprint(garbled))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(certificateThumbprint(42 as never))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
