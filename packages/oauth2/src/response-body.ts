import {
  type HttpResponse,
  InvalidResponseError,
  OAuth2ResponseError,
  type OAuthErrorOptions,
} from '@x/core';

/**
 * Reading an endpoint's JSON answer defensively: what the token,
 * introspection and revocation endpoints return is checked for the ways
 * servers and proxies get it wrong (a login page, an empty or cut-off body,
 * a redirect) before any member is trusted.
 */

/** Which endpoint answered, for messages. */
export type EndpointName = 'token endpoint' | 'introspection endpoint' | 'revocation endpoint';

/** An HTML page, judged by its content type or its first character (for bodies that are not JSON). */
function looksLikeHtml(response: HttpResponse): boolean {
  const type = response.headers.get('content-type')?.toLowerCase() ?? '';
  if (type.includes('text/html') || type.includes('application/xhtml')) return true;
  return response.body.trimStart().startsWith('<');
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The error for a response that is not 2xx: an {@link OAuth2ResponseError}
 * when the body is an RFC 6749 5.2 error object, an
 * {@link InvalidResponseError} with the status otherwise.
 */
export function errorForStatus(
  response: HttpResponse,
  endpoint: EndpointName,
  options: OAuthErrorOptions,
): OAuth2ResponseError | InvalidResponseError {
  const parsed = tryParseJson(response.body);
  if (parsed.ok) {
    const oauth = OAuth2ResponseError.fromBody(parsed.value, response.status, options);
    if (oauth) return oauth;
  }
  if (response.status >= 300 && response.status < 400) {
    return new InvalidResponseError(
      `${endpoint} redirected (HTTP ${response.status}); it must answer directly`,
      response.status,
      options,
    );
  }
  const what = response.body.trim() === '' ? 'an empty body' : 'no OAuth error in its body';
  return new InvalidResponseError(
    `${endpoint} answered HTTP ${response.status} with ${what}`,
    response.status,
    options,
  );
}

/**
 * The body of a successful (2xx) response as a JSON object.
 *
 * @throws OAuth2ResponseError for a non-2xx status with an error body, or an
 * `error` member in a 2xx body (some servers answer errors with 200).
 * @throws InvalidResponseError for any other non-2xx status, an empty body,
 * an HTML page (often a login page behind a misconfigured proxy), a body that
 * is not JSON (or cut off), or JSON that is not an object. A JSON body with
 * a wrong content type (`text/html`, `text/plain`) is accepted. Every error
 * carries the HTTP status.
 * @example const body = readJsonObject(response, 'token endpoint', { secrets })
 */
export function readJsonObject(
  response: HttpResponse,
  endpoint: EndpointName,
  options: OAuthErrorOptions = {},
): Record<string, unknown> {
  const { status } = response;
  if (status < 200 || status > 299) throw errorForStatus(response, endpoint, options);
  if (response.body.trim() === '') {
    throw new InvalidResponseError(
      `${endpoint} answered HTTP ${status} with an empty body`,
      status,
      options,
    );
  }
  const parsed = tryParseJson(response.body);
  if (!parsed.ok) {
    const what = looksLikeHtml(response)
      ? 'an HTML page (a login page or a proxy?) instead of JSON'
      : 'a body that is not valid JSON (truncated?)';
    throw new InvalidResponseError(
      `${endpoint} answered HTTP ${status} with ${what}`,
      status,
      options,
    );
  }
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(
      `${endpoint} answered HTTP ${status} with JSON that is not an object`,
      status,
      options,
    );
  }
  const oauth = OAuth2ResponseError.fromBody(body, status, options);
  if (oauth) throw oauth;
  return body as Record<string, unknown>;
}

/** The string values of a parsed body worth redacting (tokens it carries). */
export function tokenValuesOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const name of ['access_token', 'refresh_token', 'id_token']) {
    const value = body[name];
    if (typeof value === 'string') out.push(value);
  }
  return out;
}
