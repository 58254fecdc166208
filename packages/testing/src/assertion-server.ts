import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '@x/core';
import { type RecordedRequest, sendJson, startHttpServer, type TestServer } from './servers.js';

/**
 * A loopback JWT-bearer token endpoint (RFC 7523 2.1) at `/token` that
 * verifies every assertion, and a protected resource on the same server:
 * any other path answers 200 `{ token }` for the newest access token at
 * `/resource`, and 401 `invalid_token` otherwise (so `/refusing` always does).
 */

/** The JWT-bearer grant type (RFC 7523 2.1). */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A clock moved by hand, shared by a client under test and the server's `exp` check. */
export class ManualClock implements Clock {
  constructor(public ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  /** Whole seconds since the epoch. */
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}

/** A 2048-bit RSA key pair, the private key as PKCS#8 PEM (as a service-account key file has it). */
export interface RsaKey {
  privatePem: string;
  publicKey: KeyObject;
}

/** A fresh {@link RsaKey}. */
export function rsaKey(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, publicKey };
}

/** One token request as the server saw it. */
export interface TokenCall {
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  authorization: string | undefined;
  /** The verified assertion's claims and header; absent when it did not verify. */
  payload?: Record<string, unknown> | undefined;
  header?: Record<string, unknown> | undefined;
}

/** What the token endpoint answers a verified assertion with. */
export type Behaviour =
  | { kind: 'token'; expiresIn?: number | undefined }
  | { kind: 'error'; status: number; error: string };

/** A running {@link startAssertionServer}. */
export interface AssertionServer {
  origin: string;
  tokenEndpoint: string;
  /** The protected resource. */
  resource: string;
  /** Token requests, in arrival order (counted before any verification). */
  calls: TokenCall[];
  /** Requests to anything but `/token`. */
  resourceRequests(): RecordedRequest[];
  /** Access tokens issued, in order (`at-1`, `at-2`, ...); `/resource` accepts the last. */
  issued: string[];
  /** Sets the answer to the next verified assertions. @defaultValue `{ kind: 'token' }`, 3600 s */
  behave(next: Behaviour): void;
  /** Milliseconds the token endpoint waits before answering (so concurrent callers overlap). */
  delay: number;
  /** Token requests wait until `release()`. */
  hold(): void;
  release(): void;
  readonly openConnections: number;
  close(): Promise<void>;
}

class InvalidJwt extends Error {}

const decodeJson = (part: string | undefined): unknown =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Verifies a compact RS256 JWT with node:crypto as a token endpoint must
 * (RFC 7523 3): signature, `iss`, `aud`, `exp` and `nbf` at `now` (seconds),
 * and the presence of `iat`, `exp` and `jti`. Independent of the JOSE library
 * the clients under test sign with.
 */
function verifyAssertion(
  jwt: string,
  key: KeyObject,
  expected: { issuer: string; audience: string; now: number },
): { payload: Record<string, unknown>; header: Record<string, unknown> } {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new InvalidJwt('not a compact JWS');
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeJson(encodedHeader);
    payload = decodeJson(encodedPayload);
  } catch {
    throw new InvalidJwt('undecodable JWT');
  }
  if (!isObject(header) || header.alg !== 'RS256') throw new InvalidJwt('alg not allowed');
  if ('crit' in header) throw new InvalidJwt('crit not supported');
  const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  if (!verify('sha256', signed, key, Buffer.from(signature, 'base64url'))) {
    throw new InvalidJwt('signature verification failed');
  }
  if (!isObject(payload)) throw new InvalidJwt('claims are not an object');
  for (const claim of ['iss', 'aud', 'iat', 'exp', 'jti']) {
    if (!Object.hasOwn(payload, claim)) throw new InvalidJwt(`missing required "${claim}" claim`);
  }
  if (payload.iss !== expected.issuer) throw new InvalidJwt('unexpected "iss" claim value');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expected.audience)) throw new InvalidJwt('unexpected "aud" claim value');
  for (const claim of ['iat', 'exp', 'nbf']) {
    if (claim in payload && typeof payload[claim] !== 'number') {
      throw new InvalidJwt(`"${claim}" claim must be a number`);
    }
  }
  if (typeof payload.nbf === 'number' && payload.nbf > expected.now) {
    throw new InvalidJwt('"nbf" claim timestamp check failed');
  }
  if ((payload.exp as number) <= expected.now) {
    throw new InvalidJwt('"exp" claim timestamp check failed');
  }
  return { payload, header };
}

/**
 * Starts the server. Assertions must be RS256 by `publicKey`, from `issuer`,
 * for the token endpoint's URL, unexpired by `clock`; the token response
 * repeats the requested `scope`.
 *
 * @example
 * const server = await startAssertionServer({ publicKey, issuer: 'svc@example.com', clock })
 */
export async function startAssertionServer(options: {
  publicKey: KeyObject;
  issuer: string;
  clock: Clock;
}): Promise<AssertionServer> {
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let behaviour: Behaviour = { kind: 'token' };
  const calls: TokenCall[] = [];
  const issued: string[] = [];

  const http: TestServer = await startHttpServer(async (request, res) => {
    if (request.url !== '/token') {
      const ok =
        request.url === '/resource' && request.headers.authorization === `Bearer ${issued.at(-1)}`;
      if (ok) return sendJson(res, 200, { token: issued.at(-1) });
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return void res.end();
    }
    const params = new URLSearchParams(request.body);
    const call: TokenCall = {
      params,
      headers: request.headers,
      authorization: request.headers.authorization,
    };
    calls.push(call);
    if (server.delay > 0) await new Promise((resolve) => setTimeout(resolve, server.delay));
    if (gate !== undefined) await gate.promise;
    if (params.get('grant_type') !== JWT_BEARER) {
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    try {
      const verified = verifyAssertion(params.get('assertion') ?? '', options.publicKey, {
        issuer: options.issuer,
        audience: server.tokenEndpoint,
        now: Math.floor(options.clock.now() / 1000),
      });
      call.payload = verified.payload;
      call.header = verified.header;
    } catch (error) {
      if (!(error instanceof InvalidJwt)) throw error;
      return sendJson(res, 400, { error: 'invalid_grant', error_description: error.message });
    }
    if (behaviour.kind === 'error')
      return sendJson(res, behaviour.status, { error: behaviour.error });
    const accessToken = `at-${issued.length + 1}`;
    issued.push(accessToken);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: behaviour.expiresIn ?? 3600,
      ...(params.has('scope') && { scope: params.get('scope') }),
    });
  });

  const server: AssertionServer = {
    origin: http.origin,
    tokenEndpoint: `${http.origin}/token`,
    resource: `${http.origin}/resource`,
    calls,
    resourceRequests: () => http.requests.filter((r) => r.url !== '/token'),
    issued,
    behave(next) {
      behaviour = next;
    },
    delay: 0,
    hold() {
      let open = (): void => {};
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    get openConnections() {
      return http.openConnections;
    },
    close: () => http.close(),
  };
  return server;
}
