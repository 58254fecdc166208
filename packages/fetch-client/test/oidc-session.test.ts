import { TransportError } from '@x/core';
import { IdTokenError, OIDCClient } from '@x/oidc';
import { type AuthorizationServer, startAuthorizationServer, type TestClient } from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Session } from '../src/oauth2.js';
import { OIDCSession, type OIDCSessionDiscoverOptions } from '../src/oidc.js';

// OIDCSession over fetch against a real OpenID Provider (oidc-provider) in
// this process: discovery, the code flow with PKCE and nonce, id_token
// validation, userinfo, the provider's userinfo endpoint as a protected
// resource, refresh with an id_token (OIDC Core 12.2), logout and close.

const POST_LOGOUT = 'http://127.0.0.1/bye';
let as: AuthorizationServer;
let web: TestClient;

beforeAll(async () => {
  as = await startAuthorizationServer({
    clients: {
      web: {
        client_id: 'web-client',
        client_secret: 'web-client-secret-0123456789abcdefghijklmnop',
        token_endpoint_auth_method: 'client_secret_basic',
        post_logout_redirect_uris: [POST_LOGOUT],
      },
    },
    configuration: {
      features: {
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx: { body: string }, form: string) => {
            ctx.body = `<!doctype html>${form}`;
          },
        },
      },
    },
  });
  web = as.clients.web as TestClient;
});
afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

/** A request the session's fetch sent. */
interface Seen {
  path: string;
  authorization: string | null;
}

/** undici's fetch, recording what goes through it. */
function recordingFetch(seen: Seen[]): typeof globalThis.fetch {
  const fetch = undiciFetch as unknown as typeof globalThis.fetch;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    seen.push({ path: new URL(url).pathname, authorization: headers.get('authorization') });
    return fetch(input, init);
  };
}

function options(extra: Partial<OIDCSessionDiscoverOptions> = {}): OIDCSessionDiscoverOptions {
  return {
    clientId: web.client_id,
    clientSecret: web.client_secret,
    redirectUri: web.redirect_uri,
    scope: 'api:read',
    allowInsecureTransport: true,
    ...extra,
  };
}

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

