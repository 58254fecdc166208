import {
  type HttpResponse,
  InvalidResponseError,
  OAuthError,
  type Transport,
  TransportError,
} from '@x/core';

/**
 * GETs a JSON document (discovery, JWKS) through a Transport, the way
 * metadata must be read: no redirect is followed (a 3xx is refused with
 * `ERR_REDIRECT`), the status must be 200, the body a JSON object.
 * Internal.
 */

/** The result of {@link getJsonObject}. */
export interface JsonDocument {
  status: number;
  /** The parsed object, or `undefined` for a 404 when `allowNotFound` is set. */
  body: Record<string, unknown> | undefined;
}

function isHttpResponse(value: unknown): value is HttpResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && typeof v.body === 'string' && v.headers instanceof Headers;
}

/** Sends one GET through the transport; only `TransportError`s and `InvalidResponseError`s escape. */
export async function send(
  transport: Transport,
  url: string,
  accept: string,
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  let response: unknown;
  try {
    response = await transport(
      { method: 'GET', url, headers: new Headers({ accept }) },
      signal === undefined ? undefined : { signal },
    );
  } catch (error) {
    if (OAuthError.isInstance(error)) throw error;
    throw new TransportError('ERR_NETWORK', 'the transport failed', { cause: error });
  }
  if (!isHttpResponse(response)) {
    throw new InvalidResponseError('the transport did not return an HttpResponse');
  }
  return response;
}

/** Refuses a redirect: metadata and keys must come from the URL asked for. */
export function refuseRedirect(response: HttpResponse, what: string): void {
  if (response.status >= 300 && response.status < 400) {
    throw new TransportError(
      'ERR_REDIRECT',
      `${what} redirected (HTTP ${response.status}); redirects are not followed`,
    );
  }
}

/** Parses a JSON object body, or throws `InvalidResponseError`. */
export function parseJsonObject(response: HttpResponse, what: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new InvalidResponseError(`${what} is not valid JSON`, response.status);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(`${what} is not a JSON object`, response.status);
  }
  return body as Record<string, unknown>;
}

/**
 * GETs `url` and returns its JSON object body.
 *
 * @throws TransportError `ERR_REDIRECT` for a 3xx; InvalidResponseError for
 * another status than 200 (or 404 with `allowNotFound`), a body that is not
 * a JSON object.
 */
export async function getJsonObject(
  transport: Transport,
  url: string,
  what: string,
  options: { signal?: AbortSignal | undefined; accept?: string; allowNotFound?: boolean } = {},
): Promise<JsonDocument> {
  const response = await send(transport, url, options.accept ?? 'application/json', options.signal);
  refuseRedirect(response, what);
  if (response.status === 404 && options.allowNotFound === true) {
    return { status: 404, body: undefined };
  }
  if (response.status !== 200) {
    throw new InvalidResponseError(`${what} answered HTTP ${response.status}`, response.status);
  }
  return { status: 200, body: parseJsonObject(response, what) };
}
