/**
 * `oauth_body_hash` (OAuth Request Body Hash, draft-eaton-oauth-bodyhash-00):
 * integrity for request bodies that are not form-encoded, which RFC 5849
 * signatures do not cover.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-eaton-oauth-bodyhash-00
 */
import { base64FromBytes, utf8Bytes } from '../lib/bytes.js';

/** The digest behind `oauth_body_hash`: the hash of the signature method (SHA-1 for `*-SHA1`). */
export type BodyHashAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/**
 * The `oauth_body_hash` value of a body: the base64 of its digest over its
 * UTF-8 bytes (section 3.2 of the draft). An empty body hashes the empty
 * string.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-eaton-oauth-bodyhash-00#section-3.2
 * @example await computeBodyHash('Hello World!', 'SHA-1') // 'Lve95gjOVATpfV8EL5X4nxwjKHE='
 */
export async function computeBodyHash(body: string, algorithm: BodyHashAlgorithm): Promise<string> {
  return base64FromBytes(await crypto.subtle.digest(algorithm, utf8Bytes(body)));
}
