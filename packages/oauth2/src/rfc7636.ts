import { base64urlEncode, InvalidArgumentError, randomBase64Url } from '@x/core';

/**
 * Proof Key for Code Exchange (RFC 7636): the `code_verifier` the client
 * keeps and the `code_challenge` it sends in the authorization request.
 */

/** How the `code_challenge` is derived. `S256` is the default; `plain` only when asked. */
export type CodeChallengeMethod = 'S256' | 'plain';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A new `code_verifier`: 32 bytes (256 bits) from the platform CSPRNG,
 * base64url without padding, so 43 characters of `[A-Za-z0-9_-]`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 * @example generateCodeVerifier() // "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" (random)
 */
export function generateCodeVerifier(): string {
  return randomBase64Url(32);
}

/**
 * Throws unless `verifier` is 43 to 128 characters of the RFC 7636 alphabet
 * (`A-Z a-z 0-9 - . _ ~`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 * @example assertCodeVerifier(generateCodeVerifier())
 */
export function assertCodeVerifier(verifier: unknown): asserts verifier is string {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) {
    throw new InvalidArgumentError(
      'codeVerifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1)',
      { secrets: typeof verifier === 'string' ? [verifier] : [] },
    );
  }
}

/**
 * The `code_challenge` for a verifier: `BASE64URL(SHA-256(ASCII(verifier)))`
 * for `S256` (computed with `crypto.subtle`), the verifier itself for `plain`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 * @example
 * await createCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')
 * // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" (RFC 7636 Appendix B)
 */
export async function createCodeChallenge(
  verifier: string,
  method: CodeChallengeMethod = 'S256',
): Promise<string> {
  assertCodeVerifier(verifier);
  if (method === 'plain') return verifier;
  if (method !== 'S256') {
    throw new InvalidArgumentError(`unsupported code challenge method ${String(method)}`);
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64urlEncode(new Uint8Array(digest));
}
