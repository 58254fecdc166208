import { staticBearer, TransportError } from '@x/core';
import { spyAuthenticator, startEchoServer, type TestServer } from '@x/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from '../src/index.js';

let api: TestServer;
beforeAll(async () => {
  api = await startEchoServer({ redirectStatus: 301 });
});
afterAll(() => api.close());

/** Records what authorize saw, attaches a bearer token. */
const spy = () => spyAuthenticator('t0k3n');

describe('createAuthFetch', () => {
  it('works with staticBearer', async () => {
    const authFetch = createAuthFetch(staticBearer('t0k3n', { allowInsecureTransport: true }));
    const echo = await (await authFetch(`${api.url}me`)).json();
    expect(echo.headers.authorization).toBe('Bearer t0k3n');
  });

  it('shows a URLSearchParams body to the authenticator as form text, with its content type', async () => {
    const auth = spy();
    const res = await createAuthFetch(auth)(new URL(`${api.url}form`), {
      method: 'post',
      body: new URLSearchParams({ a: '1 2', b: 'é' }),
    });
    const echo = await res.json();
    expect(auth.seen[0]).toMatchObject({ method: 'POST', body: 'a=1+2&b=%C3%A9' });
    expect(auth.seen[0]?.opaqueBody).toBeUndefined();
    expect(auth.seen[0]?.headers.get('content-type')).toBe(
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
    expect(echo).toMatchObject({ method: 'POST', body: 'a=1+2&b=%C3%A9' });
    expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('sends FormData and bytes unchanged, as opaque bodies', async () => {
    const auth = spy();
    const form = new FormData();
    form.set('field', 'value');
    const echo = await (
      await createAuthFetch(auth)(`${api.url}upload`, { method: 'PATCH', body: form })
    ).json();
    expect(auth.seen[0]).toMatchObject({ method: 'PATCH', opaqueBody: true, body: undefined });
    expect(echo.method).toBe('PATCH');
    expect(echo.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(echo.body).toContain('name="field"\r\n\r\nvalue');
    const bytes = await (
      await createAuthFetch(auth)(`${api.url}bytes`, {
        method: 'PUT',
        body: new TextEncoder().encode('raw'),
      })
    ).json();
    expect(bytes.body).toBe('raw');
  });

  it('accepts a Request', async () => {
    const auth = spy();
    const request = new Request(`${api.url}req`, { method: 'DELETE', headers: { 'x-a': '1' } });
    const echo = await (await createAuthFetch(auth)(request)).json();
    expect(echo).toMatchObject({ method: 'DELETE', url: '/req' });
    expect(echo.headers).toMatchObject({ 'x-a': '1', authorization: 'Bearer t0k3n' });
  });

  it("returns the 3xx with redirect: 'manual' and throws ERR_REDIRECT with redirect: 'error'", async () => {
    const authFetch = createAuthFetch(spy());
    const manual = await authFetch(`${api.url}moved`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([301, '/final']);
    const error = await authFetch(`${api.url}moved`, { redirect: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_REDIRECT');
    const followed = await (await authFetch(`${api.url}moved`)).json();
    expect(followed.url).toBe('/final');
  });

  it('honours maxRedirects', async () => {
    const error = await createAuthFetch(spy(), { maxRedirects: 0 })(`${api.url}moved`).catch(
      (e: unknown) => e,
    );
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_REDIRECT');
  });

  it('rejects a relative URL', async () => {
    await expect(createAuthFetch(spy())('/relative')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it("hands fetch the caller's own signal, none when there is nothing to combine, a timer with a timeout", async () => {
    const seen: Array<AbortSignal | null | undefined> = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(init?.signal);
      return fetch(input, init);
    };
    const auth = staticBearer('t0k3n', { allowInsecureTransport: true });
    const controller = new AbortController();
    await createAuthFetch(auth, { fetch: recording })(`${api.url}a`);
    await createAuthFetch(auth, { fetch: recording })(`${api.url}b`, { signal: controller.signal });
    await createAuthFetch(auth, { fetch: recording, timeout: 5_000 })(`${api.url}c`);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBe(controller.signal);
    expect(seen[2]).toBeInstanceOf(AbortSignal);
    expect(seen[2]?.aborted).toBe(false);
  });

  it("hands fetch what differs from its defaults and the caller's other options, nothing more", async () => {
    const seen: RequestInit[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push({ ...init });
      return fetch(input, init);
    };
    const authFetch = createAuthFetch(staticBearer('t0k3n', { allowInsecureTransport: true }), {
      fetch: recording,
    });
    await authFetch(`${api.url}plain`);
    // Every member fetch finds costs it a WebIDL conversion per request, `undefined` ones too.
    expect(Object.keys(seen[0] ?? {}).sort()).toEqual(['headers', 'redirect']);
    expect(seen[0]?.redirect).toBe('manual');
    const inherited = Object.assign(Object.create({ credentials: 'include' }), {
      method: 'post',
      body: 'a=1',
      cache: 'no-store',
      keepalive: false,
      redirect: 'follow',
      signal: null,
    }) as RequestInit;
    await authFetch(`${api.url}options`, inherited);
    const sent = seen[1] ?? {};
    expect(Object.keys(sent).sort()).toEqual([
      'body',
      'cache',
      'headers',
      'keepalive',
      'method',
      'redirect',
    ]);
    expect(sent).toMatchObject({
      method: 'POST',
      body: 'a=1',
      cache: 'no-store',
      redirect: 'manual',
    });
  });
});
