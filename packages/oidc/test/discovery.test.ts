import { startHttpServer, type TestServer } from '@x/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discover, processMetadata, wellKnownUrl } from '../src/index.js';
import { recordingTransport } from './support.js';

// discover() against a loopback server whose answers each test sets:
// path-aware well-known URLs, the fallback to RFC 8414, and refusals.

const { transport } = recordingTransport();
let server: TestServer;
let answer: (path: string) => { status: number; body: unknown; headers?: Record<string, string> };

beforeAll(async () => {
  server = await startHttpServer((request, response) => {
    const { status, body, headers } = answer(request.url);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.requests.length = 0;
});

const options = () => ({ transport, allowInsecureTransport: true });

function oidcDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    userinfo_endpoint: `${issuer}/me`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

describe('well-known locations', () => {
  it('appends the OIDC path to the issuer path and inserts RFC 8414 before it', () => {
    expect(wellKnownUrl('https://op.test/tenant/a', 'openid-configuration')).toBe(
      'https://op.test/tenant/a/.well-known/openid-configuration',
    );
    expect(wellKnownUrl('https://op.test/tenant/a', 'oauth-authorization-server')).toBe(
      'https://op.test/.well-known/oauth-authorization-server/tenant/a',
    );
    expect(wellKnownUrl('https://op.test/', 'openid-configuration')).toBe(
      'https://op.test/.well-known/openid-configuration',
    );
    expect(wellKnownUrl('https://op.test', 'oauth-authorization-server')).toBe(
      'https://op.test/.well-known/oauth-authorization-server',
    );
  });

  it('reads an issuer with a path at both locations', async () => {
    const issuer = `${server.origin}/tenant`;
    answer = () => ({ status: 200, body: oidcDocument(issuer) });
    await expect(discover(issuer, options())).resolves.toMatchObject({ issuer });
    await expect(
      discover(issuer, { ...options(), wellKnown: 'oauth-authorization-server' }),
    ).resolves.toMatchObject({ issuer });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/tenant/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenant',
    ]);
  });

  it('falls back to RFC 8414 when the OIDC document is not found', async () => {
    const issuer = server.origin;
    answer = (path) =>
      path.includes('openid-configuration')
        ? { status: 404, body: 'not found' }
        : {
            status: 200,
            body: { issuer, token_endpoint: `${issuer}/token`, response_types_supported: ['code'] },
          };
    await expect(discover(issuer, options())).resolves.toEqual({
      issuer,
      token_endpoint: `${issuer}/token`,
      response_types_supported: ['code'],
    });
    expect(server.requests).toHaveLength(2);
  });
});

describe('refusals', () => {
  const issuer = () => server.origin;

  it('does not follow redirects', async () => {
    answer = () => ({
      status: 302,
      body: '',
      headers: { location: `${issuer()}/elsewhere/.well-known/openid-configuration` },
    });
    await expect(discover(issuer(), options())).rejects.toMatchObject({ code: 'ERR_REDIRECT' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses another issuer, even one differing only by a trailing slash', async () => {
    for (const served of ['https://evil.example.com', `${issuer()}/`]) {
      answer = () => ({ status: 200, body: oidcDocument(served) });
      await expect(discover(issuer(), options())).rejects.toMatchObject({
        code: 'ERR_INVALID_RESPONSE',
        message: /not the issuer asked for/,
      });
    }
  });

  const doc = (changes: Record<string, unknown>) => ({ ...oidcDocument(issuer()), ...changes });
  it.each([
    ['not JSON', () => '<html>login</html>', /not valid JSON/],
    ['an array', () => [oidcDocument(issuer())], /not a JSON object/],
    ['no issuer', () => doc({ issuer: undefined }), /no issuer/],
    ['a missing jwks_uri', () => doc({ jwks_uri: undefined }), /no jwks_uri/],
    [
      'a missing subject_types_supported',
      () => doc({ subject_types_supported: undefined }),
      /subject_types/,
    ],
    [
      'a non-string endpoint',
      () => doc({ token_endpoint: 42 }),
      /token_endpoint is not an absolute URL/,
    ],
    ['a relative endpoint', () => doc({ userinfo_endpoint: '/me' }), /userinfo_endpoint/],
    [
      'a malformed list',
      () => doc({ response_types_supported: 'code' }),
      /response_types_supported/,
    ],
  ])('refuses a document with %s', async (_name, body, message) => {
    answer = () => ({ status: 200, body: body() });
    await expect(discover(issuer(), options())).rejects.toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      message: expect.stringMatching(message),
    });
  });

  it('checks every endpoint against the insecure-transport policy', async () => {
    answer = () => ({
      status: 200,
      body: { ...oidcDocument(issuer()), end_session_endpoint: 'http://op.example.com/logout' },
    });
    await expect(discover(issuer(), options())).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
    const doc = {
      ...oidcDocument('https://op.test'),
      mtls_endpoint_aliases: { token_endpoint: 'http://op.test/t' },
    };
    expect(() => processMetadata(doc, 'https://op.test', 'openid-configuration')).toThrow(
      expect.objectContaining({ code: 'ERR_INSECURE_TRANSPORT' }),
    );
  });

  it('refuses an error status, an issuer with a query, and a missing transport', async () => {
    answer = () => ({ status: 500, body: { error: 'server_error' } });
    await expect(discover(issuer(), options())).rejects.toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      status: 500,
    });
    await expect(discover(`${issuer()}?tenant=a`, options())).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(
      discover(issuer(), {} as unknown as Parameters<typeof discover>[1]),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
