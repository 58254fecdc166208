import { TransportError } from '@x/core';
import { startHttpServer, startSilentServer, type TestServer } from '@x/testing';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport } from '../src/index.js';

let api: TestServer;
beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    if (req.url === '/moved') return void res.writeHead(302, { location: '/final' }).end('see');
    res
      .writeHead(418, { 'x-seen': req.headers['x-custom'] ?? '' })
      .end(`${req.method} ${req.body}`);
  });
});
afterAll(() => api.close());

const code = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (TransportError.isInstance(e) ? e.code : e),
  );

describe('fetchTransport', () => {
  it('sends method, headers and text body, returns any status with the body as text', async () => {
    const transport = fetchTransport();
    const res = await transport({
      method: 'POST',
      url: `${api.url}token`,
      headers: new Headers({ 'x-custom': 'yes', 'content-type': 'text/plain' }),
      body: 'grant_type=x',
    });
    expect([res.status, res.headers.get('x-seen'), res.body]).toEqual([
      418,
      'yes',
      'POST grant_type=x',
    ]);
  });

  it('never follows redirects', async () => {
    const res = await fetchTransport()({
      method: 'GET',
      url: `${api.url}moved`,
      headers: new Headers(),
    });
    expect([res.status, res.headers.get('location'), res.body]).toEqual([302, '/final', 'see']);
    expect(api.requests.at(-1)?.url).toBe('/moved');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const transport = fetchTransport({
      fetch: (input, init) => {
        seen.push(`${init?.redirect} ${String(input)}`);
        return globalThis.fetch(input, init);
      },
    });
    await transport({ method: 'GET', url: api.url, headers: new Headers() });
    expect(seen).toEqual([`manual ${api.url}`]);
  });

  it("returns the global Headers class whatever the fetch's own (undici's)", async () => {
    const fetch = undiciFetch as unknown as typeof globalThis.fetch;
    const res = await fetchTransport({ fetch })({
      method: 'GET',
      url: api.url,
      headers: new Headers(),
    });
    expect(res.headers).toBeInstanceOf(Headers);
    expect(res.headers.get('x-seen')).toBe('');
  });

  it('maps timeout, abort and connection failures to TransportError codes', async () => {
    const silent = await startSilentServer();
    try {
      const request = { method: 'GET', url: silent.url, headers: new Headers() };
      expect(await code(fetchTransport({ timeout: 100 })(request))).toBe('ERR_TIMEOUT');
      expect(await code(fetchTransport()(request, { signal: AbortSignal.abort() }))).toBe(
        'ERR_ABORTED',
      );
    } finally {
      await silent.close();
    }
    // The silent server is closed now: nothing listens on its port.
    const refused = { method: 'GET', url: silent.url, headers: new Headers() };
    expect(await code(fetchTransport()(refused))).toBe('ERR_NETWORK');
  });

  it('rejects a timeout that cannot work', async () => {
    const transport = fetchTransport({ timeout: -1 });
    await expect(
      transport({ method: 'GET', url: api.url, headers: new Headers() }),
    ).rejects.toThrow(/timeout must be/);
  });
});
