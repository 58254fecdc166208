import {
  bearerChallengeError,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  InvalidArgumentError,
  InvalidResponseError,
  OAuthError,
  systemClock,
} from '@x/core';
import { IdTokenError } from './errors.js';
import { refuseRedirect } from './http-json.js';
import type { KeySet } from './jwks.js';
import { assertExpectedAlg, DEFAULT_MAX_TOKEN_LENGTH, verifyCompactJws } from './jws.js';

/**
 * The UserInfo endpoint (OpenID Connect Core 5.3): a request/process pair,
 * usable without a client. `OIDCClient.userinfo()` uses both.
 */

/** The claims of a userinfo response. `sub` is always there and checked. */
export interface UserinfoClaims {
  sub: string;
  name?: string | undefined;
  email?: string | undefined;
  email_verified?: boolean | undefined;
  [claim: string]: unknown;
}

/** Options of {@link processUserinfoResponse}. */
export interface ProcessUserinfoOptions {
  /** The `sub` of the user's id_token; the response's must equal it. */
  expectedSubject: string;
  /**
   * The client's `userinfo_signed_response_alg`. When set, the response must
   * be a JWT signed with it (verified like an id_token's signature); when
   * not, it must be JSON.
   */
  signedResponseAlg?: string | undefined;
  /** For a signed response: the provider's issuer; `iss`, when present, must equal it. */
  issuer?: string | undefined;
  /** For a signed response: the client id; `aud`, when present, must contain it. */
  clientId?: string | undefined;
  /** For a signed response: the provider's keys. */
  keys?: KeySet | undefined;
  /** For a signed response with HS*: the client secret. */
  clientSecret?: string | undefined;
  /** For a signed response: seconds of skew allowed for `exp`. @defaultValue 30 */
  clockTolerance?: number | undefined;
  /** For a signed response. */
  clock?: Clock | undefined;
  /** Abandons the wait for the key set. */
  signal?: AbortSignal | undefined;
  /** Values to keep out of any error (the access token). */
  secrets?: Iterable<string | undefined> | undefined;
}

/**
 * The userinfo request: a GET with the access token as a bearer token
 * (RFC 6750 2.1), asking for JSON or a JWT.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoRequest
 * @example const request = userinfoRequest(metadata.userinfo_endpoint, token.access_token)
 */
export function userinfoRequest(endpoint: string, accessToken: string): HttpRequest {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new InvalidArgumentError('accessToken must be a non-empty string');
  }
  return {
    method: 'GET',
    url: endpoint,
    headers: new Headers({
      accept: 'application/json, application/jwt',
      authorization: `Bearer ${accessToken}`,
    }),
  };
}

function mediaType(response: HttpResponse): string {
  return (response.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * Validates a userinfo response and returns its claims: a 200 with a JSON
 * object (or, with `signedResponseAlg`, a JWT whose signature, `alg`, `iss`,
 * `aud` and `exp` are checked), whose `sub` is exactly `expectedSubject`
 * (OIDC Core 5.3.2: otherwise the response must not be used).
 *
 * @throws OAuthError `ERR_USERINFO_SUB` when `sub` is another user's;
 * OAuth2ResponseError for a 401/403 with a Bearer error; TransportError
 * `ERR_REDIRECT` for a 3xx; InvalidResponseError for any other status or an
 * unusable body (a signed response that does not verify names the failed
 * check and has the IdTokenError as its cause).
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 * @example
 * const claims = await processUserinfoResponse(await transport(request), { expectedSubject: idClaims.sub })
 */
export async function processUserinfoResponse(
  response: HttpResponse,
  options: ProcessUserinfoOptions,
): Promise<UserinfoClaims> {
  if (typeof options.expectedSubject !== 'string' || options.expectedSubject === '') {
    throw new InvalidArgumentError('expectedSubject (the id_token sub) is required');
  }
  const secrets = [...(options.secrets ?? [])];
  refuseRedirect(response, 'the userinfo endpoint');
  if (response.status !== 200) {
    const challenge = bearerChallengeError(response);
    if (challenge !== undefined) throw challenge;
    throw new InvalidResponseError(
      `the userinfo endpoint answered HTTP ${response.status}`,
      response.status,
      { secrets },
    );
  }
  const type = mediaType(response);
  let claims: Record<string, unknown>;
  if (options.signedResponseAlg !== undefined) {
    const alg = assertExpectedAlg(options.signedResponseAlg, 'signedResponseAlg');
    if (type !== 'application/jwt') {
      throw new InvalidResponseError(
        `the userinfo response is ${type || 'untyped'}, not the signed application/jwt expected`,
        200,
        { secrets },
      );
    }
    claims = await verifySigned(response.body.trim(), alg, options, secrets);
  } else {
    if (type === 'application/jwt') {
      throw new InvalidResponseError(
        'the userinfo response is a JWT: set userinfoSignedResponseAlg to accept signed responses',
        200,
        { secrets },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new InvalidResponseError('the userinfo response is not JSON', 200, { secrets });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidResponseError('the userinfo response is not a JSON object', 200, {
        secrets,
      });
    }
    claims = body as Record<string, unknown>;
  }
  if (typeof claims.sub !== 'string') {
    throw new InvalidResponseError('the userinfo response has no sub', 200, { secrets });
  }
  if (claims.sub !== options.expectedSubject) {
    throw new OAuthError(
      'ERR_USERINFO_SUB',
      'the userinfo sub is not the id_token sub: the response must not be used (OIDC Core 5.3.2)',
      { secrets },
    );
  }
  return claims as UserinfoClaims;
}

async function verifySigned(
  jwt: string,
  alg: string,
  options: ProcessUserinfoOptions,
  secrets: Array<string | undefined>,
): Promise<Record<string, unknown>> {
  const invalid = (message: string, cause?: unknown): never => {
    throw new InvalidResponseError(`signed userinfo response: ${message}`, 200, {
      secrets: [...secrets, jwt],
      cause,
    });
  };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await verifyCompactJws(jwt, {
      expectedAlg: alg,
      keys: options.keys,
      clientSecret: options.clientSecret,
      maxTokenLength: DEFAULT_MAX_TOKEN_LENGTH * 4,
      signal: options.signal,
      what: 'userinfo response',
    }));
  } catch (error) {
    if (IdTokenError.isInstance(error)) return invalid(error.message, error);
    throw error;
  }
  if (payload.iss !== undefined && payload.iss !== options.issuer) invalid('iss is not the issuer');
  if (payload.aud !== undefined) {
    const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
    if (!Array.isArray(aud) || options.clientId === undefined || !aud.includes(options.clientId)) {
      invalid('aud does not contain the client id');
    }
  }
  if (payload.exp !== undefined) {
    const now = Math.floor((options.clock ?? systemClock).now() / 1000);
    const tolerance = options.clockTolerance ?? 30;
    if (typeof payload.exp !== 'number' || payload.exp <= now - tolerance)
      invalid('it has expired');
  }
  return payload;
}
