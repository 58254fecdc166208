import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Loopback servers for tests: 127.0.0.1, a random port, every request
 * recorded, and a `close()` that ends every connection.
 */

/** Answers with a JSON body, not to be cached (as token endpoints answer, RFC 6749 5.1). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...headers,
    })
    .end(JSON.stringify(body));
}

/** A request as the server saw it, body read in full. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/token?x=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers a recorded request. May be async; a throw becomes a 500. */
export type TestHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

/** A running loopback server. */
export interface TestServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:43123/`. */
  url: string;
  /** e.g. `http://127.0.0.1:43123`. */
  origin: string;
  port: number;
  /** Every request received so far, in order. */
  requests: RecordedRequest[];
  /** Connections currently open (counted from accept to close). */
  readonly openConnections: number;
  /** Ends every connection and stops listening; resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startHttpsServer}. */
export interface TlsOptions {
  key: string;
  cert: string;
}

function listen(
  server: Server,
  scheme: 'http' | 'https',
  handler: TestHandler,
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => handler(recorded, res, req))
        .catch((error: unknown) => {
          if (res.headersSent) return void res.destroy();
          res.statusCode = 500;
          res.end(String(error));
        });
    });
  });
  let closing: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const origin = `${scheme}://127.0.0.1:${port}`;
      resolve({
        url: `${origin}/`,
        origin,
        port,
        requests,
        get openConnections() {
          return sockets.size;
        },
        close() {
          closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            for (const socket of sockets) socket.destroy();
          });
          return closing;
        },
      });
    });
  });
}

/**
 * Starts an http server on 127.0.0.1 with a random port.
 *
 * @example
 * const server = await startHttpServer((req, res) => res.end('ok'))
 * afterAll(() => server.close())
 */
export function startHttpServer(handler: TestHandler): Promise<TestServer> {
  return listen(createHttpServer(), 'http', handler);
}

/** Starts an https server on 127.0.0.1 (use the fixture certificate from `fixtures.ts`). */
export function startHttpsServer(handler: TestHandler, tls: TlsOptions): Promise<TestServer> {
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert }), 'https', handler);
}

/**
 * A server that answers every request with what it received, as JSON
 * (`{ method, url, headers, body }`); except `/moved...`, which redirects to
 * `/final` with `redirectStatus`, and `/missing`, which answers 404.
 *
 * @example
 * const api = await startEchoServer()
 * const echo = await (await fetch(`${api.url}me`)).json()
 */
export function startEchoServer(options: { redirectStatus?: number } = {}): Promise<TestServer> {
  return startHttpServer((req, res) => {
    if (req.url.startsWith('/moved')) {
      return void res.writeHead(options.redirectStatus ?? 302, { location: '/final' }).end();
    }
    if (req.url === '/missing') return void res.writeHead(404).end('{"error":"nope"}');
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: req.body }),
    );
  });
}

/** A server that records requests and never answers them (for timeouts and aborts). */
export function startSilentServer(): Promise<TestServer> {
  return startHttpServer(() => {});
}

/** A server that resets the connection (TCP RST) on every request. */
export function startResetServer(): Promise<TestServer> {
  return startHttpServer((_request, response) => {
    response.socket?.resetAndDestroy();
  });
}

/**
 * Polls `condition` every 10 ms until it holds or `timeout` ms pass;
 * resolves with whether it held.
 */
export async function waitFor(condition: () => boolean, timeout = 5_000): Promise<boolean> {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
