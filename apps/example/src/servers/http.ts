/**
 * The bits of node:http every demo server needs: listen on a free loopback
 * port (http, or https asking for client certificates), read a small body,
 * answer, and close with no connection left open.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A server listening on `http://127.0.0.1:<free port>` (or https). */
export interface Listening {
  /** `http://127.0.0.1:<port>` or `https://127.0.0.1:<port>` */
  origin: string;
  server: Server;
  /** Stops listening and ends every open connection (keep-alive ones included). */
  close(): Promise<void>;
}

/** The TLS settings of {@link listenMutualTls}: PEM text. */
export interface MutualTlsSettings {
  /** The server's certificate and key. */
  cert: string;
  key: string;
  /** What client certificates must chain to (CAs, or self-signed certificates trusted as they are). */
  ca: string[];
}

/** Starts `handler` on 127.0.0.1 with a port the system picks. */
export function listen(handler: RequestListener): Promise<Listening> {
  return start(createServer(handler), 'http');
}

/**
 * Starts `handler` on `https://127.0.0.1:<free port>`, refusing every TLS
 * connection without a client certificate that chains to `ca`
 * (`requestCert` and `rejectUnauthorized`): a mutual-TLS endpoint.
 */
export function listenMutualTls(
  handler: RequestListener,
  tls: MutualTlsSettings,
): Promise<Listening> {
  const server = createHttpsServer(
    { ...tls, requestCert: true, rejectUnauthorized: true },
    handler,
  );
  return start(server, 'https');
}

async function start(server: Server, scheme: 'http' | 'https'): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    server,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const MAX_BODY = 64 * 1024;

/** Reads a request body as text (at most 64 KiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new Error('request body too large');
  }
  return body;
}

/** The request's headers as a `Headers` (repeated headers joined). */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  return headers;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small HTML page in the demo's style. `body` is trusted HTML. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
form{display:grid;gap:.6rem;margin:1rem 0}input{font:inherit;padding:.4rem}
button,.button{font:inherit;padding:.45rem 1rem;border:1px solid #345;border-radius:4px;background:#2d5b8a;color:#fff;text-decoration:none;cursor:pointer}
button.secondary{background:#fff;color:#345}pre{background:#f4f4f4;padding:.8rem;overflow:auto}
.hint{color:#666;font-size:.9rem}table{border-collapse:collapse}td,th{text-align:left;padding:.2rem .8rem .2rem 0}
</style></head><body>
${body}
</body></html>`;
}
