/**
 * The web demo: a small node:http app with "Sign in with OpenID Connect"
 * and "Sign in with OAuth 1.0a", running next to its own two providers on
 * 127.0.0.1. The callback shows the user's claims and the token (secrets
 * masked); "Sign out" goes through the provider's end_session endpoint.
 *
 *   GET  /                  home: sign-in buttons, or the signed-in user
 *   POST /login/oidc        → the OpenID Provider (state, PKCE, nonce kept in the session)
 *   GET  /callback/oidc     code → token, id_token validated, userinfo
 *   POST /login/oauth1      temporary credentials → the OAuth 1.0a provider
 *   GET  /callback/oauth1   verifier → token credentials, profile
 *   POST /logout            forget the user; OpenID Connect: RP-initiated logout
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OAuth2TokenFields, OAuthError } from '@x/core';
import { fetchTransport } from '@x/fetch-client';
import { OAuth1Session } from '@x/fetch-client/oauth1';
import type { OAuth1Token } from '@x/oauth1';
import { discover, OIDCClient } from '@x/oidc';
import { listen } from '../servers/http.js';
import { type OAuth1Provider, startOAuth1Provider } from '../servers/oauth1-provider.js';
import { type OpenIDProvider, startOpenIDProvider } from '../servers/oidc-provider.js';
import { errorPage, homePage, type SignedInUser } from './pages.js';

/** What one browser's cookie points to. */
interface WebSession {
  /** Between the redirect to the OpenID Provider and the callback. */
  oidcLogin?: { state: string; codeVerifier?: string | undefined; nonce: string };
  /** Between the redirect to the OAuth 1.0a provider and the callback: the temporary credentials. */
  oauth1Login?: OAuth1Token;
  user?: SignedInUser;
  /** The `state` sent with the logout request, to recognise the way back. */
  logoutState?: string;
}

/** A running web demo. */
export interface WebDemo {
  /** Open this in a browser. */
  url: string;
  /** The OpenID Provider it signs in with. */
  oidc: OpenIDProvider;
  /** The OAuth 1.0a provider it signs in with. */
  oauth1: OAuth1Provider;
  /** Stops the app and both providers. */
  close(): Promise<void>;
}

const COOKIE = 'demo_sid';
const random = (): string => randomBytes(24).toString('base64url');

/** Starts the app and its providers on free loopback ports. */
export async function startWebDemo(): Promise<WebDemo> {
  let route: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const app = await listen((req, res) => {
    if (route === undefined) return void res.writeHead(503).end();
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(errorPage(describe(error)));
    });
  });
  const home = `${app.origin}/`;
  let oidc: OpenIDProvider | undefined;
  let oauth1: OAuth1Provider | undefined;
  const close = async () => {
    await Promise.all([app.close(), oidc?.close(), oauth1?.close()]);
  };
  try {
    oidc = await startOpenIDProvider({
      redirectUris: [`${app.origin}/callback/oidc`],
      postLogoutRedirectUris: [home],
    });
    oauth1 = await startOAuth1Provider();
    route = await router(app.origin, oidc, oauth1);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: home, oidc, oauth1, close };
}

