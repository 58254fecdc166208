import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationServer,
  startAuthorizationServer,
  TEST_REDIRECT_URI,
  type TestClient,
} from '../src/index.js';

// The harness proved with plain fetch: no library code involved.

let as: AuthorizationServer;

beforeAll(async () => {
  as = await startAuthorizationServer();
});

afterAll(async () => {
  await as.close();
});

function basic(client: TestClient): string {
  const user = encodeURIComponent(client.client_id);
  const pass = encodeURIComponent(client.client_secret ?? '');
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

interface Json {
  status: number;
  body: Record<string, unknown>;
}

async function post(
  url: string,
  params: Record<string, string>,
  authorization?: string,
): Promise<Json> {
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
  if (authorization) headers.set('authorization', authorization);
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(client: TestClient, params: Record<string, string> = {}): URL {
  const url = new URL(as.endpoints.authorization);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    scope: 'api:read',
    state: 'xyz',
    ...params,
  }).toString();
  return url;
}

/** Runs the authorization code flow with PKCE and returns the token response. */
async function codeFlow(client: TestClient): Promise<Json> {
  const { verifier, challenge } = pkce();
  const callback = new URL(
    await as.authorize(
      authorizationUrl(client, { code_challenge: challenge, code_challenge_method: 'S256' }),
    ),
  );
  const code = callback.searchParams.get('code') ?? '';
  return post(
    as.endpoints.token,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirect_uri,
      code_verifier: verifier,
      ...(client.client_secret === undefined ? { client_id: client.client_id } : {}),
    },
    client.client_secret === undefined ? undefined : basic(client),
  );
}

