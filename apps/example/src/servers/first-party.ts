/**
 * A first-party server with a token endpoint of its own: the kind of
 * in-house API that still offers the password grant, and a legacy endpoint
 * with a quirk that needs a compliance hook.
 *
 *   POST /oauth/token    RFC 6749 password grant, client_secret_basic, JSON
 *   POST /legacy/token   the same grant, answered the legacy way:
 *                        {"status":"ok","data":{"access_token":…,"expires":3600}}
 *                        (an envelope, and `expires` instead of `expires_in`)
 *   GET  /api/me         the user a bearer token from either endpoint is for
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkPassword } from './accounts.js';
import { listen, readBody } from './http.js';

/** A running first-party server. */
export interface FirstPartyServer {
  url: string;
  /** The standard token endpoint (password grant). */
  tokenEndpoint: string;
  /** The legacy token endpoint, with its quirks. */
  legacyTokenEndpoint: string;
  /** The protected API. */
  api: string;
  /** The first-party client registered here. */
  client: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

const TOKEN_LIFETIME = 3600;

/** Starts the server on a free loopback port. */
export async function startFirstPartyServer(): Promise<FirstPartyServer> {
  const client = { clientId: 'first-party-app', clientSecret: randomBytes(24).toString('hex') };
  const tokens = new Map<string, { user: string; expiresAt: number }>();

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  /** The password grant; the token fields, or an RFC 6749 5.2 error. */
  const passwordGrant = async (req: IncomingMessage) => {
    const [id, secret] = Buffer.from(
      /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '',
      'base64',
    )
      .toString()
      .split(':')
      .map(decodeURIComponent);
    if (id !== client.clientId || secret !== client.clientSecret) {
      return { status: 401, error: { error: 'invalid_client' } } as const;
    }
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'password') {
      return { status: 400, error: { error: 'unsupported_grant_type' } } as const;
    }
    const account = checkPassword(form.get('username') ?? '', form.get('password') ?? '');
    if (account === undefined) {
      return {
        status: 400,
        error: { error: 'invalid_grant', error_description: 'wrong username or password' },
      } as const;
    }
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, { user: account.id, expiresAt: Date.now() + TOKEN_LIFETIME * 1000 });
    return { status: 200, accessToken, scope: form.get('scope') ?? undefined } as const;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    switch (`${req.method} ${path}`) {
      case 'POST /oauth/token': {
        const result = await passwordGrant(req);
        if (result.status !== 200) return json(res, result.status, result.error);
        return json(res, 200, {
          access_token: result.accessToken,
          token_type: 'Bearer',
          expires_in: TOKEN_LIFETIME,
          scope: result.scope,
        });
      }
      case 'POST /legacy/token': {
        const result = await passwordGrant(req);
        if (result.status !== 200) return json(res, 200, { status: 'error', ...result.error });
        // The quirks: HTTP 200 and an envelope, always; `expires` for `expires_in`.
        return json(res, 200, {
          status: 'ok',
          data: { access_token: result.accessToken, token_type: 'bearer', expires: TOKEN_LIFETIME },
        });
      }
      case 'GET /api/me': {
        const value = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const token = tokens.get(value);
        if (token === undefined || token.expiresAt <= Date.now()) {
          const challenge = value ? 'Bearer error="invalid_token"' : 'Bearer';
          return json(res, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge });
        }
        return json(res, 200, { user: token.user });
      }
      default:
        res.writeHead(404).end();
    }
  };

  const http = await listen((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return {
    url: http.origin,
    tokenEndpoint: `${http.origin}/oauth/token`,
    legacyTokenEndpoint: `${http.origin}/legacy/token`,
    api: `${http.origin}/api/me`,
    client,
    close: http.close,
  };
}
