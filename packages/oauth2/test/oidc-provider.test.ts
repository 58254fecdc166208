import { createHash } from 'node:crypto';
import type { Clock } from '@x/core';
import { OAuth2ResponseError, OAuth2Token } from '@x/core';
import { type AuthorizationServer, startAuthorizationServer, type TestClient } from '@x/testing';
import { afterAll, beforeAll, describe, expect, it, type Mock, vi } from 'vitest';
import type { AuthorizationServerMetadata, OAuth2Client } from '../src/index.js';
import {
  clientFor,
  discover,
  grantRequests,
  recordingTransport,
  type SentRequest,
} from './oidc-provider-support.js';

// OAuth2Client against a real authorization server (oidc-provider) running
// in this process: every grant it offers, each client authentication method,
// rotation, revocation and introspection, all checked by the server itself.

let as: AuthorizationServer;
let metadata: AuthorizationServerMetadata;

beforeAll(async () => {
  as = await startAuthorizationServer();
  metadata = await discover(as);
});

afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

/** A clock the test can move forward. */
function movableClock(): Clock & { advance(seconds: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(seconds: number) {
      offset += seconds * 1000;
    },
  };
}

/**
 * Asserts the arguments of one `updateToken` call. (Compares the token by
 * identity: vitest's matchers cannot print an OAuth2Token on failure.)
 */
function expectCall(
  updateToken: Mock,
  index: number,
  token: OAuth2Token,
  context: Record<string, string | undefined>,
): void {
  const [received, receivedContext] = updateToken.mock.calls[index] ?? [];
  expect(received === token).toBe(true);
  expect(receivedContext).toEqual(context);
}

/** Runs the authorization code flow (PKCE on by default) and returns the token and the callback. */
async function codeFlow(client: OAuth2Client): Promise<{ token: OAuth2Token; callback: string }> {
  const { url } = await client.createAuthorizationUrl();
  const callback = await as.authorize(url);
  const token = await client.fetchToken({ authorizationResponse: callback });
  return { token, callback };
}

/** Asserts how the client authenticated one request, per its registered method. */
function expectClientAuthentication(request: SentRequest, client: TestClient): void {
  const authorization = request.headers.get('authorization');
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic': {
      expect(authorization).toMatch(/^Basic /);
      const decoded = Buffer.from(authorization?.slice(6) ?? '', 'base64').toString();
      expect(decoded).toBe(`${client.client_id}:${client.client_secret}`);
      expect(request.params.has('client_secret')).toBe(false);
      break;
    }
    case 'client_secret_post':
      expect(authorization).toBeNull();
      expect(request.params.get('client_id')).toBe(client.client_id);
      expect(request.params.get('client_secret')).toBe(client.client_secret);
      break;
    case 'none':
      expect(authorization).toBeNull();
      expect(request.params.get('client_id')).toBe(client.client_id);
      expect(request.params.has('client_secret')).toBe(false);
      break;
    default:
      throw new Error(`unexpected method ${client.token_endpoint_auth_method}`);
  }
}

