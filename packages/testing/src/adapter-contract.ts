import {
  type Authenticator,
  cloneRequest,
  type HttpRequest,
  MAX_REDIRECTS,
  TransportError,
  type TransportErrorCode,
} from '@x/core';
import { afterEach, describe, expect, it } from 'vitest';
import { localhostCert, localhostKey } from './fixtures.js';
import {
  startHttpServer,
  startHttpsServer,
  startResetServer,
  startSilentServer,
  type TestHandler,
  type TestServer,
  waitFor,
} from './servers.js';

/**
 * The behaviour every adapter must show, run against real loopback servers.
 * Each adapter's test/contract.test.ts calls {@link describeAdapterContract}
 * with a small driver that translates these requests to its HTTP stack.
 */

/** A request as the contract sends it. `{ stream }` is a body that cannot be replayed. */
export interface ContractRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | { stream: string };
  signal?: AbortSignal;
}

/** The response the driver hands back, body read as text. */
export interface ContractResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** A client under test: sends requests, then releases everything it holds. */
export interface ContractClient {
  send(request: ContractRequest): Promise<ContractResponse>;
  close(): Promise<void>;
}

/** Options the contract passes when it creates a client. */
export interface ContractClientOptions {
  /** Timeout per call, in ms. */
  timeout?: number;
  /** A PEM certificate to trust (the fixture certificate of https servers). */
  ca?: string;
}

/** Builds clients for the contract. */
export interface AdapterDriver {
  create(authenticator: Authenticator, options?: ContractClientOptions): ContractClient;
}

/** An authenticator that records its calls and attaches `Bearer tok-<n>`, a fresh n per call. */
export interface RecordingAuthenticator extends Authenticator {
  /** URLs `authorize` was called with. */
  readonly authorized: string[];
  /** Statuses `retry` was called with. */
  readonly retried: number[];
}

/** A {@link RecordingAuthenticator}; with `retryOn401`, `retry` answers `true` for a 401. */
export function recordingAuthenticator(
  options: { retryOn401?: boolean } = {},
): RecordingAuthenticator {
  let count = 0;
  const authorized: string[] = [];
  const retried: number[] = [];
  return {
    authorized,
    retried,
    async authorize(request: HttpRequest): Promise<HttpRequest> {
      authorized.push(request.url);
      const copy = cloneRequest(request);
      copy.headers.set('authorization', `Bearer tok-${++count}`);
      return copy;
    },
    ...(options.retryOn401 === true && {
      async retry(_request: HttpRequest, response: { status: number }): Promise<boolean> {
        retried.push(response.status);
        return response.status === 401;
      },
    }),
  };
}

/** An authenticator that records every request it sees and attaches `Bearer <token>`. */
export interface SpyAuthenticator extends Authenticator {
  /** The requests `authorize` was called with, as the adapter handed them over. */
  readonly seen: HttpRequest[];
}

/** A {@link SpyAuthenticator} attaching `token`. */
export function spyAuthenticator(token: string): SpyAuthenticator {
  const seen: HttpRequest[] = [];
  return {
    seen,
    async authorize(request: HttpRequest): Promise<HttpRequest> {
      seen.push(request);
      const copy = cloneRequest(request);
      copy.headers.set('authorization', `Bearer ${token}`);
      return copy;
    },
  };
}

async function expectTransportError(
  promise: Promise<unknown>,
  code: TransportErrorCode,
): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(TransportError.isInstance(error), `expected a TransportError, got ${String(error)}`).toBe(
    true,
  );
  expect((error as TransportError).code).toBe(code);
  return error as TransportError;
}

/**
 * Registers the adapter contract as a vitest `describe` block.
 *
 * @example
 * describeAdapterContract('fetch-client', { create: (auth, o) => ... })
 */
