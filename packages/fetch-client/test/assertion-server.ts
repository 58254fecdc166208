import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Clock } from '@x/core';
import { type RecordedRequest, startHttpServer, type TestServer } from '@x/testing';
import { type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from 'jose';

/**
 * A loopback JWT-bearer token endpoint (`/token`) that verifies every
 * assertion with jose, and a protected resource on the same server:
 * `/resource` answers 200 for the newest access token and 401
 * `invalid_token` for any other; `/refusing` always answers 401.
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A clock moved by hand, shared by the session and the server's `exp` check. */
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

/** A 2048-bit RSA key pair: the private key as PKCS#8 PEM, as a service-account key file has it. */
export function rsaKey(): { privatePem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, publicKey };
}

/** One token request as the server saw it. */
export interface TokenCall {
  params: URLSearchParams;
  authorization: string | undefined;
  /** The verified assertion's claims and header; absent when it did not verify. */
  payload?: JWTPayload | undefined;
  header?: ProtectedHeaderParameters | undefined;
}

export interface AssertionServer {
  origin: string;
  tokenEndpoint: string;
  /** The protected resource. */
  resource: string;
  /** Token requests, in arrival order (counted before any verification). */
  calls: TokenCall[];
  /** Requests to anything but `/token`. */
  resourceRequests(): RecordedRequest[];
  /** Access tokens issued, in order (`at-1`, `at-2`, ...). */
  issued: string[];
  /** `expires_in` of the tokens issued next. @defaultValue 3600 */
  expiresIn: number;
  /** Milliseconds the token endpoint waits before answering (so concurrent callers overlap). */
  delay: number;
  /** Token requests wait until `release()`. */
  hold(): void;
  release(): void;
  readonly openConnections: number;
  close(): Promise<void>;
}

/** Starts the server; assertions must be RS256 by `publicKey`, from `issuer`, for `/token`. */
export async function startAssertionServer(options: {
  publicKey: KeyObject;
  issuer: string;
  clock: Clock;
}): Promise<AssertionServer> {
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const calls: TokenCall[] = [];
  const issued: string[] = [];
  const json = (res: ServerResponse, status: number, body: unknown): void =>
    void res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));

  const http: TestServer = await startHttpServer(async (request, res) => {
    if (request.url !== '/token') {
      const ok =
        request.url === '/resource' && request.headers.authorization === `Bearer ${issued.at(-1)}`;
      if (ok) return json(res, 200, { token: issued.at(-1) });
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return void res.end();
    }
    const params = new URLSearchParams(request.body);
    const call: TokenCall = { params, authorization: request.headers.authorization };
    calls.push(call);
    if (server.delay > 0) await new Promise((resolve) => setTimeout(resolve, server.delay));
    if (gate !== undefined) await gate.promise;
    if (params.get('grant_type') !== JWT_BEARER) {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(
        params.get('assertion') ?? '',
        options.publicKey,
        {
          algorithms: ['RS256'],
          issuer: options.issuer,
          audience: server.tokenEndpoint,
          currentDate: new Date(options.clock.now()),
          requiredClaims: ['iat', 'exp', 'jti'],
        },
      );
      call.payload = payload;
      call.header = protectedHeader;
    } catch (error) {
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: (error as Error).message,
      });
    }
    const accessToken = `at-${issued.length + 1}`;
    issued.push(accessToken);
    json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: server.expiresIn,
    });
  });

  const server: AssertionServer = {
    origin: http.origin,
    tokenEndpoint: `${http.origin}/token`,
    resource: `${http.origin}/resource`,
    calls,
    resourceRequests: () => http.requests.filter((r) => r.url !== '/token'),
    issued,
    expiresIn: 3600,
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

/** What a promise rejected with, or `'resolved'`; handled at once. */
export const settled = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
