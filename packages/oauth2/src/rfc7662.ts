import { type HttpResponse, InvalidResponseError } from '@x/core';
import { readJsonObject } from './response-body.js';

/**
 * OAuth 2.0 Token Introspection (RFC 7662).
 */

/**
 * An introspection response. Only `active` is guaranteed; the other
 * members appear when the token is active and the server chooses to say.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
export interface IntrospectionResponse {
  /** Whether the token is currently active. */
  active: boolean;
  scope?: string | undefined;
  client_id?: string | undefined;
  username?: string | undefined;
  token_type?: string | undefined;
  /** Expiry, seconds since the epoch. */
  exp?: number | undefined;
  iat?: number | undefined;
  nbf?: number | undefined;
  sub?: string | undefined;
  aud?: string | string[] | undefined;
  iss?: string | undefined;
  jti?: string | undefined;
  /** Other members are kept as the server sent them. */
  [member: string]: unknown;
}

const STRINGS = ['scope', 'client_id', 'username', 'token_type', 'sub', 'iss', 'jti'] as const;
const NUMBERS = ['exp', 'iat', 'nbf'] as const;

/**
 * Validates an introspection response: a JSON object with a boolean
 * `active`, and well-typed standard members when present.
 *
 * @throws OAuth2ResponseError for an error response; InvalidResponseError
 * (with the status) for anything else unusable.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @example const info = processIntrospectionResponse(response, [token]); if (info.active) ...
 */
export function processIntrospectionResponse(
  response: HttpResponse,
  secrets: Iterable<string | undefined> = [],
): IntrospectionResponse {
  const options = { secrets };
  const body = readJsonObject(response, 'introspection endpoint', options);
  const bad = (name: string, type: string): never => {
    throw new InvalidResponseError(
      `introspection response member ${name} must be ${type}`,
      response.status,
      options,
    );
  };
  if (typeof body.active !== 'boolean') bad('active', 'a boolean');
  for (const name of STRINGS) {
    if (body[name] !== undefined && typeof body[name] !== 'string') bad(name, 'a string');
  }
  for (const name of NUMBERS) {
    if (
      body[name] !== undefined &&
      (typeof body[name] !== 'number' || !Number.isFinite(body[name]))
    ) {
      bad(name, 'a number');
    }
  }
  const aud = body.aud;
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    bad('aud', 'a string or an array of strings');
  }
  return body as IntrospectionResponse;
}
