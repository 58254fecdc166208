import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBearer } from '../src/bearer.js';
import { InsecureTransportError, InvalidArgumentError } from '../src/errors.js';
import type { HttpRequest } from '../src/http.js';

const TOKEN = 'at-static-5e8d1c0b9a';

const request = (url: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  url,
  headers: new Headers(headers),
  body: 'a=1',
});

describe('staticBearer', () => {
  it('sets the Authorization header (RFC 6750 2.1) and keeps the rest of the request', async () => {
    const input = request('https://api.test/me', { Accept: 'application/json' });
    const out = await staticBearer(TOKEN).authorize(input);
    expect(out.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(out.headers.get('accept')).toBe('application/json');
    expect(out.method).toBe('POST');
    expect(out.url).toBe('https://api.test/me');
    expect(out.body).toBe('a=1');
  });

  it('replaces an Authorization header already there', async () => {
    const out = await staticBearer(TOKEN).authorize(
      request('https://api.test/me', { Authorization: 'Basic old' }),
    );
    expect(out.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('does not mutate the request it is given', async () => {
    const input = request('https://api.test/me', { 'X-Trace': '1' });
    const out = await staticBearer(TOKEN).authorize(input);
    expect(out).not.toBe(input);
    expect(out.headers).not.toBe(input.headers);
    expect(input.headers.has('authorization')).toBe(false);
    expect([...input.headers]).toEqual([['x-trace', '1']]);
    expect(input.body).toBe('a=1');
  });

  it('refuses http to a non-loopback host, even with allowInsecureTransport', async () => {
    for (const options of [{}, { allowInsecureTransport: true }]) {
      const auth = staticBearer(TOKEN, options);
      const error = await auth.authorize(request('http://api.test/me')).catch((e: unknown) => e);
      expect(InsecureTransportError.isInstance(error)).toBe(true);
      expect(inspect(error)).not.toContain(TOKEN);
    }
    const spoof = staticBearer(TOKEN, { allowInsecureTransport: true });
    await expect(spoof.authorize(request('http://localhost@api.test/'))).rejects.toThrow(
      InsecureTransportError,
    );
  });

  it('refuses http to loopback unless allowInsecureTransport is set', async () => {
    await expect(staticBearer(TOKEN).authorize(request('http://127.0.0.1/'))).rejects.toThrow(
      InsecureTransportError,
    );
    const out = await staticBearer(TOKEN, { allowInsecureTransport: true }).authorize(
      request('http://127.0.0.1:1/'),
    );
    expect(out.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses an empty or non-string token', () => {
    expect(() => staticBearer('')).toThrow(InvalidArgumentError);
    expect(() => staticBearer(undefined as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => staticBearer(42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('has no retry (a static token cannot be refreshed)', () => {
    expect(staticBearer(TOKEN).retry).toBeUndefined();
  });

  describe('against a loopback server', () => {
    let server: Server;
    let base: string;
    const seen: IncomingHttpHeaders[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.headers);
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    });

    it('the header it builds reaches the server through fetch', async () => {
      const out = await staticBearer(TOKEN, { allowInsecureTransport: true }).authorize({
        method: 'GET',
        url: `${base}/me`,
        headers: new Headers(),
      });
      const response = await fetch(out.url, { method: out.method, headers: out.headers });
      expect(await response.text()).toBe('ok');
      expect(seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
    });
  });
});
