import type { HttpResponse, OAuth2Token } from '@x/core';
import { afterAll, beforeAll, describe, expect, it, type Mock, vi } from 'vitest';
import type { OAuth2SessionLike } from './oauth2-session-contract.js';
import {
  type AuthorizationServer,
  startAuthorizationServer,
  type TestClient,
} from './oidc-provider.js';
import { settled } from './rejections.js';
import { expectClosed, jsonBody, type SeenRequest, type SessionDriver } from './session-driver.js';

/**
 * `OIDCSession` of each adapter against a real OpenID Provider
 * (oidc-provider) in this process: discovery, the code flow with PKCE and
 * nonce, id_token validation, userinfo, the provider's userinfo endpoint as a
 * protected resource, refresh with an id_token (OIDC Core 12.2), logout and
 * close.
 */

/** What the table uses of an adapter's `OIDCSession`. */
export interface OIDCSessionLike extends OAuth2SessionLike {
  readonly client: {
    readonly token: OAuth2Token | undefined;
    readonly metadata: { readonly userinfo_endpoint?: string | undefined };
  };
  readonly claims:
    | { iss?: unknown; sub?: unknown; aud?: unknown; nonce?: unknown; auth_time?: unknown }
    | undefined;
  createAuthorizationUrl(params?: {
    maxAge?: number;
    nonce?: string;
  }): Promise<{ url: string; nonce?: string | undefined; codeVerifier?: string | undefined }>;
  userinfo(): Promise<unknown>;
  endSessionUrl(params: { postLogoutRedirectUri: string; state: string }): string;
  registerComplianceHook(
    type: 'refreshTokenResponse',
    hook: (response: HttpResponse) => HttpResponse,
  ): void;
}

/** The client options the table builds sessions with. */
export interface OIDCSessionInit {
  clientId: string;
  clientSecret?: string | undefined;
  redirectUri: string;
  scope: string;
  allowInsecureTransport?: boolean | undefined;
  updateToken?: Mock;
}

/** An adapter's {@link SessionDriver}, with its `OIDCSession` and `OAuth2Session` classes. */
export interface OIDCSessionDriver<B, A, S extends B & OIDCSessionLike>
  extends SessionDriver<B, A> {
  OIDCSession: {
    new (options: NoInfer<OIDCSessionInit & A & { metadata: S['client']['metadata'] }>): S;
    discover(issuer: string, options: NoInfer<OIDCSessionInit & A>): Promise<S>;
  };
  /** The class `OIDCSession` extends. */
  OAuth2Session: abstract new (
    ...args: never[]
  ) => unknown;
}

/** Classes of `@x/oidc` (which @x/testing cannot import). */
export interface OIDCClasses {
  OIDCClient: abstract new (...args: never[]) => unknown;
  IdTokenError: { isInstance(error: unknown): boolean };
}

const POST_LOGOUT = 'http://127.0.0.1/bye';
/** A confidential client that may log out to {@link POST_LOGOUT}. */
const WEB_CLIENT = {
  client_id: 'web-client',
  client_secret: 'web-client-secret-0123456789abcdefghijklmnop',
  token_endpoint_auth_method: 'client_secret_basic',
  post_logout_redirect_uris: [POST_LOGOUT],
};

/**
 * Registers the `OIDCSession` table for one adapter; `oidc` holds the
 * classes of `@x/oidc` the session's client and errors must be. `extras`
 * registers the adapter's own tests in the same block, with the same provider.
 *
 * @example
 * describeOIDCSessionContract({ ...driver, OIDCSession, OAuth2Session }, { OIDCClient, IdTokenError })
 */
