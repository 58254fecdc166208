import { OAuth2ResponseError, TransportError } from '@x/core';
import type { AuthorizationServerMetadata } from '@x/oauth2';
import { type AuthorizationServer, startAuthorizationServer } from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Session, type OAuth2SessionOptions } from '../src/oauth2.js';

// OAuth2Session over fetch against a real authorization server (oidc-provider)
// in this process; its userinfo endpoint (/me) is the protected resource.

let as: AuthorizationServer;
let metadata: AuthorizationServerMetadata;

beforeAll(async () => {
  as = await startAuthorizationServer();
  metadata = (await (await fetch(as.endpoints.discovery)).json()) as AuthorizationServerMetadata;
});
afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

function session(
  name: 'basic' | 'post' | 'public',
  options: Partial<OAuth2SessionOptions> = {},
): OAuth2Session {
  const client = as.clients[name];
  if (client === undefined) throw new Error(`no client ${name}`);
  return new OAuth2Session({
    clientId: client.client_id,
    clientSecret: client.client_secret,
    tokenEndpointAuthMethod: client.token_endpoint_auth_method,
    redirectUri: client.redirect_uri,
    scope: 'openid api:read',
    metadata,
    allowInsecureTransport: true,
    ...options,
  });
}

/** The authorization code flow through the session, the scripted user consenting. */
async function signIn(oauth: OAuth2Session): Promise<void> {
  const { url, codeVerifier } = await oauth.createAuthorizationUrl();
  expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
  expect(codeVerifier).toEqual(expect.any(String));
  await oauth.fetchToken({ authorizationResponse: await as.authorize(url) });
}

const userinfo = async (oauth: OAuth2Session): Promise<unknown> => {
  const response = await oauth.get(as.endpoints.userinfo);
  expect(response.status).toBe(200);
  return response.json();
};

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

describe('OAuth2Session (fetch) against oidc-provider', () => {
  it.each(['public', 'basic', 'post'] as const)(
    'authorization code with PKCE (%s), then the userinfo endpoint through the session',
    async (name) => {
      await using oauth = session(name);
      await signIn(oauth);
      expect(oauth.token?.refresh_token).toEqual(expect.any(String));
      expect(oauth.client.token).toBe(oauth.token);
      expect(await userinfo(oauth)).toEqual({ sub: 'alice' });
    },
  );

  it('client credentials, checked by introspection through the session transport', async () => {
    await using oauth = session('basic', { scope: 'api:write' });
    const token = await oauth.fetchToken({ grantType: 'client_credentials' });
    expect(token.refresh_token).toBeUndefined();
    await expect(oauth.introspectToken()).resolves.toMatchObject({
      active: true,
      client_id: 'basic-client',
      scope: 'api:write',
    });
  });

  it('refreshes with rotation (updateToken told the old refresh token), and after a 401 invalid_token', async () => {
    const updateToken = vi.fn();
    await using oauth = session('basic', { updateToken });
    await signIn(oauth);
    const first = oauth.token;
    const refreshed = await oauth.refreshToken();
    expect(refreshed.access_token).not.toBe(first?.access_token);
    expect(refreshed.refresh_token).not.toBe(first?.refresh_token);
    expect(updateToken).toHaveBeenCalledTimes(1);
    expect(updateToken.mock.calls[0]?.[1]).toEqual({
      refreshToken: first?.refresh_token,
      accessToken: first?.access_token,
    });
    expect(await userinfo(oauth)).toEqual({ sub: 'alice' });

    // The server drops the access token early: one refresh, one retry, success.
    await expect(as.invalidateToken(refreshed.access_token)).resolves.toBe(true);
    expect(await userinfo(oauth)).toEqual({ sub: 'alice' });
    expect(updateToken).toHaveBeenCalledTimes(2);
    expect(oauth.token?.access_token).not.toBe(refreshed.access_token);
  });

  it('revokes the access and the refresh token', async () => {
    await using oauth = session('basic');
    await signIn(oauth);
    await oauth.revokeToken(undefined, undefined, { tokenTypeHint: 'refresh_token' });
    const error = await rejection(oauth.refreshToken());
    expect(OAuth2ResponseError.isInstance(error) && error.error).toBe('invalid_grant');
    await oauth.revokeToken();
    await expect(oauth.introspectToken()).resolves.toEqual({ active: false });
  });

  it('closes at the end of an `await using` block, its dispatcher with it', async () => {
    const dispatcher = new Agent();
    const fetch = undiciFetch as unknown as typeof globalThis.fetch;
    let escaped: OAuth2Session | undefined;
    {
      await using oauth = session('basic', { fetch, dispatcher, ownsDispatcher: true });
      escaped = oauth;
      await oauth.fetchToken({ grantType: 'client_credentials' });
      await expect(oauth.introspectToken()).resolves.toMatchObject({ active: true });
    }
    expect(escaped.closed).toBe(true);
    expect(dispatcher.closed).toBe(true);
    for (const call of [escaped.introspectToken(), escaped.get(as.endpoints.userinfo)]) {
      const error = await rejection(call);
      expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
    }
  });
});
