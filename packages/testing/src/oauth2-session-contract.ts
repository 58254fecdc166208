import { OAuth2ResponseError, type OAuth2Token, type OAuth2TokenFields } from '@x/core';
import { afterAll, beforeAll, describe, expect, it, type Mock, vi } from 'vitest';
import { type AuthorizationServer, startAuthorizationServer } from './oidc-provider.js';
import { settled } from './rejections.js';
import { expectClosed, jsonBody, type SessionDriver } from './session-driver.js';

/**
 * `OAuth2Session` of each adapter against a real authorization server
 * (oidc-provider) in this process; its userinfo endpoint (/me) is the
 * protected resource.
 */

/** What the tables use of an adapter's `OAuth2Session`. */
export interface OAuth2SessionLike extends AsyncDisposable {
  token: OAuth2Token | OAuth2TokenFields | undefined;
  readonly client: { readonly token: OAuth2Token | undefined };
  readonly closed: boolean;
  createAuthorizationUrl(): Promise<{ url: string; codeVerifier?: string | undefined }>;
  fetchToken(params?: { grantType?: string; authorizationResponse?: string }): Promise<OAuth2Token>;
  refreshToken(): Promise<OAuth2Token>;
  revokeToken(
    url?: string,
    token?: string,
    options?: { tokenTypeHint?: 'refresh_token' },
  ): Promise<unknown>;
  introspectToken(): Promise<unknown>;
  close(): Promise<void>;
}

/** Server metadata, as discovery returned it. */
export interface MetadataLike {
  issuer?: string | undefined;
  token_endpoint?: string | undefined;
  [member: string]: unknown;
}

/** The client options the tables build sessions with. */
export interface OAuth2SessionInit {
  clientId: string;
  clientSecret?: string | undefined;
  tokenEndpointAuthMethod?: string | undefined;
  redirectUri?: string;
  scope?: string;
  metadata?: MetadataLike;
  tokenEndpoint?: string;
  allowInsecureTransport?: boolean;
  token?: OAuth2TokenFields;
  updateToken?: Mock;
}

/** An adapter's {@link SessionDriver}, with its `OAuth2Session` class. */
export interface OAuth2SessionDriver<B, A, S extends B> extends SessionDriver<B, A> {
  OAuth2Session: new (options: NoInfer<OAuth2SessionInit & A>) => S;
}

/** What adapter-specific tests registered next to the table get. */
export interface OAuth2SessionContext<A, S> {
  /** The authorization server, once started. */
  readonly as: AuthorizationServer;
  /** A session for one of the server's clients. */
  session(name: 'basic' | 'post' | 'public', options?: Partial<OAuth2SessionInit>, adapter?: A): S;
  /** The authorization code flow through the session, the scripted user consenting. */
  signIn(session: S): Promise<void>;
}

/**
 * Registers the `OAuth2Session` table for one adapter; `extras` registers the
 * adapter's own tests in the same block, with the same server.
 *
 * @example
 * describeOAuth2SessionContract({ ...driver, OAuth2Session }) // the adapter's class
 */
export function describeOAuth2SessionContract<B, A, S extends B & OAuth2SessionLike>(
  driver: OAuth2SessionDriver<B, A, S>,
  extras?: (context: OAuth2SessionContext<A, S>) => void,
): void {
  let as: AuthorizationServer;
  let metadata: MetadataLike;

  const session = (
    name: 'basic' | 'post' | 'public',
    options: Partial<OAuth2SessionInit> = {},
    adapter?: A,
  ): S => {
    const client = as.clients[name];
    if (client === undefined) throw new Error(`no client ${name}`);
    return new driver.OAuth2Session({
      clientId: client.client_id,
      clientSecret: client.client_secret,
      tokenEndpointAuthMethod: client.token_endpoint_auth_method,
      redirectUri: client.redirect_uri,
      scope: 'openid api:read',
      metadata,
      allowInsecureTransport: true,
      ...options,
      ...adapter,
    } as OAuth2SessionInit & A);
  };

  const signIn = async (oauth: S): Promise<void> => {
    const { url, codeVerifier } = await oauth.createAuthorizationUrl();
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    expect(codeVerifier).toEqual(expect.any(String));
    await oauth.fetchToken({ authorizationResponse: await as.authorize(url) });
  };

  const userinfo = async (oauth: S): Promise<unknown> =>
    jsonBody(await driver.send(oauth, { url: as.endpoints.userinfo }));

  describe(`OAuth2Session (${driver.name}) against oidc-provider`, () => {
    beforeAll(async () => {
      as = await startAuthorizationServer();
      metadata = (await (await fetch(as.endpoints.discovery)).json()) as MetadataLike;
    });
    afterAll(async () => {
      expect(as.serverErrors).toEqual([]);
      await as.close();
    });

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
      const error = await settled(oauth.refreshToken());
      expect(OAuth2ResponseError.isInstance(error) && error.error).toBe('invalid_grant');
      await oauth.revokeToken();
      await expect(oauth.introspectToken()).resolves.toEqual({ active: false });
    });

    it('closes at the end of an `await using` block, the pool it owns with it', async () => {
      const pool = driver.pool();
      let escaped: S | undefined;
      {
        await using oauth = session('basic', {}, pool.options);
        escaped = oauth;
        await oauth.fetchToken({ grantType: 'client_credentials' });
        await expect(oauth.introspectToken()).resolves.toMatchObject({ active: true });
      }
      await expectClosed(driver, escaped, pool, () => [
        escaped.introspectToken(),
        driver.send(escaped, { url: as.endpoints.userinfo }),
      ]);
    });

    extras?.({
      get as() {
        return as;
      },
      session,
      signIn,
    });
  });
}
