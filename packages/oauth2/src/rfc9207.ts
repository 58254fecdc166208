import { InvalidResponseError } from '@x/core';

/**
 * OAuth 2.0 Authorization Server Issuer Identification (RFC 9207): the
 * `iss` parameter of an authorization response, which defeats mix-up attacks
 * when a client talks to several authorization servers.
 */

/** What the client knows about the issuer it sent the user to. */
export interface IssuerExpectation {
  /** The expected issuer identifier (`metadata.issuer`). */
  issuer?: string | undefined;
  /** `iss` must be present (`metadata.authorization_response_iss_parameter_supported`). */
  required?: boolean | undefined;
}

/**
 * Checks the `iss` authorization-response parameter: when present it must
 * equal the expected issuer (compared exactly, as RFC 9207 2.4 requires);
 * when absent it is refused if the server advertises
 * `authorization_response_iss_parameter_supported`.
 *
 * @throws InvalidResponseError (`ERR_INVALID_RESPONSE`) on a mismatch or a missing required `iss`.
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @example checkIssuerParameter(params.iss, { issuer: metadata.issuer, required: true })
 */
export function checkIssuerParameter(
  received: string | undefined,
  expected: IssuerExpectation,
): void {
  if (received === undefined) {
    if (expected.required === true) {
      throw new InvalidResponseError(
        'authorization response has no iss parameter, which the server says it always sends (RFC 9207)',
      );
    }
    return;
  }
  if (expected.issuer === undefined) {
    if (expected.required === true) {
      throw new InvalidResponseError('cannot check the iss parameter: no issuer is known');
    }
    return;
  }
  if (received !== expected.issuer) {
    throw new InvalidResponseError(
      `authorization response iss ${JSON.stringify(received)} is not the expected issuer ${JSON.stringify(expected.issuer)} (RFC 9207 mix-up defence)`,
    );
  }
}