export function describeOIDCSessionContract<B, A, S extends B & OIDCSessionLike>(
  driver: OIDCSessionDriver<B, A, S>,
  oidc: OIDCClasses,
  extras?: (context: OIDCSessionContext<A>) => void,
): void {
  const { OIDCClient, IdTokenError } = oidc;
  let as: AuthorizationServer;
  let web: TestClient;
  const { OIDCSession } = driver;

  const options = (extra: Partial<OIDCSessionInit> = {}, adapter?: A): OIDCSessionInit & A =>
    ({
      clientId: web.client_id,
      clientSecret: web.client_secret,
      redirectUri: web.redirect_uri,
      scope: 'api:read',
      allowInsecureTransport: true,
      ...extra,
      ...adapter,
    }) as OIDCSessionInit & A;

  describe(`OIDCSession (${driver.name}) against oidc-provider`, () => {
    beforeAll(async () => {
      as = await startAuthorizationServer({
        clients: { web: WEB_CLIENT },
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

    it('the code flow with PKCE and nonce through the session, userinfo, refresh with an id_token, logout, close', async () => {
      const seen: SeenRequest[] = [];
      const pool = driver.pool({ record: seen });
      const updateToken = vi.fn();
      let escaped: S | undefined;
      {
        await using session = await OIDCSession.discover(
          as.issuer,
          options({ updateToken }, pool.options),
        );
        escaped = session;
        expect(session).toBeInstanceOf(driver.OAuth2Session);
        expect(session.client).toBeInstanceOf(OIDCClient);
        expect(session.client.metadata.userinfo_endpoint).toBe(as.endpoints.userinfo);
        // Discovery went through the session's stack.
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
        const error = await settled(
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
        const response = await driver.send(session, { url: as.endpoints.userinfo });
        expect(jsonBody(response)).toEqual({ sub: 'alice' });
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
        const kept = (claims: typeof original) =>
          claims && {
            iss: claims.iss,
            sub: claims.sub,
            aud: claims.aud,
            auth_time: claims.auth_time,
          };
        expect(original?.sub).toBe('alice');
        expect(kept(session.claims)).toEqual(kept(original));
        expect(updateToken).toHaveBeenCalledTimes(1);
        expect(updateToken.mock.calls[0]?.[0]).toMatchObject({ id_token: refreshed.id_token });

        // A refresh response whose id_token is about another user is refused (12.2),
        // nothing stored: here bob's id_token, from a session built on the same metadata
        // (with alice's nonce, which a refreshed id_token may only repeat, so sub alone differs).
        await using bob = new OIDCSession({ ...options(), metadata: session.client.metadata });
        const bobLogin = await bob.createAuthorizationUrl({ nonce: nonce as string });
        await bob.fetchToken({
          authorizationResponse: await as.authorize(bobLogin.url, { login: 'bob' }),
        });
        expect(bob.claims?.sub).toBe('bob');
        session.registerComplianceHook('refreshTokenResponse', (hooked) => ({
          ...hooked,
          body: JSON.stringify({ ...JSON.parse(hooked.body), id_token: bob.token?.id_token }),
        }));
        const swapped = await settled(session.refreshToken());
        expect(swapped).toMatchObject({ code: 'ERR_ID_TOKEN_REFRESH', check: 'refresh-sub' });
        expect(session.token).toBe(refreshed);
        expect(session.claims?.sub).toBe('alice');
        expect(updateToken).toHaveBeenCalledTimes(1);

        // Logout: the provider accepts the URL.
        const state = 'bye-state';
        const logout = new URL(
          session.endSessionUrl({ postLogoutRedirectUri: POST_LOGOUT, state }),
        );
        expect(Object.fromEntries(logout.searchParams)).toEqual({
          id_token_hint: refreshed.id_token,
          client_id: web.client_id,
          post_logout_redirect_uri: POST_LOGOUT,
          state,
        });
        const page = await fetch(logout, { redirect: 'manual' });
        expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<form')]);
        expect(pool.connections()).toBeGreaterThan(0);
      }
      // `await using` closed the session, and the pool it owns.
      await expectClosed(driver, escaped, pool, () => [
        escaped.userinfo(),
        driver.send(escaped, { url: as.endpoints.userinfo }),
      ]);
    });

    it('discover refuses a document for another issuer, and closes the pool it was to own', async () => {
      const seen: SeenRequest[] = [];
      const pool = driver.pool({ record: seen });
      const error = await settled(OIDCSession.discover(`${as.issuer}/`, options({}, pool.options)));
      expect(error).toMatchObject({ code: 'ERR_INVALID_RESPONSE', message: /not the issuer/ });
      expect(seen.map((s) => s.path)).toEqual(['/.well-known/openid-configuration']);
      expect(await pool.closed()).toBe(true);
    });

    it('discover refuses plain http without allowInsecureTransport, before any request', async () => {
      const seen: SeenRequest[] = [];
      const error = await settled(
        OIDCSession.discover(
          as.issuer,
          options({ allowInsecureTransport: undefined }, driver.recording(seen)),
        ),
      );
      expect(error).toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
      expect(seen).toEqual([]);
    });

    extras?.({
      get as() {
        return as;
      },
      options,
    });
  });
}

/** What adapter-specific tests registered next to the OIDC table get. */
export interface OIDCSessionContext<A> {
  /** The provider, once started. */
  readonly as: AuthorizationServer;
  /** Session options for the provider's `web` client, plus the adapter's. */
  options(extra?: Partial<OIDCSessionInit>, adapter?: A): OIDCSessionInit & A;
}
