import type { ComplianceHookTarget } from '../compliance-hooks.js';
import { registerTokenBodyFix } from './token-body.js';

const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['accessToken', 'access_token'],
  ['tokenType', 'token_type'],
  ['expiresIn', 'expires_in'],
  ['expiresAt', 'expires_at'],
  ['refreshToken', 'refresh_token'],
  ['idToken', 'id_token'],
];

/**
 * Renames camelCase token members (`accessToken`, `tokenType`,
 * `expiresIn`, `refreshToken`, `idToken`, `expiresAt`) to their RFC 6749
 * names. A member already present under its RFC name wins.
 *
 * Needed by: plentymarkets, and APIs generated from JavaScript or Java
 * models that serialize tokens in camelCase.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @example camelCaseTokenResponse(client)
 */
export function camelCaseTokenResponse(client: ComplianceHookTarget): void {
  registerTokenBodyFix(client, (body) => {
    const out = { ...body };
    for (const [camel, snake] of FIELDS) {
      if (out[camel] === undefined) continue;
      if (out[snake] === undefined) out[snake] = out[camel];
      delete out[camel];
    }
    return out;
  });
}
