import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { Clock, HttpRequest, Transport } from '@x/core';
import { expect } from 'vitest';

/**
 * Test plumbing: a tiny fetch-based transport and real node:http servers on
 * 127.0.0.1 that record every request they receive.
 */

/** A transport over global fetch that never follows redirects. */
export const transport: Transport = async (request, options) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: 'manual',
    ...(options?.signal === undefined ? {} : { signal: options.signal }),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
};

/** A request as the server saw it. */
export interface Recorded {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as a form. */
  form: Record<string, string>;
}

export type Handler = (request: Recorded, response: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request received, in order. */
  requests: Recorded[];
  /** Replaces the handler. */
  handle(handler: Handler): void;
  /** Requests received on a path. */
  on(path: string): Recorded[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a random port. */
export async function startServer(initial?: Handler): Promise<TestServer> {
  let handler: Handler =
    initial ??
    ((_req, res) => {
      res.writeHead(404).end();
    });
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body)) if (!(k in form)) form[k] = v;
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        form,
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        res.writeHead(599).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    on(path) {
      return requests.filter((r) => r.url.split('?')[0] === path);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with a JSON body. */
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

/** Answers with a raw body. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, headers).end(body);
}

/** A clock you move by hand. */
export class ManualClock implements Clock {
  constructor(public ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** A GET request to a URL, as adapters hand it to an authenticator. */
export function get(url: string, headers: HeadersInit = {}): HttpRequest {
  return { method: 'GET', url, headers: new Headers(headers) };
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