export function describeAdapterContract(name: string, driver: AdapterDriver): void {
  describe(`adapter contract: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const server = async (handler: TestHandler): Promise<TestServer> => {
      const started = await startHttpServer(handler);
      cleanups.push(() => started.close());
      return started;
    };
    const client = (auth: Authenticator, options?: ContractClientOptions): ContractClient => {
      const created = driver.create(auth, options);
      cleanups.push(() => created.close());
      return created;
    };
    const ok: TestHandler = (_req, res) => void res.end('ok');

    it('authorizes every request', async () => {
      const api = await server(ok);
      const auth = recordingAuthenticator();
      const http = client(auth);
      expect((await http.send({ method: 'GET', url: `${api.url}a` })).status).toBe(200);
      expect((await http.send({ method: 'POST', url: `${api.url}b`, body: 'x=1' })).body).toBe(
        'ok',
      );
      expect(api.requests.map((r) => r.headers.authorization)).toEqual([
        'Bearer tok-1',
        'Bearer tok-2',
      ]);
      expect(api.requests[1]?.body).toBe('x=1');
      expect(auth.authorized).toEqual([`${api.url}a`, `${api.url}b`]);
    });

    it('retries exactly once when retry() says so, with a new credential', async () => {
      const api = await server((req, res) => {
        res.statusCode = req.headers.authorization === 'Bearer tok-1' ? 401 : 200;
        res.end(String(res.statusCode));
      });
      const auth = recordingAuthenticator({ retryOn401: true });
      const res = await client(auth).send({ method: 'PUT', url: api.url, body: 'data' });
      expect(res.status).toBe(200);
      expect(api.requests.map((r) => [r.headers.authorization, r.body])).toEqual([
        ['Bearer tok-1', 'data'],
        ['Bearer tok-2', 'data'],
      ]);
    });

    it('does not retry when the body cannot be replayed', async () => {
      const api = await server((_req, res) => void res.writeHead(401).end('no'));
      const auth = recordingAuthenticator({ retryOn401: true });
      const res = await client(auth).send({
        method: 'POST',
        url: api.url,
        body: { stream: 'streamed' },
      });
      expect(res.status).toBe(401);
      expect(api.requests.map((r) => r.body)).toEqual(['streamed']);
    });

    it('returns a 307 as is when the body cannot be replayed', async () => {
      const api = await server((req, res) => {
        if (req.url === '/upload') return void res.writeHead(307, { location: '/elsewhere' }).end();
        res.end('followed');
      });
      const res = await client(recordingAuthenticator()).send({
        method: 'POST',
        url: `${api.url}upload`,
        body: { stream: 'streamed' },
      });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe('/elsewhere');
      expect(api.requests.map((r) => r.body)).toEqual(['streamed']);
    });

    it('retries at most once: a second 401 is returned', async () => {
      // 401 up to five times (bounded, should the client loop), then 200.
      const api = await server(
        (_req, res) => void res.writeHead(api.requests.length > 5 ? 200 : 401).end(),
      );
      const auth = recordingAuthenticator({ retryOn401: true });
      const res = await client(auth).send({ method: 'GET', url: api.url });
      expect(res.status).toBe(401);
      expect(api.requests).toHaveLength(2);
      expect(auth.retried).toEqual([401]);
    });

    it('strips credentials on a cross-origin redirect and never authorizes again', async () => {
      const other = await server((req, res) => {
        if (req.url === '/bounce')
          return void res.writeHead(302, { location: `${home.url}back` }).end();
        res.end('other');
      });
      const home: TestServer = await server((req, res) => {
        if (req.url === '/start')
          return void res.writeHead(302, { location: `${other.url}bounce` }).end();
        res.end('home');
      });
      const auth = recordingAuthenticator();
      const res = await client(auth).send({
        method: 'GET',
        url: `${home.url}start`,
        headers: { cookie: 'session=secret', 'proxy-authorization': 'Basic c2VjcmV0' },
      });
      expect(res.body).toBe('home');
      expect(auth.authorized).toEqual([`${home.url}start`]);
      expect(home.requests[0]?.headers).toMatchObject({
        authorization: 'Bearer tok-1',
        cookie: 'session=secret',
      });
      for (const seen of [other.requests[0], home.requests[1]]) {
        expect(seen?.headers.authorization).toBeUndefined();
        expect(seen?.headers.cookie).toBeUndefined();
        expect(seen?.headers['proxy-authorization']).toBeUndefined();
      }
      expect(home.requests.map((r) => r.url)).toEqual(['/start', '/back']);
    });

    it('keeps credentials on same-origin redirects and authorizes every hop', async () => {
      const api = await server((req, res) => {
        if (req.url === '/one') return void res.writeHead(302, { location: '/two' }).end();
        if (req.url === '/two') return void res.writeHead(307, { location: '/three' }).end();
        res.end('done');
      });
      const auth = recordingAuthenticator();
      const res = await client(auth).send({
        method: 'PUT',
        url: `${api.url}one`,
        headers: { cookie: 'a=1', 'content-type': 'text/plain' },
        body: 'payload',
      });
      expect(res.body).toBe('done');
      expect(auth.authorized).toEqual(['/one', '/two', '/three'].map((p) => `${api.origin}${p}`));
      expect(
        api.requests.map((r) => [r.method, r.headers.authorization, r.headers.cookie, r.body]),
      ).toEqual([
        ['PUT', 'Bearer tok-1', 'a=1', 'payload'],
        ['PUT', 'Bearer tok-2', 'a=1', 'payload'],
        ['PUT', 'Bearer tok-3', 'a=1', 'payload'],
      ]);
    });

    it('turns a POST into a GET without body on 303', async () => {
      const api = await server((req, res) => {
        if (req.url === '/submit') return void res.writeHead(303, { location: '/result' }).end();
        res.end(req.method);
      });
      const res = await client(recordingAuthenticator()).send({
        method: 'POST',
        url: `${api.url}submit`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(res.body).toBe('GET');
      const [first, second] = api.requests;
      expect([first?.method, first?.body, first?.headers['content-type']]).toEqual([
        'POST',
        'a=1',
        'application/x-www-form-urlencoded',
      ]);
      expect([second?.method, second?.body]).toEqual(['GET', '']);
      expect(second?.headers['content-type']).toBeUndefined();
      expect(second?.headers.authorization).toBe('Bearer tok-2');
    });

    it('refuses an https -> http redirect', async () => {
      const plain = await server(ok);
      const secure = await startHttpsServer(
        (_req, res) => void res.writeHead(302, { location: `${plain.url}x` }).end(),
        { key: localhostKey, cert: localhostCert },
      );
      cleanups.push(() => secure.close());
      const http = client(recordingAuthenticator(), { ca: localhostCert });
      await expectTransportError(
        http.send({ method: 'GET', url: secure.url }),
        'ERR_INSECURE_REDIRECT',
      );
      expect(secure.requests[0]?.headers.authorization).toBe('Bearer tok-1');
      expect(plain.requests).toHaveLength(0);
    });

    it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
      const api = await server((req, res) => {
        if (api.requests.length > 50) return void res.end('gave up');
        res.writeHead(302, { location: `${req.url}r` }).end();
      });
      const send = client(recordingAuthenticator()).send({ method: 'GET', url: `${api.url}r` });
      await expectTransportError(send, 'ERR_REDIRECT');
      expect(api.requests).toHaveLength(MAX_REDIRECTS + 1);
    });

    it('times out with ERR_TIMEOUT', async () => {
      const silent = await startSilentServer();
      cleanups.push(() => silent.close());
      const started = Date.now();
      const send = client(recordingAuthenticator(), { timeout: 200 }).send({
        method: 'GET',
        url: silent.url,
      });
      await expectTransportError(send, 'ERR_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(silent.requests).toHaveLength(1);
    });

    it('aborts with ERR_ABORTED, keeping the reason as cause', async () => {
      const silent = await startSilentServer();
      cleanups.push(() => silent.close());
      const controller = new AbortController();
      const send = client(recordingAuthenticator()).send({
        method: 'GET',
        url: silent.url,
        signal: controller.signal,
      });
      expect(await waitFor(() => silent.requests.length === 1)).toBe(true);
      const reason = new Error('user gave up');
      controller.abort(reason);
      const error = await expectTransportError(send, 'ERR_ABORTED');
      expect((error.cause as Error | undefined)?.message).toBe('user gave up');
    });

    it('reports a reset connection as ERR_NETWORK', async () => {
      const reset = await startResetServer();
      cleanups.push(() => reset.close());
      const send = client(recordingAuthenticator()).send({ method: 'GET', url: reset.url });
      await expectTransportError(send, 'ERR_NETWORK');
    });

    it('leaves no connection open after close()', async () => {
      const big = 'x'.repeat(256 * 1024);
      const api = await server((req, res) => {
        if (req.url === '/redirect')
          return void res.writeHead(302, { location: '/guarded' }).end(big);
        if (req.headers.authorization === 'Bearer tok-2') return void res.writeHead(401).end(big);
        res.end('fine');
      });
      const http = client(recordingAuthenticator({ retryOn401: true }));
      const res = await http.send({ method: 'GET', url: `${api.url}redirect` });
      expect(res.body).toBe('fine');
      expect(api.requests.map((r) => r.url)).toEqual([
        '/redirect',
        '/guarded',
        '/redirect',
        '/guarded',
      ]);
      // Discarded responses (the 302s, the first 401) must not hold connections.
      expect(await waitFor(() => api.openConnections <= 1), 'discarded responses released').toBe(
        true,
      );
      const closed = await Promise.race([
        http.close().then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, 5_000, false)),
      ]);
      expect(closed, 'close() resolved').toBe(true);
      expect(await waitFor(() => api.openConnections === 0), 'server connections ended').toBe(true);
    });
  });
}
