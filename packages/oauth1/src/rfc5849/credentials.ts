/**
 * Reading a provider's answer to a temporary credentials request (RFC 5849
 * 2.1) or a token request (2.3): form-encoded `oauth_token` and
 * `oauth_token_secret`, or an error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.1
 */
import {
  type HttpResponse,
  InvalidResponseError,
  type OAuthErrorOptions,
  parseWWWAuthenticate,
} from '@x/core';
import { type OAuth1ProblemFields, OAuth1ResponseError } from '../errors.js';
import { parseForm } from './base-string.js';
import { percentDecodeStrict } from './encoding.js';

/**
 * OAuth 1 credentials as the provider sent them, under their wire names
 * (Authlib's token dict): `oauth_token`, `oauth_token_secret`, and any
 * other member (`oauth_callback_confirmed`, `user_id`, `screen_name`, ...).
 * Store it with `JSON.stringify`; assign it back to `client.token`.
 */
export interface OAuth1Token {
  oauth_token: string;
  oauth_token_secret: string;
  [member: string]: string;
}

/** `name=value&...`, nothing else: what a form-encoded credentials body looks like. */
const FORM_BODY = /^[^=&\s]+=[^&\r\n]*(?:&[^=&\s]+=[^&\r\n]*)*$/;

function formFields(body: string): Record<string, string> | undefined {
  const text = body.trim();
  if (!FORM_BODY.test(text)) return undefined;
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of parseForm(text)) if (!(name in fields)) fields[name] = value;
  return fields;
}

function decodeChallengeValue(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (percentDecodeStrict(value) ?? value);
}

/**
 * The `oauth_problem` of a response: from a form-encoded body, or from a
 * `WWW-Authenticate: OAuth` challenge.
 *
 * @see https://wiki.oauth.net/w/page/12238543/ProblemReporting
 * @example responseProblem({ headers: new Headers(), body: 'oauth_problem=nonce_used' }) // { oauth_problem: 'nonce_used', oauth_problem_advice: undefined }
 */
export function responseProblem(
  response: Pick<HttpResponse, 'headers' | 'body'>,
): OAuth1ProblemFields | undefined {
  const fields = formFields(response.body);
  if (fields?.oauth_problem) {
    return {
      oauth_problem: fields.oauth_problem,
      oauth_problem_advice: fields.oauth_problem_advice,
    };
  }
  for (const challenge of parseWWWAuthenticate(response.headers.get('www-authenticate'))) {
    if (challenge.scheme !== 'oauth' || !challenge.params.oauth_problem) continue;
    return {
      oauth_problem: decodeChallengeValue(challenge.params.oauth_problem),
      oauth_problem_advice: decodeChallengeValue(challenge.params.oauth_problem_advice),
    };
  }
  return undefined;
}

/** Options of {@link processCredentialsResponse}. */
export interface CredentialsResponseOptions {
  /** Require `oauth_callback_confirmed=true` (temporary credentials, RFC 5849 2.1). */
  callbackConfirmed?: boolean | undefined;
  /** Secrets the caller holds, kept out of any error. */
  secrets?: OAuthErrorOptions['secrets'];
}

/**
 * Validates a credentials response and returns its fields.
 *
 * - A 4xx, or any answer with an `oauth_problem`, is an
 *   {@link OAuth1ResponseError} (`ERR_OAUTH_RESPONSE`).
 * - Any other non-2xx answer, a body that is not form-encoded, a missing
 *   `oauth_token` or `oauth_token_secret`, or (with `callbackConfirmed`) an
 *   `oauth_callback_confirmed` other than `true`, is an
 *   `InvalidResponseError` (`ERR_INVALID_RESPONSE`).
 *
 * The `Content-Type` is not checked: providers send form-encoded credentials
 * as `text/plain` and `text/html` too; the body itself must be form-encoded.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.3
 * @example const token = processCredentialsResponse(await transport(request), { callbackConfirmed: true })
 */
export function processCredentialsResponse(
  response: HttpResponse,
  options: CredentialsResponseOptions = {},
): OAuth1Token {
  const fields = formFields(response.body);
  const secrets = [...(options.secrets ?? []), fields?.oauth_token_secret, fields?.oauth_token];
  const problem = responseProblem(response);
  const ok = response.status >= 200 && response.status < 300;
  if (problem || (response.status >= 400 && response.status < 500)) {
    throw new OAuth1ResponseError(problem ?? {}, response.status, { secrets });
  }
  if (!ok) {
    throw new InvalidResponseError(`unexpected HTTP ${response.status}`, response.status, {
      secrets,
    });
  }
  if (!fields) {
    throw new InvalidResponseError(
      'the credentials response is not application/x-www-form-urlencoded',
      response.status,
    );
  }
  if (!fields.oauth_token || fields.oauth_token_secret === undefined) {
    throw new InvalidResponseError(
      'the credentials response lacks oauth_token or oauth_token_secret',
      response.status,
      { secrets },
    );
  }
  if (options.callbackConfirmed === true && fields.oauth_callback_confirmed !== 'true') {
    throw new InvalidResponseError(
      'the provider did not confirm the callback (oauth_callback_confirmed is not "true")',
      response.status,
      { secrets },
    );
  }
  return Object.freeze({ ...fields }) as OAuth1Token;
}
