import { callSignal, type InFlight, type Transport } from '@x/core';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { fromAxiosHeaders, toAxiosHeaders, toTransportError, withState } from './convert.js';

/** Options of {@link axiosTransport}. */
export interface AxiosTransportOptions {
  /** Milliseconds before a call fails with `ERR_TIMEOUT`; `Infinity` for none. @defaultValue 30000 */
  timeout?: number | undefined;
}

/** Marks transport requests so `attachAuthenticator` interceptors leave them alone. */
export const BYPASS: unique symbol = Symbol('@x/axios-client.bypass');

const identity = <T>(data: T): T => data;
/** Text in, text out, no redirects, any status. */
const RAW: AxiosRequestConfig = {
  responseType: 'text',
  transformRequest: [identity],
  transformResponse: [identity],
  validateStatus: () => true,
  maxRedirects: 0,
};

/**
 * A {@link Transport} over an axios instance for the spec clients' token
 * requests: no redirects followed, body read as text, any status returned,
 * failures as `TransportError` (`ERR_TIMEOUT`, `ERR_ABORTED`, `ERR_NETWORK`).
 * Give it a plain instance (agents, proxy, CA), not one with an authenticator
 * attached: our interceptors skip transport requests, other ones still run.
 *
 * @example
 * const transport = axiosTransport(axios.create({ httpsAgent: new https.Agent({ ca }) }))
 * const client = new OAuth2Client({ clientId, transport })
 */
export function axiosTransport(
  instance: AxiosInstance = axios.create(),
  options: AxiosTransportOptions = {},
): Transport {
  return createTransport(instance, options);
}

/** Builds the transport, optionally failing its calls when a session closes (internal). */
export function createTransport(
  instance: AxiosInstance,
  options: AxiosTransportOptions,
  inFlight?: InFlight,
): Transport {
  const transport: Transport = async (request, transportOptions = {}) => {
    const { signal } = transportOptions;
    // Token calls are few: each gets a signal of its own, so close() really cuts them.
    const own = inFlight?.signal();
    const call = callSignal({ signal, timeout: options.timeout, closed: own?.signal });
    const { method, url, body: data } = request;
    const config = { ...RAW, method, url, data, headers: toAxiosHeaders(request.headers) };
    try {
      call.throwIfAborted();
      const response = await instance.request<unknown>(
        withState(call.signal ? { ...config, signal: call.signal } : config, BYPASS),
      );
      const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
      return { status: response.status, headers: fromAxiosHeaders(response.headers), body };
    } catch (error) {
      throw toTransportError(error, call);
    } finally {
      own?.done();
    }
  };
  return transport;
}