/** An error for the page: an OAuthError's code and (redacted) message. */
function describe(error: unknown): string {
  if (OAuthError.isInstance(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function router(origin: string, oidc: OpenIDProvider, oauth1: OAuth1Provider) {
  const sessions = new Map<string, WebSession>();

  // Discover the provider once; clients built from the same metadata and
  // transport share one cached key set, so a client per request is cheap.
  const transport = fetchTransport();
  const metadata = await discover(oidc.issuer, { transport, allowInsecureTransport: true });
  const newOIDCClient = (token?: OAuth2TokenFields) =>
    new OIDCClient({
      clientId: oidc.clients.webApp.clientId,
      clientSecret: oidc.clients.webApp.clientSecret,
      redirectUri: `${origin}/callback/oidc`,
      scope: ['profile', 'email'],
      metadata,
      transport,
      token,
      allowInsecureTransport: true, // plain http to 127.0.0.1: the demo only
    });
  const newOAuth1Session = () =>
    new OAuth1Session({
      clientId: oauth1.consumer.key,
      clientSecret: oauth1.consumer.secret,
      redirectUri: `${origin}/callback/oauth1`,
      allowInsecureTransport: true,
    });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    let sid = /(?:^|;\s*)demo_sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    let session = sid === undefined ? undefined : sessions.get(sid);
    if (sid === undefined || session === undefined) {
      sid = random();
      session = {};
      sessions.set(sid, session);
    }
    const headers = { 'set-cookie': `${COOKIE}=${sid}; HttpOnly; SameSite=Lax; Path=/` };
    const redirect = (location: string) => {
      res.writeHead(303, { ...headers, location });
      res.end();
    };
    const html = (status: number, body: string) => {
      res.writeHead(status, {
        ...headers,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(body);
    };

    switch (`${req.method} ${url.pathname}`) {
      case 'GET /': {
        const state = url.searchParams.get('state');
        const back = state !== null && state === session.logoutState;
        if (back) delete session.logoutState;
        return html(200, homePage(session.user, back ? 'You are signed out.' : undefined));
      }

      case 'POST /login/oidc': {
        const {
          url: authorizationUrl,
          state,
          codeVerifier,
          nonce,
        } = await newOIDCClient().createAuthorizationUrl();
        session.oidcLogin = { state, codeVerifier, nonce };
        return redirect(authorizationUrl);
      }
      case 'GET /callback/oidc': {
        const login = session.oidcLogin;
        delete session.oidcLogin;
        if (login === undefined) return html(400, errorPage('no sign-in in progress'));
        const client = newOIDCClient();
        try {
          // state, then the code; the id_token is validated before anything is stored.
          const token = await client.fetchToken({ authorizationResponse: url.href, ...login });
          const profile = await client.userinfo();
          session.user = {
            via: 'OpenID Connect',
            provider: oidc.issuer,
            name: profile.name === undefined ? profile.sub : String(profile.name),
            claims: { ...client.claims, ...profile },
            token: token.toJSON(),
          };
        } catch (error) {
          return html(400, errorPage(describe(error)));
        }
        return redirect('/');
      }

      case 'POST /login/oauth1': {
        await using client = newOAuth1Session();
        session.oauth1Login = await client.fetchRequestToken(oauth1.endpoints.requestToken);
        return redirect(client.createAuthorizationUrl(oauth1.endpoints.authorize));
      }
      case 'GET /callback/oauth1': {
        const temporary = session.oauth1Login;
        delete session.oauth1Login;
        if (temporary === undefined) return html(400, errorPage('no sign-in in progress'));
        await using client = newOAuth1Session();
        client.token = temporary; // the callback must be for these temporary credentials
        try {
          client.parseAuthorizationResponse(url.href);
          const token = await client.fetchAccessToken(oauth1.endpoints.accessToken);
          const profile = (await (await client.get(oauth1.api)).json()) as Record<string, unknown>;
          session.user = {
            via: 'OAuth 1.0a',
            provider: oauth1.url,
            name: String(profile.name ?? profile.screen_name),
            claims: profile,
            token: { ...token },
          };
        } catch (error) {
          return html(400, errorPage(describe(error)));
        }
        return redirect('/');
      }

      case 'POST /logout': {
        const user = session.user;
        delete session.user;
        if (user?.via !== 'OpenID Connect') return redirect('/');
        // RP-initiated logout: the provider ends its session too, then sends the user back.
        session.logoutState = random();
        const client = newOIDCClient(user.token as OAuth2TokenFields);
        return redirect(
          client.endSessionUrl({ postLogoutRedirectUri: `${origin}/`, state: session.logoutState }),
        );
      }

      default:
        return html(404, errorPage('not found'));
    }
  };
}
