/**
 * A small OAuth 1.0a provider on 127.0.0.1, built on verifySignature: the
 * three endpoints of RFC 5849 section 2 and a protected resource, plus a few
 * routes that answer the way broken providers do.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpRequest, type Transport, TransportError } from '@x/core';
import {
  MemoryNonceStore,
  OAuth1VerificationError,
  type VerificationCredentials,
  type VerifiedOAuthParams,
  verifySignature,
} from '../../src/index.js';

export interface RegisteredClient {
  secret?: string;
  rsaPublicKey?: string;
}

interface Grant {
  clientId: string;
  secret: string;
  callback: string;
  verifier: string;
  scope: string | undefined;
}

export interface Provider {
  url: string;
  /** Every request the provider rejected, with the problem it answered. */
  rejections: string[];
  close(): Promise<void>;
}

const token = () => randomBytes(12).toString('hex');
const FORM = 'application/x-www-form-urlencoded';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': FORM, ...headers });
  res.end(body);
}

export async function startProvider(clients: Record<string, RegisteredClient>): Promise<Provider> {
  const temporary = new Map<string, Grant>();
  const access = new Map<string, { clientId: string; secret: string }>();
  const nonceStore = new MemoryNonceStore();
  const rejections: string[] = [];

  const verify = (
    request: HttpRequest,
    tokens: Map<string, { secret: string; clientId: string }> | 'none',
  ) =>
    verifySignature(request, {
      nonceStore,
      allowInsecureTransport: true,
      lookup(params: VerifiedOAuthParams): VerificationCredentials | undefined {
        const client = clients[params.oauth_consumer_key];
        if (!client) return undefined;
        let tokenSecret = '';
        if (tokens === 'none') {
          if (params.oauth_token)
            throw new OAuth1VerificationError('token_rejected', 401, 'no token expected');
        } else {
          const held = params.oauth_token ? tokens.get(params.oauth_token) : undefined;
          if (!held || held.clientId !== params.oauth_consumer_key) {
            throw new OAuth1VerificationError('token_rejected', 401, 'unknown token');
          }
          tokenSecret = held.secret;
        }
        return { clientSecret: client.secret, rsaPublicKey: client.rsaPublicKey, tokenSecret };
      },
    });

  const server = createServer(async (req, res) => {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}${req.url}`;
    const path = new URL(url).pathname;
    const body = await readBody(req);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const request: HttpRequest = { method: req.method ?? 'GET', url, headers, body };
    try {
      switch (path) {
        case '/initiate': {
          const params = await verify(request, 'none');
          if (!params.oauth_callback) {
            throw new OAuth1VerificationError('parameter_absent', 400, 'no oauth_callback', {
              parameters: { oauth_parameters_absent: 'oauth_callback' },
            });
          }
          const grant: Grant = {
            clientId: params.oauth_consumer_key,
            secret: token(),
            callback: params.oauth_callback,
            verifier: token(),
            scope: new URLSearchParams(body).get('scope') ?? undefined,
          };
          const id = token();
          temporary.set(id, grant);
          return send(
            res,
            200,
            `oauth_token=${id}&oauth_token_secret=${grant.secret}&oauth_callback_confirmed=true`,
          );
        }
        case '/authorize': {
          const id = new URL(url).searchParams.get('oauth_token') ?? '';
          const grant = temporary.get(id);
          if (!grant) return send(res, 400, 'oauth_problem=token_rejected');
          const callback = new URL(grant.callback);
          callback.searchParams.append('oauth_token', id);
          callback.searchParams.append('oauth_verifier', grant.verifier);
          res.writeHead(302, { location: callback.href });
          return res.end();
        }
        case '/token': {
          const params = await verify(request, temporary);
          const id = params.oauth_token as string;
          const grant = temporary.get(id) as Grant;
          if (params.oauth_verifier !== grant.verifier) {
            throw new OAuth1VerificationError('parameter_rejected', 401, 'wrong verifier', {
              parameters: { oauth_parameters_rejected: 'oauth_verifier' },
            });
          }
          temporary.delete(id);
          const issued = token();
          const secret = token();
          access.set(issued, { clientId: grant.clientId, secret });
          const answer = { oauth_token: issued, oauth_token_secret: secret, user_id: '42' };
          return send(
            res,
            200,
            new URLSearchParams({ ...answer, scope: grant.scope ?? '' }).toString(),
          );
        }
        case '/photos': {
          const params = await verify(request, access);
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ params, method: request.method, body }));
        }
        // Broken providers.
        case '/json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"oauth_token":"t","oauth_token_secret":"s"}');
        case '/unconfirmed':
          return send(res, 200, 'oauth_token=t&oauth_token_secret=s');
        case '/no-secret':
          return send(res, 200, 'oauth_token=t&oauth_callback_confirmed=true');
        case '/text-plain':
          return send(
            res,
            200,
            'oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true',
            {
              'content-type': 'text/plain',
            },
          );
        case '/server-error':
          return send(res, 500, 'boom', { 'content-type': 'text/plain' });
        case '/challenge':
          return send(res, 401, '', {
            'www-authenticate':
              'OAuth realm="photos", oauth_problem="token_expired", oauth_problem_advice="log%20in%20again"',
          });
        case '/forbidden':
          return send(res, 403, 'no', { 'content-type': 'text/plain' });
        case '/redirect':
          res.writeHead(302, { location: '/initiate' });
          return res.end();
        default:
          return send(res, 404, '');
      }
    } catch (error) {
      if (!OAuth1VerificationError.isInstance(error)) {
        return send(res, 500, String(error), { 'content-type': 'text/plain' });
      }
      rejections.push(error.oauth_problem);
      return send(res, error.status, error.toFormBody(), {
        'www-authenticate': `OAuth realm="photos", oauth_problem="${error.oauth_problem}"`,
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rejections,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A Transport on global fetch, as the contract asks: no redirects followed. */
export const fetchTransport: Transport = async (request, options) => {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      redirect: 'manual',
      signal: options?.signal ?? null,
    });
  } catch (cause) {
    throw new TransportError('ERR_NETWORK', 'the request failed', { cause });
  }
  return { status: response.status, headers: response.headers, body: await response.text() };
};
