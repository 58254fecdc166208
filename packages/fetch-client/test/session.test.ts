import { type Authenticator, cloneRequest, TransportError } from '@x/core';
import { startHttpServer, startSilentServer, type TestServer } from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';

const fetch = undiciFetch as unknown as typeof globalThis.fetch;

let api: TestServer;
beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    res.end(`${req.method} ${req.headers.authorization ?? 'none'}`);
  });
});
afterAll(() => api.close());

const code = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (TransportError.isInstance(e) ? e.code : e),
  );

const bearer = (token: string): Authenticator => ({
  async authorize(request) {
    const copy = cloneRequest(request);
    copy.headers.set('authorization', `Bearer ${token}`);
    return copy;
  },
});

/** A subclass setting its authenticator later, as OAuth2Session does once it has a token. */
class TokenSession extends Session {
  setToken(token: string): void {
    this.authenticator = bearer(token);
  }
}

describe('Session', () => {
  it('sends plain requests without an authenticator, authorized ones with it', async () => {
    const session = new TokenSession();
    expect(await (await session.get(api.url)).text()).toBe('GET none');
    session.setToken('abc');
    expect(await (await session.post(api.url)).text()).toBe('POST Bearer abc');
    for (const [method, send] of [
      ['PUT', session.put],
      ['PATCH', session.patch],
      ['DELETE', session.delete],
    ] as const) {
      expect(await (await send.call(session, api.url)).text()).toBe(`${method} Bearer abc`);
    }
    expect(await (await session.request('options', api.url)).text()).toBe('OPTIONS Bearer abc');
    const { fetch: detached } = session;
    expect(await (await detached(api.url)).text()).toBe('GET Bearer abc');
    await session.close();
  });

  it("request(method, …) overrides init's method, keeps the rest of init, and leaves init as it was", async () => {
    const session = new TokenSession();
    session.setToken('abc');
    const init: RequestInit = { method: 'POST', headers: { 'x-test': '1' }, cache: 'no-store' };
    expect(await (await session.put(api.url, init)).text()).toBe('PUT Bearer abc');
    expect(init).toEqual({ method: 'POST', headers: { 'x-test': '1' }, cache: 'no-store' });
    await session.close();
  });

  it('close() aborts requests in flight and refuses later ones, idempotently', async () => {
    const silent = await startSilentServer();
    try {
      const session = new Session({ authenticator: bearer('x') });
      const pending = code(session.get(silent.url));
      const token = code(
        session.transport({ method: 'POST', url: silent.url, headers: new Headers() }),
      );
      await expect.poll(() => silent.requests.length).toBe(2);
      await Promise.all([session.close(), session.close()]);
      expect(session.closed).toBe(true);
      expect(await pending).toBe('ERR_SESSION_CLOSED');
      expect(await token).toBe('ERR_SESSION_CLOSED');
      expect(await code(session.get(api.url))).toBe('ERR_SESSION_CLOSED');
      expect(
        await code(session.transport({ method: 'GET', url: api.url, headers: new Headers() })),
      ).toBe('ERR_SESSION_CLOSED');
      expect(silent.requests).toHaveLength(2);
    } finally {
      await silent.close();
    }
  });

  it('closes the dispatcher only when it owns it', async () => {
    const owned = new Agent();
    const borrowed = new Agent();
    await new Session({ fetch, dispatcher: owned, ownsDispatcher: true }).close();
    await new Session({ fetch, dispatcher: borrowed }).close();
    expect(owned.closed).toBe(true);
    expect(borrowed.closed).toBe(false);
    await borrowed.close();
  });

  it('closes at the end of an `await using` block', async () => {
    const dispatcher = new Agent();
    let escaped: Session | undefined;
    {
      await using session = new Session({ fetch, dispatcher, ownsDispatcher: true });
      escaped = session;
      expect(await (await session.get(api.url)).text()).toBe('GET none');
    }
    expect(escaped.closed).toBe(true);
    expect(dispatcher.closed).toBe(true);
    expect(await code(escaped.get(api.url))).toBe('ERR_SESSION_CLOSED');
  });
});
