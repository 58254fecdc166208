/**
 * The demo's OAuth 1.0a provider (RFC 5849), built on `verifySignature`
 * from @x/oauth1: the three endpoints of section 2, an authorize page where
 * the user signs in and presses "Allow", and a protected API.
 *
 *   POST /oauth/request_token   temporary credentials (signed by the consumer)
 *   GET  /oauth/authorize       the page; POST it to allow or deny
 *   POST /oauth/access_token    token credentials (signed, with the verifier)
 *   GET  /api/me                the user's profile; POST echoes a signed form
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest } from '@x/core';
import {
  MemoryNonceStore,
  OAuth1VerificationError,
  type VerificationCredentials,
  type VerifiedOAuthParams,
  verifySignature,
} from '@x/oauth1';
import { ACCOUNTS, ACCOUNTS_HINT, checkPassword } from './accounts.js';
import { escapeHtml, headersOf, listen, page, readBody } from './http.js';

/** A running provider. */
export interface OAuth1Provider {
  /** `http://127.0.0.1:<port>` */
  url: string;
  endpoints: { requestToken: string; authorize: string; accessToken: string };
  /** The protected API: `GET` the signed-in user, `POST` a signed form to have it echoed. */
  api: string;
  /** The registered consumer (the client application). */
  consumer: { key: string; secret: string };
  /**
   * Token credentials issued to the consumer for alice beforehand, as a
   * provider's developer portal hands them out ("your access token").
   */
  aliceToken: { token: string; tokenSecret: string };
  close(): Promise<void>;
}

interface Temporary {
  secret: string;
  callback: string;
  verifier?: string | undefined;
  user?: string | undefined;
}

const FORM = 'application/x-www-form-urlencoded';
const random = (): string => randomBytes(16).toString('hex');

function authorizePage(action: string, requestToken: string, error?: string): string {
  return page(
    'Authorize',
    `<h1>Authorize the demo app?</h1>
<p>The <strong>Demo web app</strong> wants to read your profile at the demo OAuth 1.0a provider.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" data-step="authorize">
<input type="hidden" name="oauth_token" value="${escapeHtml(requestToken)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>
</form>
<p class="hint">Demo accounts: ${escapeHtml(ACCOUNTS_HINT)}</p>`,
  );
}

/** Starts the provider on a free loopback port. */
export async function startOAuth1Provider(): Promise<OAuth1Provider> {
  const consumer = { key: 'demo-consumer', secret: random() };
  const temporary = new Map<string, Temporary>();
  const issued = new Map<string, { secret: string; user: string }>();
  const aliceToken = { token: random(), tokenSecret: random() };
  issued.set(aliceToken.token, { secret: aliceToken.tokenSecret, user: 'alice' });
  const nonceStore = new MemoryNonceStore();

  /** Verifies a signed request; `tokens` holds the credentials it may be signed with. */
  const verify = (request: HttpRequest, tokens: Map<string, { secret: string }> | undefined) =>
    verifySignature(request, {
      nonceStore,
      allowInsecureTransport: true, // loopback http, for the demo
      lookup(params: VerifiedOAuthParams): VerificationCredentials | undefined {
        if (params.oauth_consumer_key !== consumer.key) return undefined; // consumer_key_unknown
        let tokenSecret = '';
        if (tokens === undefined) {
          if (params.oauth_token !== undefined) {
            throw new OAuth1VerificationError('token_rejected', 401, 'no token expected here');
          }
        } else {
          const held = tokens.get(params.oauth_token ?? '');
          if (held === undefined) {
            throw new OAuth1VerificationError('token_rejected', 401, 'unknown token');
          }
          tokenSecret = held.secret;
        }
        return { clientSecret: consumer.secret, tokenSecret };
      },
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, origin: string) => {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    const request: HttpRequest = {
      method: req.method ?? 'GET',
      url: url.href,
      headers: headersOf(req),
      body,
    };
    const form = (status: number, params: Record<string, string>) => {
      res.writeHead(status, { 'content-type': FORM });
      res.end(new URLSearchParams(params).toString());
    };

    switch (`${request.method} ${url.pathname}`) {
      case 'POST /oauth/request_token': {
        const params = await verify(request, undefined);
        if (!params.oauth_callback) {
          throw new OAuth1VerificationError('parameter_absent', 400, 'oauth_callback is missing');
        }
        const token = random();
        temporary.set(token, { secret: random(), callback: params.oauth_callback });
        return form(200, {
          oauth_token: token,
          oauth_token_secret: temporary.get(token)?.secret ?? '',
          oauth_callback_confirmed: 'true',
        });
      }
      case 'GET /oauth/authorize': {
        const token = url.searchParams.get('oauth_token') ?? '';
        if (!temporary.has(token)) return form(400, { oauth_problem: 'token_rejected' });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(authorizePage(url.pathname, token));
      }
      case 'POST /oauth/authorize': {
        const fields = new URLSearchParams(body);
        const token = fields.get('oauth_token') ?? '';
        const grant = temporary.get(token);
        if (grant === undefined) return form(400, { oauth_problem: 'token_rejected' });
        const callback = new URL(grant.callback);
        if (fields.get('decision') !== 'allow') {
          temporary.delete(token);
          callback.searchParams.set('denied', token); // what Twitter sends
        } else {
          const account = checkPassword(fields.get('username') ?? '', fields.get('password') ?? '');
          if (account === undefined) {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            return res.end(authorizePage(url.pathname, token, 'Wrong username or password.'));
          }
          grant.user = account.id;
          grant.verifier = random();
          callback.searchParams.set('oauth_token', token);
          callback.searchParams.set('oauth_verifier', grant.verifier);
        }
        res.writeHead(303, { location: callback.href });
        return res.end();
      }
      case 'POST /oauth/access_token': {
        const params = await verify(request, temporary);
        const grant = temporary.get(params.oauth_token ?? '');
        if (grant?.verifier === undefined || params.oauth_verifier !== grant.verifier) {
          throw new OAuth1VerificationError('parameter_rejected', 401, 'wrong oauth_verifier');
        }
        temporary.delete(params.oauth_token ?? '');
        const token = random();
        const user = grant.user ?? '';
        issued.set(token, { secret: random(), user });
        return form(200, {
          oauth_token: token,
          oauth_token_secret: issued.get(token)?.secret ?? '',
          screen_name: user,
        });
      }
      case 'GET /api/me':
      case 'POST /api/me': {
        const params = await verify(request, issued);
        const user = issued.get(params.oauth_token ?? '')?.user ?? '';
        const account = ACCOUNTS.get(user);
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            screen_name: user,
            name: account?.name,
            ...(request.method === 'POST'
              ? { received: Object.fromEntries(new URLSearchParams(body)) }
              : {}),
          }),
        );
      }
      default:
        res.writeHead(404).end();
    }
  };

  const http = await listen((req, res) => {
    handle(req, res, http.origin).catch((error: unknown) => {
      if (!OAuth1VerificationError.isInstance(error)) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('server error');
        return;
      }
      // RFC 5849 3.2 status, OAuth Problem Reporting body.
      res.writeHead(error.status, {
        'content-type': FORM,
        'www-authenticate': `OAuth realm="demo", oauth_problem="${error.oauth_problem}"`,
      });
      res.end(error.toFormBody());
    });
  });
  const url = http.origin;
  return {
    url,
    endpoints: {
      requestToken: `${url}/oauth/request_token`,
      authorize: `${url}/oauth/authorize`,
      accessToken: `${url}/oauth/access_token`,
    },
    api: `${url}/api/me`,
    consumer,
    aliceToken,
    close: http.close,
  };
}
