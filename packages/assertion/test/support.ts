import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import type { Clock, HttpRequest, Transport } from '@x/core';
import { TransportError } from '@x/core';
import { type RecordedRequest, startHttpServer, type TestServer } from '@x/testing';
import { type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import { expect } from 'vitest';

/**
 * Test plumbing: a fetch transport, a clock moved by hand, and a loopback
 * token endpoint that verifies every JWT-bearer assertion with jose.
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A {@link Transport} on global fetch that never follows redirects. */
export const transport: Transport = async (request: HttpRequest, options) => {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(options?.signal === undefined ? {} : { signal: options.signal }),
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  } catch (cause) {
    throw new TransportError('ERR_NETWORK', 'request failed', { cause });
  }
};

/** A clock you move by hand. */
export class ManualClock implements Clock {
  constructor(public ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface RsaKey {
  privatePem: string;
  publicKey: KeyObject;
}

export function rsaKey(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, publicKey };
}

/** A token request the server accepted or refused. */
export interface TokenCall {
  params: URLSearchParams;
  headers: RecordedRequest['headers'];
  /** The verified assertion, when it verified. */
  payload?: JWTPayload | undefined;
  header?: ProtectedHeaderParameters | undefined;
}

/** What the token endpoint does next. */
export type Behaviour =
  | { kind: 'token'; expiresIn?: number | undefined }
  | { kind: 'error'; status: number; error: string };

export interface TokenServer {
  /** The token endpoint URL. */
  tokenEndpoint: string;
  /** The server's base URL (also usable as a protected resource, see `resource`). */
  origin: string;
  calls: TokenCall[];
  /** Access tokens issued, in order. */
  issued: string[];
  /** Sets what the next token requests get. */
  behave(next: Behaviour): void;
  /** Holds token responses until `release()` (to make concurrent callers overlap). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/**
 * A token endpoint at `/token` that verifies the assertion (RS256 against
 * `publicKey`, `iss`, `aud` = its own URL, `exp` by `clock`) and issues
 * `at-1`, `at-2`, ...; `/resource` answers 200 for the newest token and 401
 * `invalid_token` for any other.
 */
export async function startTokenServer(options: {
  publicKey: KeyObject;
  issuer: string;
  clock: Clock;
}): Promise<TokenServer> {
  const calls: TokenCall[] = [];
  const issued: string[] = [];
  let behaviour: Behaviour = { kind: 'token' };
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let server: TestServer | undefined;

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  server = await startHttpServer(async (request, res) => {
    if (request.url === '/resource') {
      const ok = request.headers.authorization === `Bearer ${issued.at(-1)}`;
      if (ok) return json(res, 200, { ok: true });
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return void res.end();
    }
    const params = new URLSearchParams(request.body);
    const call: TokenCall = { params, headers: request.headers };
    calls.push(call);
    if (gate !== undefined) await gate;
    if (params.get('grant_type') !== JWT_BEARER) {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    try {
      const verified = await jwtVerify(params.get('assertion') ?? '', options.publicKey, {
        algorithms: ['RS256'],
        issuer: options.issuer,
        audience: `${server?.origin}/token`,
        currentDate: new Date(options.clock.now()),
        requiredClaims: ['exp', 'iat', 'jti'],
      });
      call.payload = verified.payload;
      call.header = verified.protectedHeader;
    } catch (error) {
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: (error as Error).message,
      });
    }
    if (behaviour.kind === 'error') {
      return json(res, behaviour.status, { error: behaviour.error });
    }
    const accessToken = `at-${issued.length + 1}`;
    issued.push(accessToken);
    json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: behaviour.expiresIn ?? 3600,
      ...(params.has('scope') ? { scope: params.get('scope') } : {}),
    });
  });
  return {
    tokenEndpoint: `${server.origin}/token`,
    origin: server.origin,
    calls,
    issued,
    behave(next) {
      behaviour = next;
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open?.();
      gate = undefined;
    },
    close: () => (server as TestServer).close(),
  };
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Asserts that no secret appears in any rendering of an error. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  const renderings = [
    inspect(error, { depth: 8 }),
    String(error),
    JSON.stringify(error),
    (error as Error).stack ?? '',
  ];
  for (const rendering of renderings) {
    for (const secret of secrets) expect(rendering).not.toContain(secret);
  }
}

/** A GET request to a URL, as adapters hand it to an authenticator. */
export function get(url: string): HttpRequest {
  return { method: 'GET', url, headers: new Headers() };
}
