import { Agent } from 'node:http';
import { type Authenticator, cloneRequest, TransportError } from '@x/core';
import { startHttpServer, startSilentServer, type TestServer, waitFor } from '@x/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';

let api: TestServer;
beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    res.end(`${req.method} ${req.headers.authorization ?? 'none'} ${req.headers['x-api'] ?? '-'}`);
  });
});
afterAll(() => api.close());

const settled = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (TransportError.isInstance(error) ? error.code : error),
  );
const bearer = (token: string): Authenticator => ({
  async authorize(request) {
    const copy = cloneRequest(request);
    copy.headers.set('authorization', `Bearer ${token}`);
    return copy;
  },
});

/** An http.Agent counting the connections it opens. */
class CountingAgent extends Agent {
  connections = 0;
  override createConnection(...args: Parameters<Agent['createConnection']>) {
    this.connections += 1;
    return super.createConnection(...args);
  }
}

const handlers = (session: Session): unknown[] =>
  [session.axios.interceptors.request, session.axios.interceptors.response].map(
    (manager) => manager.handlers?.filter(Boolean).length,
  );

describe('Session (axios)', () => {
  it('authorizes session.axios; token requests go through a plain instance on the same agents', async () => {
    const httpAgent = new CountingAgent({ keepAlive: false });
    const session = new Session({
      authenticator: bearer('t0k3n'),
      axios: { baseURL: api.url, headers: { 'x-api': '2' }, httpAgent },
    });
    expect((await session.axios.get('/')).data).toBe('GET Bearer t0k3n 2');
    const token = await session.transport({ method: 'POST', url: api.url, headers: new Headers() });
    expect(token.body).toBe('POST none -'); // no API credentials, headers or interceptors
    expect(httpAgent.connections).toBe(2); // the API request's and the token request's
    await session.close();
    httpAgent.destroy();
  });

  it('sends requests as written without an authenticator, on the instance it is given', async () => {
    const instance = axios.create({ headers: { 'x-api': '3' } });
    const session = new Session({ instance });
    expect(session.axios).toBe(instance);
    expect((await instance.post(api.url)).data).toBe('POST none 3');
    expect(() => new Session({ instance, axios: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    await session.close();
  });

  it('close() aborts requests in flight, detaches, and refuses later requests, idempotently', async () => {
    const silent = await startSilentServer();
    try {
      const session = new Session({ authenticator: bearer('x') });
      expect(handlers(session)).toEqual([1, 1]); // the guard comes with close()
      const inFlight = [
        settled(session.axios.get(silent.url)),
        settled(session.transport({ method: 'POST', url: silent.url, headers: new Headers() })),
      ];
      expect(await waitFor(() => silent.requests.length === 2)).toBe(true);
      await Promise.all([session.close(), session.close()]);
      expect(session.closed).toBe(true);
      expect(handlers(session)).toEqual([1, 0]);
      const later = [
        settled(session.axios.get(api.url)),
        settled(session.transport({ method: 'GET', url: api.url, headers: new Headers() })),
      ];
      expect(await Promise.all([...inFlight, ...later])).toEqual(
        Array(4).fill('ERR_SESSION_CLOSED'),
      );
      expect(silent.requests).toHaveLength(2);
      expect(await waitFor(() => silent.openConnections === 0, 1000)).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('close() destroys the agents of session.axios only when it owns them', async () => {
    const owned = new Agent({ keepAlive: true });
    const borrowed = new Agent({ keepAlive: true });
    const sessions = [
      new Session({ axios: { httpAgent: owned }, ownsAgents: true }),
      new Session({ axios: { httpAgent: borrowed } }),
    ];
    for (const session of sessions) {
      expect((await session.axios.get(api.url)).status).toBe(200);
      expect(
        (await session.transport({ method: 'GET', url: api.url, headers: new Headers() })).status,
      ).toBe(200);
    }
    const idle = (agent: Agent): number => Object.values(agent.freeSockets).flat().length;
    expect([idle(owned), idle(borrowed)]).toEqual([1, 1]); // kept alive, shared by token requests
    await Promise.all(sessions.map((session) => session.close()));
    await expect.poll(() => [idle(owned), idle(borrowed)]).toEqual([0, 1]); // sockets close async
    borrowed.destroy();
  });

  it('closes at the end of an `await using` block', async () => {
    let escaped: Session | undefined;
    {
      await using session = new Session();
      escaped = session;
      expect((await session.axios.get(api.url)).data).toBe('GET none -');
    }
    expect(escaped.closed).toBe(true);
    expect(await settled(escaped.axios.get(api.url))).toBe('ERR_SESSION_CLOSED');
  });
});
