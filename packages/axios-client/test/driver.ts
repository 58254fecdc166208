import { Agent as HttpAgent } from 'node:http';
import { globalAgent, type Agent as HttpsAgent } from 'node:https';
import {
  type OwnedPool,
  type PoolSetup,
  type SeenRequest,
  type SessionBody,
  type SessionDriver,
  type TlsStackDriver,
  waitFor,
} from '@x/testing';
import axios, { type AxiosAdapter, type AxiosRequestConfig, isAxiosError } from 'axios';
import { expect } from 'vitest';
import { attachAuthenticator, axiosTransport } from '../src/index.js';
import { mtlsAgent, nodeAxiosOptions } from '../src/node.js';
import type { Session, SessionOptions } from '../src/session.js';

/**
 * How the shared session and mTLS tables of @x/testing drive this adapter:
 * requests through `session.axios` in axios's own idioms, pools as keep-alive
 * agents the session owns (`ownsAgents`).
 */

/** A session's adapter options. */
export type AxiosSessionOptions = Omit<SessionOptions, 'authenticator'>;

function requestData(body: SessionBody | undefined): AxiosRequestConfig {
  if (body === undefined) return {};
  if ('form' in body) return { data: body.form };
  if ('formText' in body) return { data: body.formText }; // axios sends a bare string as a form
  if ('json' in body) return { data: body.json }; // axios serializes it
  if ('text' in body) return { data: body.text, headers: { 'content-type': 'text/plain' } };
  return { data: body.multipart };
}

/** axios's http adapter, recording what goes through it. */
export function recordingAdapter(seen: SeenRequest[]): AxiosAdapter {
  const http = axios.getAdapter('http');
  return (config) => {
    const authorization = config.headers.get('authorization');
    seen.push({
      path: new URL(config.url ?? '', config.baseURL).pathname,
      authorization: typeof authorization === 'string' ? authorization : undefined,
    });
    return http(config);
  };
}

/** Sockets an agent holds, busy or idle. */
const sockets = (agent: HttpAgent): number =>
  [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flat().length;

export const driver: SessionDriver<Session, AxiosSessionOptions> = {
  name: 'axios',
  async send(session, request) {
    try {
      const response = await session.axios.request<string>({
        method: request.method ?? 'GET',
        url: request.url,
        responseType: 'text',
        ...requestData(request.body),
      });
      return { status: response.status, body: response.data };
    } catch (error) {
      if (!isAxiosError(error) || !error.response) throw error;
      return { status: error.response.status, body: String(error.response.data) };
    }
  },
  isStackError: isAxiosError,
  recording: (record) => ({ axios: { adapter: recordingAdapter(record) } }),
  pool(setup: PoolSetup = {}): OwnedPool<AxiosSessionOptions> {
    const httpAgent = new HttpAgent({ keepAlive: true }); // idle connections stay until destroyed
    const httpsAgent = setup.tls ? nodeAxiosOptions(setup.tls).httpsAgent : undefined;
    const agents: HttpAgent[] = httpsAgent ? [httpAgent, httpsAgent] : [httpAgent];
    const destroyed = new Set<HttpAgent>();
    for (const agent of agents) {
      const destroy = agent.destroy.bind(agent);
      agent.destroy = () => {
        destroyed.add(agent);
        destroy();
      };
    }
    const connections = () => agents.reduce((sum, agent) => sum + sockets(agent), 0);
    const closed = async () =>
      destroyed.size === agents.length && (await waitFor(() => connections() === 0, 1000));
    return {
      options: {
        axios: {
          httpAgent,
          ...(httpsAgent && { httpsAgent }),
          ...(setup.record && { adapter: recordingAdapter(setup.record) }),
        },
        ownsAgents: true,
      },
      connections,
      closed,
      cut: closed, // agents have only destroy(), which cuts
    };
  },
  afterClose(session) {
    const handlers = [session.axios.interceptors.request, session.axios.interceptors.response].map(
      (manager) => manager.handlers?.filter(Boolean).length,
    );
    expect(handlers).toEqual([1, 0]); // only the guard refusing every later request
  },
};

export const tlsDriver: TlsStackDriver = {
  async tlsGet(url, tls, authenticator) {
    const config = nodeAxiosOptions(tls);
    const instance = axios.create(config);
    if (authenticator) attachAuthenticator(instance, authenticator);
    try {
      const response = await instance.get<string>(url, { responseType: 'text' });
      return { status: response.status, body: response.data };
    } catch (error) {
      if (!isAxiosError(error) || !error.response) throw error;
      return { status: error.response.status, body: String(error.response.data) };
    } finally {
      config.httpsAgent.destroy();
    }
  },
  async transportGet(url, tls) {
    const config = nodeAxiosOptions(tls);
    try {
      const transport = axiosTransport(axios.create(config));
      return (await transport({ method: 'GET', url, headers: new Headers() })).status;
    } finally {
      config.httpsAgent.destroy();
    }
  },
  tlsPool(tls) {
    const agent: HttpsAgent = mtlsAgent(tls);
    return { close: async () => agent.destroy() };
  },
  failurePrefix: '',
  globalPool: () => globalAgent,
  defaultGet: (url) => axios.get(url),
  untrusted: /self-signed certificate/,
};
