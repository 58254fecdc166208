import { base64urlEncode, InvalidArgumentError } from '@x/core';
import { algorithmSpec } from './algorithms.js';

/**
 * `at_hash` and `c_hash` (OIDC Core 3.1.3.6, 3.3.2.11): the base64url of the
 * left half of the hash of the access token or code, with the hash of the
 * id_token's `alg` (SHA-256 for RS256/ES256/PS256/HS256, SHA-512 for Ed25519).
 *
 * @throws InvalidArgumentError for an algorithm this package does not support.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken
 * @example await tokenHash(accessToken, 'RS256') // compare with claims.at_hash
 */
export async function tokenHash(value: string, alg: string): Promise<string> {
  const spec = algorithmSpec(alg);
  if (spec === undefined) throw new InvalidArgumentError(`unsupported algorithm ${alg}`);
  const digest = new Uint8Array(
    await crypto.subtle.digest(spec.hash, new TextEncoder().encode(value)),
  );
  return base64urlEncode(digest.subarray(0, digest.length / 2));
}