describe('startAuthorizationServer', () => {
  it('listens on a random loopback port and serves its discovery document', async () => {
    expect(as.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(as.issuer).not.toBe('http://127.0.0.1:0');
    const res = await fetch(as.endpoints.discovery);
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: as.issuer,
      authorization_endpoint: as.endpoints.authorization,
      token_endpoint: as.endpoints.token,
      revocation_endpoint: as.endpoints.revocation,
      introspection_endpoint: as.endpoints.introspection,
      jwks_uri: as.endpoints.jwks,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    );
  });

  it('registers one client per token endpoint auth method, with fresh secrets', async () => {
    expect(as.findClient('client_secret_basic')).toBe(as.clients.basic);
    expect(as.findClient('client_secret_post')).toBe(as.clients.post);
    expect(as.findClient('none')).toBe(as.clients.public);
    expect(as.clients.public?.client_secret).toBeUndefined();
    expect(as.clients.basic?.client_secret).toMatch(/^[\w-]{43}$/);
    expect(() => as.findClient('tls_client_auth')).toThrow(/no test client/);
    const other = await startAuthorizationServer();
    try {
      expect(other.clients.basic?.client_secret).not.toBe(as.clients.basic?.client_secret);
      expect(other.issuer).not.toBe(as.issuer);
    } finally {
      await other.close();
    }
  });

  it('issues a client_credentials token to client_secret_basic and rejects a wrong secret', async () => {
    const client = as.findClient('client_secret_basic');
    const ok = await post(
      as.endpoints.token,
      { grant_type: 'client_credentials', scope: 'api:read' },
      basic(client),
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
    expect(ok.body.access_token).toEqual(expect.any(String));
    expect(ok.body.refresh_token).toBeUndefined();

    const wrong = await post(
      as.endpoints.token,
      { grant_type: 'client_credentials' },
      basic({ ...client, client_secret: 'wrong' }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('issues a client_credentials token to client_secret_post', async () => {
    const client = as.findClient('client_secret_post');
    const ok = await post(as.endpoints.token, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret ?? '',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
  });

  it('authorize() drives login and consent and returns the callback URL', async () => {
    const client = as.findClient('client_secret_basic');
    const callback = new URL(await as.authorize(authorizationUrl(client)));
    expect(`${callback.origin}${callback.pathname}`).toBe(TEST_REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('xyz');
    expect(callback.searchParams.get('iss')).toBe(as.issuer);
    expect(callback.searchParams.get('code')).toMatch(/\S{20,}/);
  });

  it('authorize() returns an error callback when the user denies consent', async () => {
    const client = as.findClient('client_secret_basic');
    const callback = new URL(await as.authorize(authorizationUrl(client), { consent: false }));
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('xyz');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('authorize() throws when the server cannot redirect (unregistered redirect_uri)', async () => {
    const client = as.findClient('client_secret_basic');
    await expect(
      as.authorize(authorizationUrl(client, { redirect_uri: 'http://127.0.0.1/elsewhere' })),
    ).rejects.toThrow(/invalid_redirect_uri/);
  });

  it('runs the authorization code flow with PKCE for the public client', async () => {
    const client = as.findClient('none');
    const token = await codeFlow(client);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'api:read' });
    expect(token.body.refresh_token).toEqual(expect.any(String));

    // PKCE is required for public clients...
    const refused = new URL(await as.authorize(authorizationUrl(client)));
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('checks the S256 code_verifier and refuses a code used twice', async () => {
    const client = as.findClient('client_secret_basic');
    const { verifier, challenge } = pkce();
    const callback = new URL(
      await as.authorize(
        authorizationUrl(client, { code_challenge: challenge, code_challenge_method: 'S256' }),
      ),
    );
    const params = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: client.redirect_uri,
    };
    const wrongVerifier = await post(
      as.endpoints.token,
      { ...params, code_verifier: pkce().verifier },
      basic(client),
    );
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    // A failed PKCE check does not consume the code; the right verifier wins once.
    const ok = await post(
      as.endpoints.token,
      { ...params, code_verifier: verifier },
      basic(client),
    );
    expect(ok.status).toBe(200);
    const reused = await post(
      as.endpoints.token,
      { ...params, code_verifier: verifier },
      basic(client),
    );
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens and rejects the old one after use', async () => {
    const client = as.findClient('client_secret_basic');
    const first = await codeFlow(client);
    const oldRefresh = first.body.refresh_token as string;
    expect(oldRefresh).toEqual(expect.any(String));

    const refreshed = await post(
      as.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: oldRefresh },
      basic(client),
    );
    expect(refreshed.status).toBe(200);
    const newRefresh = refreshed.body.refresh_token as string;
    expect(newRefresh).toEqual(expect.any(String));
    expect(newRefresh).not.toBe(oldRefresh);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);

    const replay = await post(
      as.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: oldRefresh },
      basic(client),
    );
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('revokes an access token (introspection then says inactive)', async () => {
    const client = as.findClient('client_secret_basic');
    const { body } = await codeFlow(client);
    const accessToken = body.access_token as string;
    const introspect = () =>
      post(as.endpoints.introspection, { token: accessToken }, basic(client));

    expect((await introspect()).body.active).toBe(true);
    const res = await fetch(as.endpoints.revocation, {
      method: 'POST',
      headers: { authorization: basic(client) },
      body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
    });
    expect(res.status).toBe(200);
    expect(await introspect()).toEqual({ status: 200, body: { active: false } });
  });

  it('revoking a refresh token revokes its whole grant; another client cannot revoke', async () => {
    const client = as.findClient('client_secret_basic');
    const { body } = await codeFlow(client);
    const introspect = (token: string) =>
      post(as.endpoints.introspection, { token }, basic(client));
    const revoke = (token: string, by: TestClient) =>
      fetch(as.endpoints.revocation, {
        method: 'POST',
        headers: { authorization: basic(by) },
        body: new URLSearchParams({ token }),
      });

    // RFC 7009 lets the server answer 200 for a token it will not revoke.
    expect(
      (await revoke(body.refresh_token as string, as.findClient('client_secret_post'))).status,
    ).toBe(200);
    expect((await introspect(body.refresh_token as string)).body.active).toBe(true);

    expect((await revoke(body.refresh_token as string, client)).status).toBe(200);
    expect((await introspect(body.refresh_token as string)).body.active).toBe(false);
    expect((await introspect(body.access_token as string)).body.active).toBe(false);
  });

  it('invalidateToken() drops one access token and leaves its refresh token valid', async () => {
    const client = as.findClient('client_secret_basic');
    const { body } = await codeFlow(client);
    const introspect = (token: string) =>
      post(as.endpoints.introspection, { token }, basic(client));

    await expect(as.invalidateToken(body.access_token as string)).resolves.toBe(true);
    expect((await introspect(body.access_token as string)).body.active).toBe(false);
    expect((await introspect(body.refresh_token as string)).body.active).toBe(true);
    await expect(as.invalidateToken(body.access_token as string)).resolves.toBe(false);
    const refreshed = await post(
      as.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: body.refresh_token as string },
      basic(client),
    );
    expect(refreshed.status).toBe(200);
  });

  it('introspects access, refresh and client_credentials tokens', async () => {
    const client = as.findClient('client_secret_post');
    const creds = { client_id: client.client_id, client_secret: client.client_secret ?? '' };
    const { body } = await codeFlow(as.findClient('client_secret_basic'));
    const cc = await post(as.endpoints.token, {
      grant_type: 'client_credentials',
      scope: 'api:write',
      ...creds,
    });

    const access = await post(as.endpoints.introspection, {
      token: body.access_token as string,
      ...creds,
    });
    expect(access.status).toBe(200);
    expect(access.body).toMatchObject({
      active: true,
      client_id: 'basic-client',
      sub: 'alice',
      scope: 'api:read',
      token_type: 'Bearer',
      iss: as.issuer,
    });
    expect(access.body.exp).toEqual(expect.any(Number));

    const refresh = await post(as.endpoints.introspection, {
      token: body.refresh_token as string,
      token_type_hint: 'refresh_token',
      ...creds,
    });
    expect(refresh.body).toMatchObject({ active: true, client_id: 'basic-client' });

    const own = await post(as.endpoints.introspection, {
      token: cc.body.access_token as string,
      ...creds,
    });
    expect(own.body).toMatchObject({ active: true, client_id: 'post-client', scope: 'api:write' });

    const unknown = await post(as.endpoints.introspection, { token: 'not-a-token', ...creds });
    expect(unknown.body).toEqual({ active: false });
  });

  it('lets access tokens expire after accessTokenTTL', async () => {
    // 2 s, not 1: expiry is in whole seconds from a truncated `iat`, so a 1 s token issued
    // late in a second can be dead before a busy machine asks about it.
    const short = await startAuthorizationServer({ accessTokenTTL: 2 });
    try {
      const client = short.findClient('client_secret_basic');
      const cc = await post(
        short.endpoints.token,
        { grant_type: 'client_credentials' },
        basic(client),
      );
      expect(cc.body.expires_in).toBe(2);
      const token = cc.body.access_token as string;
      const check = () => post(short.endpoints.introspection, { token }, basic(client));
      expect((await check()).body.active).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      expect((await check()).body.active).toBe(false);
    } finally {
      await short.close();
    }
  });

  it('registers extra clients with the confidential defaults', async () => {
    const extra = await startAuthorizationServer({
      clients: {
        other: {
          client_id: 'other-client',
          client_secret: 'a-long-enough-secret-for-the-test-client',
          token_endpoint_auth_method: 'client_secret_post',
        },
      },
    });
    try {
      expect(extra.clients.other).toMatchObject({
        client_id: 'other-client',
        redirect_uri: TEST_REDIRECT_URI,
      });
      const cc = await post(extra.endpoints.token, {
        grant_type: 'client_credentials',
        client_id: 'other-client',
        client_secret: 'a-long-enough-secret-for-the-test-client',
      });
      expect(cc.status).toBe(200);
    } finally {
      await extra.close();
    }
  });

  it('close() ends keep-alive connections and is idempotent', async () => {
    const temp = await startAuthorizationServer();
    const res = await fetch(temp.endpoints.discovery);
    expect(res.status).toBe(200);
    await Promise.all([temp.close(), temp.close()]);
    await expect(fetch(temp.endpoints.discovery)).rejects.toThrow();
    expect(temp.serverErrors).toEqual([]);
    expect(as.serverErrors).toEqual([]);
  });
});