describe.each(['client_secret_basic', 'client_secret_post', 'none'])(
  'authorization code with PKCE, %s',
  (method) => {
    it('obtains a token the server issued to this client, authenticating as registered', async () => {
      const registered = as.findClient(method);
      const { transport, sent } = recordingTransport();
      const client = clientFor(registered, metadata, { transport });

      const { url, state, codeVerifier } = await client.createAuthorizationUrl();
      const sentUrl = new URL(url);
      expect(sentUrl.origin + sentUrl.pathname).toBe(as.endpoints.authorization);
      expect(sentUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(sentUrl.searchParams.get('code_challenge')).toBe(
        createHash('sha256')
          .update(codeVerifier ?? '')
          .digest('base64url'),
      );

      const callback = new URL(await as.authorize(url));
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('iss')).toBe(as.issuer);

      const token = await client.fetchToken({ authorizationResponse: callback.href });
      expect(token).toBeInstanceOf(OAuth2Token);
      expect(token.token_type).toBe('Bearer');
      expect(token.scope).toBe('api:read');
      expect(token.refresh_token).toEqual(expect.any(String));
      expect(token.expires_at).toBeGreaterThan(Date.now() / 1000);
      expect(client.token).toBe(token);

      const [request, ...rest] = grantRequests(sent, 'authorization_code');
      expect(rest).toEqual([]);
      expect(request?.url).toBe(as.endpoints.token);
      expect(request?.params.get('code')).toBe(callback.searchParams.get('code'));
      expect(request?.params.get('redirect_uri')).toBe(registered.redirect_uri);
      expect(request?.params.get('code_verifier')).toBe(codeVerifier);
      if (request) expectClientAuthentication(request, registered);

      // The server itself vouches for the token: issued to this client, for alice.
      const resourceServer = clientFor(as.findClient('client_secret_basic'), metadata, {
        transport,
      });
      await expect(resourceServer.introspectToken(undefined, token)).resolves.toMatchObject({
        active: true,
        client_id: registered.client_id,
        sub: 'alice',
        scope: 'api:read',
      });
    });

    it('is refused by the server when the code_verifier does not match (S256 checked)', async () => {
      const { transport } = recordingTransport();
      const client = clientFor(as.findClient(method), metadata, { transport });
      const { url, state } = await client.createAuthorizationUrl();
      const callback = await as.authorize(url);
      const other = await client.createAuthorizationUrl(); // a different verifier
      const error = await client
        .fetchToken({ authorizationResponse: callback, state, codeVerifier: other.codeVerifier })
        .catch((e: unknown) => e);
      expect(OAuth2ResponseError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
      expect(client.token).toBeUndefined();
    });
  },
);

describe.each(['client_secret_basic', 'client_secret_post'])('client credentials, %s', (method) => {
  it('obtains a token, and renews it with the same grant once it expires', async () => {
    const registered = as.findClient(method);
    const { transport, sent } = recordingTransport();
    const clock = movableClock();
    const updateToken = vi.fn();
    const client = clientFor(registered, metadata, { transport, clock, updateToken });

    const token = await client.fetchToken({ grantType: 'client_credentials', scope: 'api:write' });
    expect(token.toJSON()).toMatchObject({
      token_type: 'Bearer',
      scope: 'api:write',
      expires_in: 3600,
    });
    expect(token.refresh_token).toBeUndefined();
    const [request] = grantRequests(sent, 'client_credentials');
    if (request) expectClientAuthentication(request, registered);
    await expect(client.introspectToken()).resolves.toMatchObject({
      active: true,
      client_id: registered.client_id,
      scope: 'api:write',
    });

    clock.advance(3600);
    const renewed = await client.ensureActiveToken();
    expect(renewed.access_token).not.toBe(token.access_token);
    expect(grantRequests(sent, 'client_credentials')).toHaveLength(2);
    expect(grantRequests(sent, 'client_credentials')[1]?.params.get('scope')).toBe('api:write');
    expect(updateToken).toHaveBeenCalledTimes(1);
    expectCall(updateToken, 0, renewed, { accessToken: token.access_token });
    await expect(client.introspectToken()).resolves.toMatchObject({ active: true });
  });
});

describe('refresh with rotation', () => {
  it.each(['client_secret_basic', 'client_secret_post', 'none'])(
    '%s: the rotated refresh token replaces the old one, which the server then rejects',
    async (method) => {
      const registered = as.findClient(method);
      const { transport, sent } = recordingTransport();
      const updateToken = vi.fn();
      const client = clientFor(registered, metadata, { transport, updateToken });
      const { token: first } = await codeFlow(client);
      const oldRefresh = first.refresh_token as string;

      const second = await client.refreshToken();
      expect(second.refresh_token).toEqual(expect.any(String));
      expect(second.refresh_token).not.toBe(oldRefresh);
      expect(second.access_token).not.toBe(first.access_token);
      expect(client.token).toBe(second);
      expect(updateToken).toHaveBeenCalledTimes(1);
      expectCall(updateToken, 0, second, {
        refreshToken: oldRefresh,
        accessToken: first.access_token,
      });
      const [request] = grantRequests(sent, 'refresh_token');
      expect(request?.params.get('refresh_token')).toBe(oldRefresh);
      if (request) expectClientAuthentication(request, registered);

      // The next refresh uses the rotated token, not the old one.
      const third = await client.refreshToken();
      expect(grantRequests(sent, 'refresh_token')[1]?.params.get('refresh_token')).toBe(
        second.refresh_token,
      );
      expectCall(updateToken, 1, third, {
        refreshToken: second.refresh_token,
        accessToken: second.access_token,
      });

      // Replaying the old one is refused (oidc-provider then revokes the whole grant).
      const replay = await client
        .refreshToken({ refreshToken: oldRefresh })
        .catch((e: unknown) => e);
      expect(OAuth2ResponseError.isInstance(replay)).toBe(true);
      expect(replay).toMatchObject({ error: 'invalid_grant', status: 400 });
      expect(client.token).toBe(third);
      expect(updateToken).toHaveBeenCalledTimes(2);
    },
  );

  it('ensureActiveToken refreshes an expiring token once for many concurrent callers', async () => {
    const { transport, sent } = recordingTransport();
    const clock = movableClock();
    const updateToken = vi.fn();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, {
      transport,
      clock,
      updateToken,
    });
    const { token } = await codeFlow(client);
    await expect(client.ensureActiveToken()).resolves.toBe(token);
    expect(grantRequests(sent, 'refresh_token')).toHaveLength(0);

    clock.advance(3600 - 30); // inside the 60 s leeway
    const results = await Promise.all(Array.from({ length: 20 }, () => client.ensureActiveToken()));
    expect(grantRequests(sent, 'refresh_token')).toHaveLength(1);
    const [fresh] = results;
    expect(results.every((r) => r === fresh)).toBe(true);
    expect(fresh?.access_token).not.toBe(token.access_token);
    expect(updateToken).toHaveBeenCalledTimes(1);
    await expect(client.introspectToken()).resolves.toMatchObject({ active: true });
  });
});

