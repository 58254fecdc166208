import type { ServerResponse } from 'node:http';
import {
  type HttpResponse,
  InvalidResponseError,
  OAuth2ResponseError,
  OAuth2Token,
  OAuthError,
} from '@x/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Client, processTokenResponse } from '../src/index.js';
import {
  expectNoSecrets,
  rejectionOf,
  sendJson,
  sendRaw,
  startServer,
  type TestServer,
  transport,
} from './support.js';

const CLIENT_SECRET = 'client-secret-XYZ';
const PASSWORD = 'password-ABC-123';
const REFRESH = 'refresh-token-456';
const OLD_ACCESS = 'old-access-token-789';
const LEAKED = 'leaky-access-token';
const SECRETS = [CLIENT_SECRET, PASSWORD, REFRESH, OLD_ACCESS, LEAKED];

type Reply = (res: ServerResponse) => void;
interface Case {
  name: string;
  reply: Reply;
  error: typeof InvalidResponseError | typeof OAuth2ResponseError;
  status: number;
  oauthError?: string;
  /** Part of the message that says what was wrong. */
  message?: RegExp;
}

const json =
  (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  (res) =>
    sendJson(res, status, body, headers);
const raw =
  (status: number, body: string, headers?: Record<string, string>): Reply =>
  (res) =>
    sendRaw(res, status, body, headers);
const valid = { access_token: LEAKED, token_type: 'Bearer', expires_in: 3600 };

const CASES: Case[] = [
  {
    name: 'non-JSON text',
    reply: raw(200, 'hello world', { 'content-type': 'text/plain' }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'HTML login page with 200',
    reply: raw(200, '<!doctype html><form action="/login"><input name=password></form>', {
      'content-type': 'text/html',
    }),
    error: InvalidResponseError,
    status: 200,
    message: /HTML page/,
  },
  {
    name: 'HTML page labelled JSON',
    reply: raw(200, '<html>login</html>', { 'content-type': 'application/json' }),
    error: InvalidResponseError,
    status: 200,
    message: /HTML page/,
  },
  {
    name: 'empty body',
    reply: raw(200, '', { 'content-type': 'application/json' }),
    error: InvalidResponseError,
    status: 200,
    message: /empty body/,
  },
  {
    name: 'truncated JSON',
    reply: raw(200, `{"access_token":"${LEAKED}","token_ty`, {
      'content-type': 'application/json',
    }),
    error: InvalidResponseError,
    status: 200,
    message: /not valid JSON/,
  },
  {
    name: 'JSON array',
    reply: json(200, [valid]),
    error: InvalidResponseError,
    status: 200,
    message: /not an object/,
  },
  {
    name: 'JSON null',
    reply: raw(200, 'null', { 'content-type': 'application/json' }),
    error: InvalidResponseError,
    status: 200,
  },
  { name: 'JSON string', reply: json(200, LEAKED), error: InvalidResponseError, status: 200 },
  {
    name: 'error member with 200',
    reply: json(200, {
      error: 'invalid_grant',
      error_description: `client ${CLIENT_SECRET} may not use this grant`,
    }),
    error: OAuth2ResponseError,
    status: 200,
    oauthError: 'invalid_grant',
  },
  {
    name: 'error member with 400 echoing the secret',
    reply: json(400, {
      error: 'invalid_client',
      error_description: `bad secret ${CLIENT_SECRET} for password=${PASSWORD}`,
    }),
    error: OAuth2ResponseError,
    status: 400,
    oauthError: 'invalid_client',
  },
  {
    name: '401 invalid_client with a challenge',
    reply: json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="as"' }),
    error: OAuth2ResponseError,
    status: 401,
    oauthError: 'invalid_client',
  },
  {
    name: 'missing access_token',
    reply: json(200, { token_type: 'Bearer', refresh_token: LEAKED }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'empty access_token',
    reply: json(200, { access_token: '', token_type: 'Bearer' }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'numeric access_token',
    reply: json(200, { access_token: 12345, token_type: 'Bearer' }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'missing token_type',
    reply: json(200, { access_token: LEAKED }),
    error: InvalidResponseError,
    status: 200,
    message: /no token_type/,
  },
  {
    name: 'token_type null',
    reply: json(200, { access_token: LEAKED, token_type: null }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'token_type mac',
    reply: json(200, { ...valid, token_type: 'mac' }),
    error: InvalidResponseError,
    status: 200,
    message: /"mac" is not supported/,
  },
  {
    name: 'numeric token_type',
    reply: json(200, { ...valid, token_type: 1 }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'negative expires_in',
    reply: json(200, { ...valid, expires_in: -5 }),
    error: InvalidResponseError,
    status: 200,
    message: /expires_in/,
  },
  {
    name: 'non-numeric expires_in',
    reply: json(200, { ...valid, expires_in: 'soon' }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'negative numeric-string expires_in',
    reply: json(200, { ...valid, expires_in: '-1' }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'numeric refresh_token',
    reply: json(200, { ...valid, refresh_token: 42 }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: 'scope as an array',
    reply: json(200, { ...valid, scope: ['a', 'b'] }),
    error: InvalidResponseError,
    status: 200,
  },
  {
    name: '500 with no body',
    reply: raw(500, ''),
    error: InvalidResponseError,
    status: 500,
    message: /HTTP 500 with an empty body/,
  },
  {
    name: '503 with an HTML body',
    reply: raw(503, '<h1>down</h1>', { 'content-type': 'text/html' }),
    error: InvalidResponseError,
    status: 503,
  },
  {
    name: '302 to a login page',
    reply: raw(302, '', { location: '/login' }),
    error: InvalidResponseError,
    status: 302,
    message: /redirected/,
  },
  { name: '204 no content', reply: raw(204, ''), error: InvalidResponseError, status: 204 },
];

let as: TestServer;
let reply: Reply = json(200, valid);
beforeAll(async () => {
  as = await startServer((_req, res) => reply(res));
});
afterAll(() => as.close());

function client(updateToken?: () => void): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    clientSecret: CLIENT_SECRET,
    tokenEndpoint: `${as.origin}/token`,
    allowInsecureTransport: true,
    transport,
    ...(updateToken === undefined ? {} : { updateToken }),
  });
}

describe('malformed and hostile token endpoint responses', () => {
  it.each(CASES)('$name → $error.name (HTTP $status), nothing stored', async (c) => {
    reply = c.reply;
    const fresh = client();
    const error = await rejectionOf(fresh.fetchToken({ username: 'alice', password: PASSWORD }));
    expect(error).toBeInstanceOf(c.error);
    expect(OAuthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: c.error === OAuth2ResponseError ? 'ERR_OAUTH_RESPONSE' : 'ERR_INVALID_RESPONSE',
      status: c.status,
    });
    if (c.oauthError !== undefined) expect(error).toMatchObject({ error: c.oauthError });
    if (c.message !== undefined) expect(String(error)).toMatch(c.message);
    expectNoSecrets(error, SECRETS);
    expect(fresh.token).toBeUndefined();

    const updateToken = vi.fn();
    const refreshing = client(updateToken);
    refreshing.token = {
      access_token: OLD_ACCESS,
      token_type: 'Bearer',
      refresh_token: REFRESH,
      expires_at: 1,
    };
    const before = refreshing.token;
    const refreshError = await rejectionOf(refreshing.refreshToken());
    expect(refreshError).toBeInstanceOf(c.error);
    expect(refreshError).toMatchObject({ status: c.status });
    expectNoSecrets(refreshError, SECRETS);
    expect(refreshing.token).toBe(before);
    expect(updateToken).not.toHaveBeenCalled();
  });

  it('a valid response after all that is accepted (the table is not vacuous)', async () => {
    reply = json(200, { ...valid, expires_in: '120', extra_member: { nested: true } });
    const token = await client().fetchToken();
    expect(token.access_token).toBe(LEAKED);
    expect(token.expires_in).toBe(120);
    expect(token.extra_member).toEqual({ nested: true });
  });

  it('accepts a JSON token whatever its content type says', async () => {
    for (const type of ['text/html', 'text/plain', 'application/x-www-form-urlencoded']) {
      reply = raw(200, JSON.stringify(valid), { 'content-type': type });
      expect((await client().fetchToken()).access_token).toBe(LEAKED);
    }
  });

  it('accepts bearer in any case', async () => {
    for (const tokenType of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      reply = json(200, { ...valid, token_type: tokenType });
      expect((await client().fetchToken()).token_type).toBe(tokenType);
    }
  });

  it('drops members that would shadow token methods', async () => {
    reply = raw(200, JSON.stringify({ ...valid, isExpired: 1, with: 'x', toJSON: 2 }), {
      'content-type': 'application/json',
    });
    const token = await client().fetchToken();
    expect(token.isExpired()).toBe(false);
    expect(Object.keys(token)).not.toContain('isExpired');
    expect(token.with({ scope: 's' }).scope).toBe('s');
  });
});

const response = (status: number, body: string): HttpResponse => ({
  status,
  headers: new Headers({ 'content-type': 'application/json' }),
  body,
});

describe('processTokenResponse properties', () => {
  const jsonish = fc.oneof(
    fc.string(),
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
      .record(
        {
          access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          token_type: fc.oneof(
            fc.constantFrom('Bearer', 'bearer', 'mac', ''),
            fc.string(),
            fc.integer(),
          ),
          expires_in: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
          refresh_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          scope: fc.oneof(fc.string(), fc.array(fc.string())),
          error: fc.oneof(fc.string(), fc.integer()),
          isExpired: fc.jsonValue(),
          __proto__: fc.jsonValue(),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  );

  it('never throws anything but an OAuthError, whatever the server sends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), jsonish, (status, body) => {
        try {
          const token = processTokenResponse(response(status, body), { receivedAt: 0 });
          expect(token).toBeInstanceOf(OAuth2Token);
          expect(typeof token.isExpired(60)).toBe('boolean');
        } catch (error) {
          expect(OAuthError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('valid responses round-trip: members kept, expires_at computed, JSON storage stable', () => {
    const STANDARD = [
      'access_token',
      'token_type',
      'expires_in',
      'expires_at',
      'refresh_token',
      'scope',
      'id_token',
      'error',
    ];
    const SHADOWING = ['__proto__', 'constructor', 'isExpired', 'with', 'toJSON'];
    const member = fc
      .string({ minLength: 1 })
      .filter((k) => !STANDARD.includes(k) && !SHADOWING.includes(k));
    fc.assert(
      fc.property(
        fc.record(
          {
            access_token: fc.string({ minLength: 1 }),
            token_type: fc.constantFrom('Bearer', 'bearer', 'BEARER'),
            expires_in: fc.oneof(fc.nat({ max: 10 ** 9 }), fc.nat({ max: 10 ** 9 }).map(String)),
            refresh_token: fc.string(),
            scope: fc.string(),
            id_token: fc.string(),
          },
          { requiredKeys: ['access_token', 'token_type'] },
        ),
        fc.dictionary(member, fc.jsonValue()),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (fields, extra, receivedAt) => {
          const body = { ...extra, ...fields };
          const token = processTokenResponse(response(200, JSON.stringify(body)), { receivedAt });
          const stored = JSON.parse(JSON.stringify(token)) as Record<string, unknown>;
          const { expires_in, ...rest } = JSON.parse(JSON.stringify(body)) as Record<
            string,
            unknown
          >;
          expect(stored).toMatchObject(rest);
          if (expires_in === undefined) {
            expect(stored.expires_at).toBeUndefined();
          } else {
            expect(stored.expires_in).toBe(Number(expires_in));
            expect(stored.expires_at).toBe(Math.floor(receivedAt / 1000) + Number(expires_in));
          }
          expect(OAuth2Token.from(stored as never).toJSON()).toEqual(token.toJSON());
        },
      ),
      { numRuns: 500 },
    );
  });
});
