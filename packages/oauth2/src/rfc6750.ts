import {
  addParamsToUrl,
  cloneRequest,
  FORM_CONTENT_TYPE,
  formDecode,
  formEncode,
  type HttpRequest,
  InvalidArgumentError,
  isFormContentType,
} from '@x/core';

/**
 * Bearer token usage (RFC 6750): where the access token goes on a
 * protected-resource request.
 *
 * - `header` (default): `Authorization: Bearer <token>` (RFC 6750 2.1).
 * - `body`: an `access_token` form parameter (2.2). Only for requests whose
 *   body is form-encoded (or empty, with a method that has a body); JSON or
 *   opaque bodies are refused.
 * - `uri`: an `access_token` query parameter (2.3). Discouraged: the token
 *   ends up in logs and `Referer` headers, and RFC 9700 2.4.2 says clients
 *   must not use it unless nothing else works.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.3.2
 */
export type TokenPlacement = 'header' | 'body' | 'uri';

const PLACEMENTS: ReadonlySet<string> = new Set(['header', 'body', 'uri']);

/**
 * Throws unless `placement` is one of `header`, `body`, `uri`.
 *
 * @example assertTokenPlacement(options.tokenPlacement ?? 'header')
 */
export function assertTokenPlacement(placement: unknown): asserts placement is TokenPlacement {
  if (typeof placement !== 'string' || !PLACEMENTS.has(placement)) {
    throw new InvalidArgumentError('tokenPlacement must be "header", "body" or "uri"');
  }
}

/**
 * Throws unless a token type is absent or `Bearer` (case-insensitively):
 * only bearer tokens can be placed as RFC 6750 describes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-1.2
 * @example assertBearerTokenType(token.token_type)
 */
export function assertBearerTokenType(tokenType: string | undefined): void {
  // `Bearer` as sent by most servers first: no lower-cased copy per request.
  if (tokenType !== undefined && tokenType !== 'Bearer' && tokenType.toLowerCase() !== 'bearer') {
    throw new InvalidArgumentError(
      `token_type ${JSON.stringify(tokenType)} is not supported: only Bearer tokens can be placed`,
    );
  }
}

/**
 * Returns `request` carrying `accessToken` as RFC 6750 describes for
 * `placement`. Never mutates `request`.
 *
 * @throws InvalidArgumentError for `body` placement on a request that has a
 * body that is not a form (JSON, FormData, a stream) or has no body to use.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 * @example
 * placeBearerToken({ method: 'GET', url, headers: new Headers() }, token.access_token, 'header')
 */
export function placeBearerToken(
  request: HttpRequest,
  accessToken: string,
  placement: TokenPlacement = 'header',
): HttpRequest {
  switch (placement) {
    case 'header': {
      const out = cloneRequest(request);
      out.headers.set('authorization', `Bearer ${accessToken}`);
      return out;
    }
    case 'uri': {
      const out = cloneRequest(request, {
        url: addParamsToUrl(request.url, [['access_token', accessToken]]),
      });
      // RFC 6750 2.3: keep the URL (and its token) out of caches.
      out.headers.set('cache-control', 'no-store');
      return out;
    }
    case 'body':
      return placeInBody(request, accessToken);
    default:
      assertTokenPlacement(placement);
      return request;
  }
}

function placeInBody(request: HttpRequest, accessToken: string): HttpRequest {
  const secrets = [accessToken];
  if (request.opaqueBody === true) {
    throw new InvalidArgumentError(
      'tokenPlacement "body" needs a form-encoded body; this request has a binary or streamed body',
      { secrets },
    );
  }
  const method = request.method.toUpperCase();
  const hasBody = request.body !== undefined && request.body !== '';
  const type = request.headers.get('content-type');
  if (hasBody && !isFormContentType(type)) {
    throw new InvalidArgumentError(
      `tokenPlacement "body" needs an application/x-www-form-urlencoded body, not ${type ?? 'an untyped body'}`,
      { secrets },
    );
  }
  if (!hasBody && (method === 'GET' || method === 'HEAD')) {
    throw new InvalidArgumentError(
      `tokenPlacement "body" cannot be used for a ${method} request (RFC 6750 2.2); use "header"`,
      { secrets },
    );
  }
  const params = formDecode(request.body ?? '').filter(([name]) => name !== 'access_token');
  params.push(['access_token', accessToken]);
  const out = cloneRequest(request, { body: formEncode(params) });
  if (!isFormContentType(type)) out.headers.set('content-type', FORM_CONTENT_TYPE);
  return out;
}

/**
 * The access token a request already carries, wherever RFC 6750 puts it:
 * an `Authorization: Bearer` header, an `access_token` query parameter, or an
 * `access_token` form parameter. `undefined` when it carries none.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 * @example placedAccessToken(await client.authorize(request)) // the token that was placed
 */
export function placedAccessToken(request: HttpRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (match?.[1] !== undefined) return match[1];
  if (URL.canParse(request.url)) {
    const inQuery = new URL(request.url).searchParams.get('access_token');
    if (inQuery !== null) return inQuery;
  }
  if (isFormContentType(request.headers.get('content-type'))) {
    return formDecode(request.body ?? '').find(([name]) => name === 'access_token')?.[1];
  }
  return undefined;
}
