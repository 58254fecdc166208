import type {
  OwnedPool,
  PoolSetup,
  SeenRequest,
  SessionBody,
  SessionDriver,
  TlsStackDriver,
} from '@x/testing';
import { Agent, getGlobalDispatcher, fetch as undiciFetch } from 'undici';
import { createAuthFetch } from '../src/auth-fetch.js';
import { mtlsDispatcher, nodeFetchOptions } from '../src/node.js';
import type { Session, SessionOptions } from '../src/session.js';
import { fetchTransport } from '../src/transport.js';

/**
 * How the shared session and mTLS tables of @x/testing drive this adapter:
 * requests through `session.request`, pools as undici `Agent`s the session
 * owns (`ownsDispatcher`), with undici's own fetch so both always match.
 */

const fetch = undiciFetch as unknown as typeof globalThis.fetch;

/** A session's adapter options. */
export type FetchSessionOptions = Omit<SessionOptions, 'authenticator'>;

function requestInit(body: SessionBody | undefined): RequestInit {
  if (body === undefined) return {};
  if ('form' in body) return { body: body.form };
  if ('formText' in body) {
    return {
      body: body.formText,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  if ('json' in body) {
    return { body: JSON.stringify(body.json), headers: { 'content-type': 'application/json' } };
  }
  if ('text' in body) return { body: body.text }; // fetch's default: text/plain
  return { body: body.multipart };
}

/** undici's fetch, recording what goes through it. */
function recordingFetch(seen: SeenRequest[]): typeof globalThis.fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const authorization = new Headers(init?.headers).get('authorization') ?? undefined;
    seen.push({ path: new URL(url).pathname, authorization });
    return fetch(input, init);
  };
}

/** Connections the dispatcher holds open, over every origin. */
const connections = (dispatcher: Agent): number =>
  Object.values(dispatcher.stats).reduce((sum, stats) => sum + Number(stats.connected), 0);

export const driver: SessionDriver<Session, FetchSessionOptions> = {
  name: 'fetch',
  async send(session, request) {
    const init = requestInit(request.body);
    const response = await session.request(request.method ?? 'GET', request.url, init);
    return { status: response.status, body: await response.text() };
  },
  isStackError: (error) => error instanceof TypeError,
  recording: (record) => ({ fetch: recordingFetch(record) }),
  pool(setup: PoolSetup = {}): OwnedPool<FetchSessionOptions> {
    const dispatcher = setup.tls ? nodeFetchOptions(setup.tls).dispatcher : new Agent();
    return {
      options: {
        fetch: setup.record ? recordingFetch(setup.record) : fetch,
        dispatcher,
        ownsDispatcher: true,
      },
      connections: () => connections(dispatcher),
      closed: async () => dispatcher.closed || dispatcher.destroyed,
      cut: async () => dispatcher.destroyed,
    };
  },
};

export const tlsDriver: TlsStackDriver = {
  async tlsGet(url, tls, authenticator) {
    const options = nodeFetchOptions(tls);
    try {
      const response = authenticator
        ? await createAuthFetch(authenticator, options)(url)
        : await options.fetch(url, { dispatcher: options.dispatcher } as RequestInit);
      return { status: response.status, body: await response.text() };
    } finally {
      await options.dispatcher.close();
    }
  },
  async transportGet(url, tls) {
    const options = nodeFetchOptions(tls);
    try {
      return (await fetchTransport(options)({ method: 'GET', url, headers: new Headers() })).status;
    } finally {
      await options.dispatcher.close();
    }
  },
  tlsPool(tls) {
    const dispatcher = mtlsDispatcher(tls);
    return { close: () => dispatcher.close() };
  },
  failurePrefix: 'fetch failed: ',
  globalPool: () => getGlobalDispatcher(),
  defaultGet: (url) => globalThis.fetch(url),
  untrusted: /fetch failed/,
};
