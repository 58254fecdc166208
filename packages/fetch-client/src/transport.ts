import { callSignal, type InFlight, type Transport } from '@x/core';
import { type FetchClientOptions, send } from './send.js';

/** Builds the transport, optionally failing its calls when a session closes (internal). */
export function createTransport(options: FetchClientOptions, inFlight?: InFlight): Transport {
  const transport: Transport = async (request, transportOptions = {}) => {
    // Token calls are few: each gets a signal of its own, so close() really cuts them.
    const own = inFlight?.signal();
    const call = callSignal({
      signal: transportOptions.signal,
      timeout: options.timeout,
      closed: own?.signal,
    });
    try {
      call.throwIfAborted();
      const response = await send(options, request, request.body, {}, call.signal);
      // A fetch other than the global one (undici's own) has its own Headers class.
      const { headers } = response;
      return {
        status: response.status,
        headers: headers instanceof Headers ? headers : new Headers(headers),
        body: await response.text(),
      };
    } catch (error) {
      throw call.error(error);
    } finally {
      own?.done();
    }
  };
  return transport;
}

/**
 * A {@link Transport} over `fetch` for the spec clients' token, discovery and
 * revocation requests: never follows redirects, reads the body as text,
 * returns any status, and fails only with a `TransportError`
 * (`ERR_ABORTED`, `ERR_TIMEOUT`, `ERR_NETWORK`).
 *
 * @example
 * import { Agent, fetch } from 'undici'
 * const transport = fetchTransport({ fetch, dispatcher: new Agent({ connect: { ca } }), timeout: 10_000 })
 * const client = new OAuth2Client({ clientId, transport })
 */
export function fetchTransport(options: FetchClientOptions = {}): Transport {
  return createTransport(options);
}
