import { inspect } from 'node:util';
import { TransportError } from '@x/core';
import { spyAuthenticator, startEchoServer, startResetServer, type TestServer } from '@x/testing';
import axios, { isAxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withState } from '../src/convert.js';
import { attachAuthenticator } from '../src/index.js';

let api: TestServer;
beforeAll(async () => {
  api = await startEchoServer();
});
afterAll(() => api.close());

const spy = () => spyAuthenticator('t0k3n-value');

describe('attachAuthenticator', () => {
  it('keeps its per-call state through axios mergeConfig (by reference)', () => {
    // Class instances and symbols pass through by reference; plain objects would be deep-cloned.
    class Box {}
    for (const state of [new Box(), Symbol('bypass')]) {
      const config = withState({ url: '/x', headers: { a: '1' } }, state);
      const merged = axios.mergeConfig(axios.create().defaults as object, config) as Record<
        string,
        unknown
      >;
      expect(merged.__xAuth).toBe(state);
    }
  });

  it('detach() removes both interceptors', async () => {
    const instance = axios.create();
    const auth = spy();
    const before = [instance.interceptors.request, instance.interceptors.response].map(
      (m) => m.handlers?.filter(Boolean).length,
    );
    const detach = attachAuthenticator(instance, auth);
    expect((await instance.get(api.url)).data.headers.authorization).toBe('Bearer t0k3n-value');
    detach();
    const after = [instance.interceptors.request, instance.interceptors.response].map(
      (m) => m.handlers?.filter(Boolean).length,
    );
    expect(before).toEqual([0, 0]);
    expect(after).toEqual([0, 0]);
    expect((await instance.get(api.url)).data.headers.authorization).toBeUndefined();
    expect(auth.seen).toHaveLength(1);
    // Without our interceptors, axios follows redirects itself again.
    expect((await instance.get(`${api.url}moved`)).data.url).toBe('/final');
  });

  it('authorizes the full URL (baseURL + params) and sends it once', async () => {
    const auth = spy();
    const instance = axios.create({ baseURL: `${api.url}v1/`, params: { a: 1 } });
    attachAuthenticator(instance, auth);
    const { data } = await instance.get('items', { params: { b: 'x y' } });
    expect(auth.seen[0]?.url).toBe(`${api.url}v1/items?a=1&b=x+y`);
    expect(data.url).toBe('/v1/items?a=1&b=x+y');
  });

  it('joins baseURL and url exactly as axios does when there are no params', async () => {
    const auth = spy();
    const instance = axios.create({ baseURL: `${api.url}v1//` });
    attachAuthenticator(instance, auth);
    const cases: Array<[string, string]> = [
      ['/items', `${api.url}v1/items`], // axios's combineURLs trims the slashes
      ['items', `${api.url}v1/items`],
      ['', `${api.url}v1//`],
      [`${api.url}abs`, `${api.url}abs`], // an absolute url ignores baseURL
    ];
    for (const [url, expected] of cases) {
      await instance.get(url);
      expect(auth.seen.at(-1)?.url).toBe(new URL(instance.getUri({ url })).href);
      expect(auth.seen.at(-1)?.url).toBe(new URL(expected).href);
    }
    await instance.get(`${api.url}abs`, { allowAbsoluteUrls: false });
    expect(auth.seen.at(-1)?.url).toBe(
      new URL(instance.getUri({ url: `${api.url}abs`, allowAbsoluteUrls: false })).href,
    );
  });

  it('shows text bodies to the authenticator and sends exactly that text', async () => {
    const auth = spy();
    const instance = axios.create();
    attachAuthenticator(instance, auth);
    const json = await instance.post(api.url, { b: 1, a: [2] });
    expect(auth.seen[0]).toMatchObject({ body: '{"b":1,"a":[2]}' });
    expect(auth.seen[0]?.headers.get('content-type')).toBe('application/json');
    expect([json.data.body, json.data.headers['content-type']]).toEqual([
      '{"b":1,"a":[2]}',
      'application/json',
    ]);
    const form = await instance.put(api.url, new URLSearchParams({ q: 'a b' }));
    expect(auth.seen[1]).toMatchObject({ method: 'PUT', body: 'q=a+b' });
    expect([form.data.body, form.data.headers['content-type']]).toEqual([
      'q=a+b',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
    const text = await instance.post(api.url, ' {"signed": true} ', {
      headers: { 'content-type': 'application/json' },
    });
    expect([auth.seen[2]?.body, text.data.body]).toEqual([
      ' {"signed": true} ',
      ' {"signed": true} ',
    ]);
    const raw = await instance.patch(api.url, Buffer.from('bytes'), {
      headers: { 'content-type': 'x/y' },
    });
    expect(auth.seen[3]).toMatchObject({ method: 'PATCH', opaqueBody: true });
    expect(auth.seen[3]?.body).toBeUndefined();
    expect(raw.data.body).toBe('bytes');
  });

  it('shows a string body axios sends as a form (no content type, POST/PUT/PATCH) as a form', async () => {
    const auth = spy();
    const instance = axios.create();
    attachAuthenticator(instance, auth);
    const { data } = await instance.post(api.url, 'a=1&b=2');
    expect(auth.seen[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect([data.body, data.headers['content-type']]).toEqual([
      'a=1&b=2',
      'application/x-www-form-urlencoded',
    ]);
  });

  it('gives the 3xx to a request with maxRedirects: 0, and honours validateStatus after redirects', async () => {
    const instance = axios.create();
    attachAuthenticator(instance, spy());
    const manual = await instance.get(`${api.url}moved`, {
      maxRedirects: 0,
      validateStatus: () => true,
    });
    expect([manual.status, manual.headers.location]).toEqual([302, '/final']);
    const followed = await instance.get(`${api.url}moved`);
    expect([followed.status, followed.data.url]).toEqual([200, '/final']);
    const error = await instance.get(`${api.url}missing`).catch((e: unknown) => e);
    expect(isAxiosError(error) && error.response?.status).toBe(404);
  });

  it('limits redirects by the request config or the option', async () => {
    const instance = axios.create();
    attachAuthenticator(instance, spy(), { maxRedirects: 0 });
    const error = await instance.get(`${api.url}moved`).catch((e: unknown) => e);
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_REDIRECT');
    expect((await instance.get(`${api.url}moved`, { maxRedirects: 1 })).data.url).toBe('/final');
  });

  it('throws a TransportError without credentials in it when the connection fails', async () => {
    const reset = await startResetServer();
    try {
      const instance = axios.create();
      attachAuthenticator(instance, spy());
      const error = await instance.get(reset.url).catch((e: unknown) => e);
      expect(TransportError.isInstance(error) && error.code).toBe('ERR_NETWORK');
      expect(inspect(error, { depth: 10 })).not.toContain('t0k3n-value');
    } finally {
      await reset.close();
    }
  });
});
