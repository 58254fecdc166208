import {
  getFragmentParams,
  getQueryParams,
  InvalidResponseError,
  MismatchingStateError,
  OAuth2ResponseError,
  paramsToRecord,
} from '@x/core';
import { checkIssuerParameter } from '../rfc9207.js';

/**
 * The authorization response (RFC 6749 4.1.2 and 4.2.2): the redirect back
 * to the client, carrying a code (query) or a token (fragment), or an error.
 */

/** What the client expects of an authorization response. */
export interface AuthorizationResponseExpectations {
  /**
   * The `state` sent in the authorization request, or `undefined` when none
   * was sent. A response whose `state` is missing, different, or present
   * when none was sent is refused.
   */
  state: string | undefined;
  /** The expected `iss` (RFC 9207), usually `metadata.issuer`. */
  issuer?: string | undefined;
  /** `iss` must be present (`authorization_response_iss_parameter_supported`). */
  issuerRequired?: boolean | undefined;
  /** Where the parameters are: `query` for the code flow (default), `fragment` for implicit. */
  responseMode?: 'query' | 'fragment' | undefined;
  /** Values to keep out of any error. */
  secrets?: Iterable<string | undefined> | undefined;
}

const RESPONSE_PARAMS = ['code', 'error', 'state', 'access_token', 'iss'];

/** Compares two strings without an early exit on the first difference. */
function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/**
 * Checks the `state` of an authorization response against the one sent.
 *
 * @throws MismatchingStateError (`ERR_MISMATCHING_STATE`) when it is
 * missing, different, or present though none was sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 * @example checkState(params.state, session.state)
 */
export function checkState(received: string | undefined, expected: string | undefined): void {
  if (expected === undefined) {
    if (received !== undefined) {
      throw new MismatchingStateError(
        'the authorization response carries a state, but none was sent (pass the state you stored)',
      );
    }
    return;
  }
  if (received === undefined) {
    throw new MismatchingStateError(
      'the authorization response has no state: possible CSRF attack',
    );
  }
  if (!sameString(received, expected)) {
    throw new MismatchingStateError('state mismatch: possible CSRF attack');
  }
}

/**
 * Parses and checks an authorization response URL, in the order that keeps
 * an attacker's input from being trusted: `state` first (CSRF), then `iss`
 * (RFC 9207 mix-up), then an `error` response, then the presence of `code`
 * (query mode).
 *
 * @returns The response parameters (first value of each name).
 * @throws MismatchingStateError, InvalidResponseError (bad `iss`, no code),
 * OAuth2ResponseError (an `error=` response; `status` is 302, the redirect
 * that delivered it).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @example
 * const { code } = parseAuthorizationResponse(req.url, { state: session.state })
 */
export function parseAuthorizationResponse(
  url: string | URL,
  expected: AuthorizationResponseExpectations,
): Record<string, string> {
  const mode = expected.responseMode ?? 'query';
  let list = mode === 'fragment' ? getFragmentParams(url) : getQueryParams(url);
  // A response mode of `fragment` for the code flow: fall back to it when the query says nothing.
  if (mode === 'query' && !list.some(([name]) => RESPONSE_PARAMS.includes(name))) {
    list = getFragmentParams(url);
  }
  const params = paramsToRecord(list);
  const secrets = [...(expected.secrets ?? []), params.code, params.access_token];
  // Neither check puts a response value other than `iss` in its message.
  checkState(params.state, expected.state);
  checkIssuerParameter(params.iss, { issuer: expected.issuer, required: expected.issuerRequired });
  if (params.error !== undefined) {
    throw new OAuth2ResponseError(
      {
        error: params.error,
        error_description: params.error_description,
        error_uri: params.error_uri,
      },
      302,
      { secrets },
    );
  }
  if (mode === 'query' && (params.code === undefined || params.code === '')) {
    throw new InvalidResponseError('the authorization response has no code', undefined, {
      secrets,
    });
  }
  return params;
}
