import { type HttpRequest, type Transport, TransportError } from '@x/core';

/**
 * The transport spec packages test with: global fetch, redirects never
 * followed, the body read as text, failures as `TransportError`s. The
 * adapters have their own tests; this is only the plumbing under spec tests.
 */

/** A request a {@link testTransport} sent. */
export interface SentRequest {
  method: string;
  url: string;
  /** A copy, taken when the request was sent. */
  headers: Headers;
  body: string | undefined;
  /** The body parsed as a form (empty without a body). */
  params: URLSearchParams;
}

/** Options of {@link testTransport}. */
export interface TestTransportOptions {
  /** Every request is pushed here before it is sent. */
  record?: SentRequest[];
}

/**
 * A {@link Transport} over global fetch with `redirect: 'manual'`. A failed
 * request rejects with `ERR_ABORTED` when its signal was aborted, else
 * `ERR_NETWORK`, the fetch error as cause.
 *
 * @example
 * const sent: SentRequest[] = []
 * const client = new OAuth2Client({ clientId: 'app', transport: testTransport({ record: sent }) })
 */
export function testTransport(options: TestTransportOptions = {}): Transport {
  const { record } = options;
  return async (request, callOptions) => {
    record?.push({
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      body: request.body,
      params: new URLSearchParams(request.body ?? ''),
    });
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        ...(request.body !== undefined && { body: request.body }),
        ...(callOptions?.signal !== undefined && { signal: callOptions.signal }),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch (cause) {
      const aborted = callOptions?.signal?.aborted === true;
      throw new TransportError(aborted ? 'ERR_ABORTED' : 'ERR_NETWORK', 'request failed', {
        cause,
      });
    }
  };
}

/** A {@link testTransport} and the list it records into. */
export function recordingTransport(): { transport: Transport; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  return { transport: testTransport({ record: sent }), sent };
}

/** A GET request to `url`, as adapters hand it to an authenticator. */
export function getRequest(url: string, headers: HeadersInit = {}): HttpRequest {
  return { method: 'GET', url, headers: new Headers(headers) };
}
