import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Transport } from '@x/core';
import { ManualClock as BaseClock, testTransport } from '@x/testing';

/**
 * Test plumbing: real node:http servers on 127.0.0.1 that record every
 * request they receive, and the shared test transport and helpers.
 */

export {
  expectNoSecrets,
  getRequest as get,
  rejectionOf,
} from '@x/testing';

/** A transport over global fetch that never follows redirects. */
export const transport: Transport = testTransport();

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

/** Answers with a JSON body (the one of @x/testing, for the tests that import it from here). */
export { sendJson } from '@x/testing';

/** Answers with a raw body. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, headers).end(body);
}

/** A clock you move by hand, starting at a fixed instant. */
export class ManualClock extends BaseClock {
  constructor(ms = 1_700_000_000_000) {
    super(ms);
  }
}