describe('revocation', () => {
  it('revokes the access token: introspection then says active: false', async () => {
    const { transport, sent } = recordingTransport();
    const registered = as.findClient('client_secret_post');
    const client = clientFor(registered, metadata, { transport });
    const { token } = await codeFlow(client);
    await expect(client.introspectToken()).resolves.toMatchObject({ active: true });

    await client.revokeToken();
    const revocation = sent.find((r) => r.url === as.endpoints.revocation);
    expect(revocation?.params.get('token')).toBe(token.access_token);
    if (revocation) expectClientAuthentication(revocation, registered);
    await expect(client.introspectToken()).resolves.toEqual({ active: false });
    // oidc-provider revokes the refresh token of the same grant too (RFC 7009 2.1 allows it).
    await expect(client.refreshToken()).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes the refresh token with tokenTypeHint: the grant is gone', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { token } = await codeFlow(client);

    await client.revokeToken(undefined, undefined, { tokenTypeHint: 'refresh_token' });
    const revocation = sent.find((r) => r.url === as.endpoints.revocation);
    expect(revocation?.params.get('token')).toBe(token.refresh_token);
    expect(revocation?.params.get('token_type_hint')).toBe('refresh_token');
    await expect(
      client.introspectToken(undefined, undefined, { tokenTypeHint: 'refresh_token' }),
    ).resolves.toEqual({ active: false });
    await expect(client.refreshToken()).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('the public client revokes its own token, authenticating with client_id only', async () => {
    const { transport, sent } = recordingTransport();
    const registered = as.findClient('none');
    const client = clientFor(registered, metadata, { transport });
    await codeFlow(client);
    await client.revokeToken();
    const revocation = sent.find((r) => r.url === as.endpoints.revocation);
    if (revocation) expectClientAuthentication(revocation, registered);
    await expect(client.introspectToken()).resolves.toEqual({ active: false });
  });
});

describe('introspection', () => {
  it('describes access and refresh tokens as the server holds them', async () => {
    const { transport } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, { transport });
    const { token } = await codeFlow(client);

    const access = await client.introspectToken();
    expect(access).toMatchObject({
      active: true,
      client_id: 'basic-client',
      sub: 'alice',
      scope: 'api:read',
      token_type: 'Bearer',
      iss: as.issuer,
    });
    expect(access.exp).toBe(token.expires_at);

    const refresh = await client.introspectToken(undefined, token.refresh_token, {
      tokenTypeHint: 'refresh_token',
    });
    expect(refresh).toMatchObject({ active: true, client_id: 'basic-client', sub: 'alice' });
    await expect(client.introspectToken(undefined, 'no-such-token')).resolves.toEqual({
      active: false,
    });
  });
});

describe('as an Authenticator on a protected resource (the userinfo endpoint)', () => {
  it('places the token, and after a 401 invalid_token refreshes once and succeeds', async () => {
    const { transport, sent } = recordingTransport();
    const client = clientFor(as.findClient('client_secret_basic'), metadata, {
      transport,
      scope: 'openid api:read',
    });
    const { token } = await codeFlow(client);
    const request = { method: 'GET', url: as.endpoints.userinfo, headers: new Headers() };

    const first = await transport(await client.authorize(request));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ sub: 'alice' });

    // The server drops the access token early (the refresh token stays valid).
    await expect(as.invalidateToken(token.access_token)).resolves.toBe(true);
    const rejected = await transport(await client.authorize(request));
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    await expect(client.retry(request, rejected)).resolves.toBe(true);
    expect(grantRequests(sent, 'refresh_token')).toHaveLength(1);
    expect(client.token?.access_token).not.toBe(token.access_token);

    const again = await transport(await client.authorize(request));
    expect(again.status).toBe(200);
  });
});
