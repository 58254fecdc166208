import { InvalidArgumentError } from './errors.js';
import type { Authenticator, HttpRequest } from './http.js';
import { cloneRequest } from './http.js';
import { checkSecureTransport, type TransportSecurityOptions } from './insecure-transport.js';

/**
 * The simplest {@link Authenticator}: puts a fixed bearer token in the
 * `Authorization` header (RFC 6750 2.1). No refresh, no retry.
 *
 * The token is only ever sent over https (or http to loopback with
 * `allowInsecureTransport`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @example
 * const authFetch = createAuthFetch(staticBearer(process.env.API_TOKEN!))
 * await authFetch('https://api.example.com/me')
 */
export function staticBearer(
  accessToken: string,
  options: TransportSecurityOptions = {},
): Authenticator {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new InvalidArgumentError('accessToken must be a non-empty string');
  }
  return {
    async authorize(request: HttpRequest): Promise<HttpRequest> {
      checkSecureTransport(request.url, options);
      const authorized = cloneRequest(request);
      authorized.headers.set('authorization', `Bearer ${accessToken}`);
      return authorized;
    },
  };
}