describe('OIDCSession (fetch) against oidc-provider', () => {
  it('the code flow with PKCE and nonce through the session, userinfo, refresh with an id_token, logout, close', async () => {
    const seen: Seen[] = [];
    const dispatcher = new Agent();
    const updateToken = vi.fn();
    let escaped: OIDCSession | undefined;
    {
      await using session = await OIDCSession.discover(
        as.issuer,
        options({ fetch: recordingFetch(seen), dispatcher, ownsDispatcher: true, updateToken }),
      );
      escaped = session;
      expect(session).toBeInstanceOf(OAuth2Session);
      expect(session.client).toBeInstanceOf(OIDCClient);
      expect(session.client.metadata.userinfo_endpoint).toBe(as.endpoints.userinfo);
      // Discovery went through the session's fetch.
      expect(seen.map((s) => s.path)).toEqual(['/.well-known/openid-configuration']);

      // Log in: openid, a nonce and PKCE S256 are added; the id_token is validated.
      const { url, nonce, codeVerifier } = await session.createAuthorizationUrl({ maxAge: 3600 });
      const sent = new URL(url).searchParams;
      expect(sent.get('scope')).toBe('openid api:read');
      expect(sent.get('nonce')).toBe(nonce);
      expect(sent.get('code_challenge_method')).toBe('S256');
      expect(codeVerifier).toEqual(expect.any(String));
      const token = await session.fetchToken({ authorizationResponse: await as.authorize(url) });
      expect(token.id_token).toEqual(expect.any(String));
      expect(session.token).toBe(token);
      expect(session.claims).toMatchObject({
        iss: as.issuer,
        sub: 'alice',
        aud: web.client_id,
        nonce,
        auth_time: expect.any(Number),
      });
      expect(seen.map((s) => s.path)).toEqual(expect.arrayContaining(['/token', '/jwks']));

      // A second login whose authorization request carried another nonce is refused,
      // and the token of the first stays.
      const second = await session.createAuthorizationUrl();
      const tampered = new URL(second.url);
      tampered.searchParams.set('nonce', 'a-nonce-the-session-never-sent');
      const error = await rejection(
        session.fetchToken({ authorizationResponse: await as.authorize(tampered) }),
      );
      expect(IdTokenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_ID_TOKEN_NONCE', check: 'nonce' });
      expect(session.token).toBe(token);
      expect(session.claims?.nonce).toBe(nonce);

      // userinfo through the session's transport, sub checked against the id_token.
      await expect(session.userinfo()).resolves.toEqual({ sub: 'alice' });
      expect(seen.at(-1)).toEqual({
        path: '/me',
        authorization: `Bearer ${token.access_token}`,
      });

      // The provider's userinfo endpoint as a protected resource of the session.
      const response = await session.get(as.endpoints.userinfo);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ sub: 'alice' });
      expect(seen.at(-1)?.authorization).toBe(`Bearer ${token.access_token}`);

      // Refresh: the new id_token is validated and keeps iss, sub, aud, auth_time.
      const original = session.claims;
      const received: unknown[] = []; // what the provider sent, before validation
      session.registerComplianceHook('refreshTokenResponse', (hooked) => {
        received.push(JSON.parse(hooked.body).id_token);
        return hooked;
      });
      const refreshed = await session.refreshToken();
      expect(received).toEqual([expect.any(String)]);
      expect(refreshed.id_token).toBe(received[0]);
      expect(refreshed.access_token).not.toBe(token.access_token);
      expect(session.token).toBe(refreshed);
      expect(session.claims).toMatchObject({
        iss: original?.iss,
        sub: original?.sub,
        aud: original?.aud,
        auth_time: original?.auth_time,
      });
      expect(updateToken).toHaveBeenCalledTimes(1);
      expect(updateToken.mock.calls[0]?.[0]).toMatchObject({ id_token: refreshed.id_token });

      // A refresh response whose id_token is about another user is refused (12.2),
      // nothing stored: here bob's id_token, from a session built on the same metadata
      // (with alice's nonce, which a refreshed id_token may only repeat, so sub alone differs).
      await using bob = new OIDCSession({ ...options(), metadata: session.client.metadata });
      const bobLogin = await bob.createAuthorizationUrl({ nonce });
      await bob.fetchToken({
        authorizationResponse: await as.authorize(bobLogin.url, { login: 'bob' }),
      });
      expect(bob.claims?.sub).toBe('bob');
      session.registerComplianceHook('refreshTokenResponse', (hooked) => ({
        ...hooked,
        body: JSON.stringify({ ...JSON.parse(hooked.body), id_token: bob.token?.id_token }),
      }));
      const swapped = await rejection(session.refreshToken());
      expect(swapped).toMatchObject({ code: 'ERR_ID_TOKEN_REFRESH', check: 'refresh-sub' });
      expect(session.token).toBe(refreshed);
      expect(session.claims?.sub).toBe('alice');
      expect(updateToken).toHaveBeenCalledTimes(1);

      // Logout: the provider accepts the URL.
      const logout = new URL(
        session.endSessionUrl({ postLogoutRedirectUri: POST_LOGOUT, state: 'bye-state' }),
      );
      expect(Object.fromEntries(logout.searchParams)).toEqual({
        id_token_hint: refreshed.id_token,
        client_id: web.client_id,
        post_logout_redirect_uri: POST_LOGOUT,
        state: 'bye-state',
      });
      const page = await fetch(logout, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form');
      expect(dispatcher.closed).toBe(false);
    }
    // `await using` closed the session, and the dispatcher it owns.
    expect(escaped.closed).toBe(true);
    expect(dispatcher.closed).toBe(true);
    for (const call of [escaped.userinfo(), escaped.get(as.endpoints.userinfo)]) {
      const error = await rejection(call);
      expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
    }
  });

  it('discover refuses a document for another issuer, and closes the dispatcher it was to own', async () => {
    const dispatcher = new Agent();
    const seen: Seen[] = [];
    const error = await rejection(
      OIDCSession.discover(
        `${as.issuer}/`,
        options({ fetch: recordingFetch(seen), dispatcher, ownsDispatcher: true }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_INVALID_RESPONSE', message: /not the issuer/ });
    expect(seen).toHaveLength(1);
    expect(dispatcher.closed).toBe(true);
  });

  it('discover refuses plain http without allowInsecureTransport, before any request', async () => {
    const seen: Seen[] = [];
    const error = await rejection(
      OIDCSession.discover(
        as.issuer,
        options({ fetch: recordingFetch(seen), allowInsecureTransport: undefined }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
    expect(seen).toEqual([]);
  });
});
