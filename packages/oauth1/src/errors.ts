/**
 * The errors this package adds to core's: a provider's OAuth 1 error answer
 * (client side) and a rejected incoming request (server side). Both speak
 * the vocabulary of the OAuth Problem Reporting extension (`oauth_problem`).
 *
 * @see https://wiki.oauth.net/w/page/12238543/ProblemReporting
 */
import { OAuthError, type OAuthErrorOptions } from '@x/core';

/** Fields of an OAuth 1 provider's error answer (OAuth Problem Reporting). */
export interface OAuth1ProblemFields {
  /** e.g. `signature_invalid`, `nonce_used`, `timestamp_refused`, `token_rejected`. */
  oauth_problem?: string | undefined;
  /** Human-readable text from the provider. */
  oauth_problem_advice?: string | undefined;
}

/**
 * An OAuth 1 provider refused a request: a 4xx answer, or any answer that
 * carries `oauth_problem` (in a form-encoded body, the `WWW-Authenticate:
 * OAuth` challenge, or the callback URL). Code `ERR_OAUTH_RESPONSE`, like
 * OAuth 2's `OAuth2ResponseError`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.2
 * @example
 * try { await client.fetchAccessToken(url) } catch (err) {
 *   if (OAuth1ResponseError.isInstance(err) && err.oauth_problem === 'token_expired') ...
 * }
 */
export class OAuth1ResponseError extends OAuthError {
  static {
    OAuth1ResponseError.prototype.name = 'OAuth1ResponseError';
  }
  /** The provider's `oauth_problem`, when it sent one. */
  readonly oauth_problem: string | undefined;
  /** The provider's `oauth_problem_advice` (redacted). */
  readonly oauth_problem_advice: string | undefined;
  /** The HTTP status; `undefined` for a problem reported in the callback URL. */
  readonly status: number | undefined;

  constructor(
    fields: OAuth1ProblemFields,
    status: number | undefined,
    options: OAuthErrorOptions = {},
  ) {
    const what = fields.oauth_problem ?? 'the OAuth 1 provider refused the request';
    const advice = fields.oauth_problem_advice ? `: ${fields.oauth_problem_advice}` : '';
    const http = status === undefined ? '' : ` (HTTP ${status})`;
    super('ERR_OAUTH_RESPONSE', `${what}${advice}${http}`, options);
    this.oauth_problem = fields.oauth_problem;
    this.oauth_problem_advice = this.scrub(fields.oauth_problem_advice);
    this.status = status;
  }
}

/**
 * `oauth_problem` values a verifier reports (OAuth Problem Reporting 2.1).
 * Providers may use others.
 */
export type OAuth1Problem =
  | 'version_rejected'
  | 'parameter_absent'
  | 'parameter_rejected'
  | 'timestamp_refused'
  | 'nonce_used'
  | 'signature_method_rejected'
  | 'signature_invalid'
  | 'consumer_key_unknown'
  | 'consumer_key_rejected'
  | 'token_rejected'
  | 'token_expired'
  | 'token_used'
  | 'permission_denied'
  | (string & {});

/**
 * {@link verifySignature} (or a provider's credential lookup) rejected an
 * incoming request. Carries what the provider should answer: `status` (400
 * for missing, duplicated or unsupported parameters and methods, 401 for bad
 * credentials, signatures, nonces and timestamps, RFC 5849 3.2) and
 * `oauth_problem`, with extra problem parameters such as
 * `oauth_parameters_absent` or `oauth_acceptable_timestamps`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.2
 * @example
 * try { await verifySignature(request, options) } catch (err) {
 *   if (!OAuth1VerificationError.isInstance(err)) throw err
 *   res.writeHead(err.status, { 'content-type': 'application/x-www-form-urlencoded' })
 *   res.end(err.toFormBody())
 * }
 */
export class OAuth1VerificationError extends OAuthError {
  static {
    OAuth1VerificationError.prototype.name = 'OAuth1VerificationError';
  }
  declare readonly code: 'ERR_REQUEST_REJECTED';
  /** What went wrong, in Problem Reporting's vocabulary. */
  readonly oauth_problem: OAuth1Problem;
  /** The status to answer with: 400 or 401. */
  readonly status: 400 | 401;
  /** Extra problem parameters (`oauth_parameters_absent`, `oauth_acceptable_timestamps`, ...). */
  readonly parameters: Readonly<Record<string, string>>;

  constructor(
    oauth_problem: OAuth1Problem,
    status: 400 | 401,
    message: string,
    options: OAuthErrorOptions & { parameters?: Record<string, string> | undefined } = {},
  ) {
    super('ERR_REQUEST_REJECTED', `${oauth_problem}: ${message}`, options);
    this.oauth_problem = oauth_problem;
    this.status = status;
    this.parameters = Object.freeze({ ...options.parameters });
  }

  /**
   * The form-encoded answer body: `oauth_problem=...` and the extra
   * parameters. Contains no secret.
   */
  toFormBody(): string {
    return new URLSearchParams({
      oauth_problem: this.oauth_problem,
      ...this.parameters,
    }).toString();
  }
}
