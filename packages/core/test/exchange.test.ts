import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import { exchange, shouldRetry } from '../src/exchange.js';
import { type Authenticator, cloneRequest, type HttpRequest } from '../src/http.js';

/** A scripted "server": url -> [status, location?]; records what was sent. */
type Reply = { status: number; headers: Headers; url: string };
function routes(table: Record<string, [number, string?]>) {
  const log: HttpRequest[] = [];
  const discarded: string[] = [];
  return {
    log,
    discarded,
    async send(request: HttpRequest): Promise<Reply> {
      log.push(request);
      const [status, location] = table[request.url] ?? [200];
      const headers = new Headers(location === undefined ? {} : { location });
      return { status, headers, url: request.url };
    },
    head: (reply: Reply) => reply,
    async discard(reply: Reply) {
      discarded.push(reply.url);
    },
  };
}

function counter(): Authenticator & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    async authorize(request) {
      seen.push(request);
      const copy = cloneRequest(request);
      copy.headers.set('authorization', `Bearer ${seen.length}`);
      return copy;
    },
  };
}

const A = 'https://a.test';
const B = 'https://b.test';
const request = (init: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url: `${A}/start`,
  headers: new Headers({ cookie: 'c=1', 'x-keep': 'yes' }),
  ...init,
});

describe('exchange', () => {
  it('authorizes the original request again for every same-origin hop', async () => {
    const server = routes({ [`${A}/start`]: [302, '/next'], [`${A}/next`]: [307, `${A}/last`] });
    const auth = counter();
    const original = request({ method: 'PUT', body: 'data' });
    const result = await exchange({ request: original, authenticator: auth, ...server });
    expect(auth.seen.map((r) => [r.method, r.url, r.body, r.headers.get('authorization')])).toEqual(
      [
        ['PUT', `${A}/start`, 'data', null],
        ['PUT', `${A}/next`, 'data', null],
        ['PUT', `${A}/last`, 'data', null],
      ],
    );
    expect(server.log.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer 1',
      'Bearer 2',
      'Bearer 3',
    ]);
    expect(server.discarded).toEqual([`${A}/start`, `${A}/next`]);
    expect([result.response.url, result.authorized]).toEqual([`${A}/last`, true]);
    expect(original.headers.has('authorization')).toBe(false);
  });

  it('after a cross-origin hop, never authorizes again and strips user credentials', async () => {
    const server = routes({ [`${A}/start`]: [302, `${B}/x`], [`${B}/x`]: [302, `${A}/back`] });
    const auth = counter();
    const headers = new Headers({
      cookie: 'c=1',
      authorization: 'Basic dTpw',
      'proxy-authorization': 'p',
    });
    const result = await exchange({
      request: request({ headers }),
      authenticator: auth,
      ...server,
    });
    expect(auth.seen).toHaveLength(1);
    for (const hop of server.log.slice(1)) {
      expect([...hop.headers.keys()]).toEqual([]);
    }
    expect(server.log.map((r) => r.url)).toEqual([`${A}/start`, `${B}/x`, `${A}/back`]);
    expect(result.authorized).toBe(false);
  });

  it('strips user credentials cross-origin without an authenticator too', async () => {
    const server = routes({ [`${A}/start`]: [301, `${B}/x`] });
    const result = await exchange({ request: request(), ...server });
    expect(server.log[0]?.headers.get('cookie')).toBe('c=1');
    expect(server.log[1]?.headers.get('cookie')).toBeNull();
    expect(server.log[1]?.headers.get('x-keep')).toBe('yes');
    expect(result.authorized).toBe(false);
  });

  it('drops the body and its headers on 303, for every later hop', async () => {
    const server = routes({ [`${A}/start`]: [303, '/a'], [`${A}/a`]: [307, '/b'] });
    const headers = new Headers({ 'content-type': 'text/plain', 'content-length': '4' });
    const original = request({ method: 'POST', body: 'data', opaqueBody: true, headers });
    await exchange({ request: original, ...server, replayable: false });
    expect(
      server.log.map((r) => [r.method, r.body, r.opaqueBody, r.headers.has('content-type')]),
    ).toEqual([
      ['POST', 'data', true, true],
      ['GET', undefined, false, false],
      ['GET', undefined, false, false],
    ]);
  });

  it('returns a body-keeping redirect as is when the body cannot be replayed', async () => {
    const server = routes({ [`${A}/start`]: [308, '/elsewhere'] });
    const original = request({ method: 'POST', opaqueBody: true });
    const result = await exchange({ request: original, ...server, replayable: false });
    expect([result.response.status, server.log.length, server.discarded]).toEqual([308, 1, []]);
  });

  it("returns the 3xx with redirect: 'manual', throws ERR_REDIRECT with 'error'", async () => {
    const manual = routes({ [`${A}/start`]: [302, '/x'] });
    expect(
      (await exchange({ request: request(), ...manual, redirect: 'manual' })).response.status,
    ).toBe(302);
    const strict = routes({ [`${A}/start`]: [302, '/x'] });
    const error = await exchange({ request: request(), ...strict, redirect: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_REDIRECT');
    expect(strict.discarded).toEqual([`${A}/start`]);
  });

  it('follows at most maxRedirects, discarding every response it does not return', async () => {
    const server = routes({
      [`${A}/start`]: [302, '/1'],
      [`${A}/1`]: [302, '/2'],
      [`${A}/2`]: [302, '/3'],
    });
    const error = await exchange({ request: request(), ...server, maxRedirects: 2 }).catch(
      (e: unknown) => e,
    );
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_REDIRECT');
    expect(server.log).toHaveLength(3);
    expect(server.discarded).toEqual([`${A}/start`, `${A}/1`, `${A}/2`]);
  });

  it('refuses https -> http and discards the redirect', async () => {
    const server = routes({ [`${A}/start`]: [302, 'http://a.test/plain'] });
    const error = await exchange({ request: request(), ...server }).catch((e: unknown) => e);
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_INSECURE_REDIRECT');
    expect([server.log.length, server.discarded]).toEqual([1, [`${A}/start`]]);
  });

  it('continues from a first hop already sent', async () => {
    const server = routes({ [`${A}/next`]: [200] });
    const auth = counter();
    const sentRequest = request({ headers: new Headers({ authorization: 'Bearer 0' }) });
    const first = { status: 302, headers: new Headers({ location: '/next' }), url: `${A}/start` };
    const result = await exchange({
      request: request(),
      authenticator: auth,
      ...server,
      sent: { request: sentRequest, response: first, authorized: true },
    });
    expect(auth.seen.map((r) => r.url)).toEqual([`${A}/next`]);
    expect(server.log.map((r) => r.url)).toEqual([`${A}/next`]);
    expect(result.response.url).toBe(`${A}/next`);
  });
});

describe('shouldRetry', () => {
  const response = { status: 401, headers: new Headers() };
  const retrying = (answer: boolean) => {
    const calls: unknown[][] = [];
    const auth: Authenticator = {
      authorize: async (r) => r,
      async retry(...args) {
        calls.push(args);
        return answer;
      },
    };
    return { auth, calls };
  };

  it('asks the authenticator only for authorized, replayable requests', async () => {
    const { auth, calls } = retrying(true);
    const result = { request: request(), authorized: true };
    const signal = new AbortController().signal;
    expect(await shouldRetry(auth, result, response, { replayable: true, signal })).toBe(true);
    expect(calls).toEqual([[result.request, response, { signal }]]);
    expect(await shouldRetry(auth, { ...result, authorized: false }, response)).toBe(false);
    expect(await shouldRetry(auth, result, response, { replayable: false })).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('is false without retry() or when it says no', async () => {
    const result = { request: request(), authorized: true };
    expect(await shouldRetry({ authorize: async (r) => r }, result, response)).toBe(false);
    expect(await shouldRetry(undefined, result, response)).toBe(false);
    expect(await shouldRetry(retrying(false).auth, result, response)).toBe(false);
  });

  it('takes a plain boolean from an untyped authenticator, and a thrown error as a rejection', async () => {
    const result = { request: request(), authorized: true };
    const plain = { authorize: async (r: HttpRequest) => r, retry: () => true };
    expect(await shouldRetry(plain as unknown as Authenticator, result, response)).toBe(true);
    const thenable = {
      authorize: async (r: HttpRequest) => r,
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
      retry: () => ({ then: (resolve: (value: boolean) => void) => resolve(true) }),
    };
    expect(await shouldRetry(thenable as unknown as Authenticator, result, response)).toBe(true);
    const boom = new Error('retry failed');
    const failing: Authenticator = {
      authorize: async (r) => r,
      retry: () => Promise.reject(boom),
    };
    await expect(shouldRetry(failing, result, response)).rejects.toBe(boom);
  });
});
