import { inspect } from 'node:util';
import { staticBearer, TransportError } from '@x/core';
import { startHttpServer, startResetServer, startSilentServer, type TestServer } from '@x/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAuthenticator, axiosTransport } from '../src/index.js';

let api: TestServer;
beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    if (req.url === '/moved') return void res.writeHead(302, { location: '/final' }).end('see');
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('content-type', 'application/json');
    res.writeHead(400).end(
      JSON.stringify({
        method: req.method,
        body: req.body,
        auth: req.headers.authorization ?? null,
      }),
    );
  });
});
afterAll(() => api.close());

const code = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (TransportError.isInstance(e) ? e.code : e),
  );

describe('axiosTransport', () => {
  it('sends the text body as is and returns any status, body as text, headers converted', async () => {
    const res = await axiosTransport()({
      method: 'POST',
      url: `${api.url}token`,
      headers: new Headers({ 'content-type': 'application/json' }),
      body: ' {"a": 1} ',
    });
    expect(res.status).toBe(400);
    expect(typeof res.body).toBe('string');
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', body: ' {"a": 1} ', auth: null });
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('never follows redirects', async () => {
    const res = await axiosTransport()({
      method: 'GET',
      url: `${api.url}moved`,
      headers: new Headers(),
    });
    expect([res.status, res.headers.get('location'), res.body]).toEqual([302, '/final', 'see']);
  });

  it('is not authorized by an authenticator attached to the same instance', async () => {
    const instance = axios.create();
    attachAuthenticator(instance, staticBearer('api-token', { allowInsecureTransport: true }));
    const res = await axiosTransport(instance)({
      method: 'GET',
      url: api.url,
      headers: new Headers(),
    });
    expect(JSON.parse(res.body).auth).toBeNull();
    // ...while the instance's own requests are.
    await instance.get(api.url, { validateStatus: () => true });
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer api-token');
  });

  it('maps timeout, abort and connection failures to TransportError codes', async () => {
    const silent = await startSilentServer();
    const reset = await startResetServer();
    try {
      const request = { method: 'GET', url: silent.url, headers: new Headers() };
      expect(await code(axiosTransport(undefined, { timeout: 100 })(request))).toBe('ERR_TIMEOUT');
      expect(await code(axiosTransport(axios.create({ timeout: 100 }))(request))).toBe(
        'ERR_TIMEOUT',
      );
      expect(await code(axiosTransport()(request, { signal: AbortSignal.abort() }))).toBe(
        'ERR_ABORTED',
      );
      const controller = new AbortController();
      const pending = code(axiosTransport()(request, { signal: controller.signal }));
      await expect.poll(() => silent.requests.length).toBe(3);
      controller.abort();
      expect(await pending).toBe('ERR_ABORTED');
      expect(await code(axiosTransport()({ ...request, url: reset.url }))).toBe('ERR_NETWORK');
    } finally {
      await Promise.all([silent.close(), reset.close()]);
    }
  });

  it('keeps credentials out of the error it throws', async () => {
    const reset = await startResetServer();
    try {
      const headers = new Headers({
        authorization: 'Bearer sup3r-s3cret-t0ken',
        cookie: 'sid=c00kie-value',
      });
      const error = await axiosTransport()({ method: 'GET', url: reset.url, headers }).catch(
        (e: unknown) => e,
      );
      expect(TransportError.isInstance(error)).toBe(true);
      const rendered = [
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
        String((error as Error).stack),
      ];
      for (const text of rendered) {
        expect(text).not.toContain('sup3r-s3cret-t0ken');
        expect(text).not.toContain('c00kie-value');
      }
      expect(inspect(error, { depth: 10 })).toContain('AxiosError');
    } finally {
      await reset.close();
    }
  });
});
