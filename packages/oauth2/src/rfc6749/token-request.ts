import { FORM_CONTENT_TYPE, formEncode, type HttpRequest, type ParamList } from '@x/core';

/**
 * Token endpoint requests (RFC 6749 4 and 6): the form bodies of each grant,
 * and the POST that carries them. Client authentication is added afterwards
 * by a {@link ClientAuth} method.
 */

/** A grant type: one of RFC 6749's, or an extension grant's absolute URI. */
export type GrantType =
  | 'authorization_code'
  | 'password'
  | 'client_credentials'
  | 'refresh_token'
  | (string & {});

/**
 * The form body of a token request: `grant_type` first, then the grant's
 * parameters in order (undefined ones skipped).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @example
 * grantBody('authorization_code', [['code', code], ['redirect_uri', redirectUri], ['code_verifier', verifier]])
 */
export function grantBody(
  grantType: GrantType,
  params: ReadonlyArray<readonly [string, string | undefined]>,
): ParamList {
  const list: ParamList = [['grant_type', grantType]];
  for (const [name, value] of params) if (value !== undefined) list.push([name, value]);
  return list;
}

/**
 * A POST of `params` as `application/x-www-form-urlencoded` to an endpoint,
 * asking for JSON — the shape of every token, revocation and introspection
 * request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @example endpointRequest('https://as.example.com/token', grantBody('client_credentials', []))
 */
export function endpointRequest(
  url: string,
  params: ParamList,
  headers?: HeadersInit,
): HttpRequest {
  const out = new Headers(headers);
  out.set('content-type', FORM_CONTENT_TYPE);
  if (!out.has('accept')) out.set('accept', 'application/json');
  return { method: 'POST', url, headers: out, body: formEncode(params) };
}
