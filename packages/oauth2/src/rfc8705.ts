import { base64urlEncode, InvalidArgumentError } from '@x/core';
import type { ClientAuthMethodInit } from './client-auth.js';

/**
 * OAuth 2.0 Mutual-TLS Client Authentication and Certificate-Bound Access
 * Tokens (RFC 8705), the parts that are not TLS: which endpoints a client
 * using mutual TLS calls (`mtls_endpoint_aliases`), and the `x5t#S256`
 * thumbprint a certificate-bound token is bound to. The client
 * authentication methods themselves (`tls_client_auth`,
 * `self_signed_tls_client_auth`) are in `client-auth.ts`; the certificate
 * is configured on the HTTP stack (`@x/fetch-client/node`,
 * `@x/axios-client/node`).
 */

/**
 * The `mtls_endpoint_aliases` member of authorization server metadata:
 * endpoints to use instead of the conventional ones when the client uses
 * mutual TLS (RFC 8705 5).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 */
export interface MtlsEndpointAliases {
  token_endpoint?: string | undefined;
  revocation_endpoint?: string | undefined;
  introspection_endpoint?: string | undefined;
  /** Other endpoints (`userinfo_endpoint`, `pushed_authorization_request_endpoint`, ...). */
  [endpoint: string]: string | undefined;
}

/** The client-authentication methods of RFC 8705 (2.1 and 2.2). */
export const MTLS_CLIENT_AUTH_METHODS: ReadonlySet<string> = new Set([
  'tls_client_auth',
  'self_signed_tls_client_auth',
]);

/**
 * `true` when a client-authentication method (a name, or a `ClientAuth`
 * object by its `name`) is one of the RFC 8705 mutual-TLS methods.
 *
 * @example isMtlsClientAuthMethod('tls_client_auth') // true
 */
export function isMtlsClientAuthMethod(method: ClientAuthMethodInit | undefined): boolean {
  if (typeof method === 'string') return MTLS_CLIENT_AUTH_METHODS.has(method);
  if (typeof method === 'object' && method !== null && typeof method.name === 'string') {
    return MTLS_CLIENT_AUTH_METHODS.has(method.name);
  }
  return false;
}

/**
 * The mutual-TLS alias of a metadata endpoint (`token_endpoint`,
 * `revocation_endpoint`, ...), or `undefined` when the server gives none
 * (then the conventional endpoint is used, RFC 8705 5).
 *
 * @throws InvalidArgumentError when `mtls_endpoint_aliases` or the alias is malformed.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 * @example mtlsEndpointAlias(metadata, 'token_endpoint') // 'https://mtls.as.example.com/token'
 */
export function mtlsEndpointAlias(
  metadata: { mtls_endpoint_aliases?: unknown } | undefined,
  endpoint: string,
): string | undefined {
  const aliases = metadata?.mtls_endpoint_aliases;
  if (aliases === undefined || aliases === null) return undefined;
  if (typeof aliases !== 'object' || Array.isArray(aliases)) {
    throw new InvalidArgumentError('metadata.mtls_endpoint_aliases must be an object');
  }
  const alias = (aliases as Record<string, unknown>)[endpoint];
  if (alias === undefined || alias === null) return undefined;
  if (typeof alias !== 'string' || !URL.canParse(alias)) {
    throw new InvalidArgumentError(`metadata.mtls_endpoint_aliases.${endpoint} must be a URL`);
  }
  return alias;
}

const PEM = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/**
 * The `x5t#S256` thumbprint of an X.509 certificate: base64url (no
 * padding) of the SHA-256 of its DER encoding. A certificate-bound access
 * token carries it as `cnf["x5t#S256"]`; a resource server compares it with
 * the certificate of the TLS connection the token came on.
 *
 * @param certificate The DER bytes, or a PEM `CERTIFICATE` block (the first one is used).
 * @throws InvalidArgumentError for a string without a PEM certificate.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3.1
 * @example await certificateThumbprint(pemText) // 'vRGVbwY2mqwP4goLBZInsjPbLuxw7rwksm9s5DomoBU'
 */
export async function certificateThumbprint(certificate: Uint8Array | string): Promise<string> {
  let der: Uint8Array<ArrayBuffer>;
  if (typeof certificate === 'string') {
    const body = PEM.exec(certificate)?.[1];
    if (body === undefined) throw new InvalidArgumentError('no PEM CERTIFICATE block found');
    let binary: string;
    try {
      binary = atob(body.replace(/\s+/g, ''));
    } catch (cause) {
      throw new InvalidArgumentError('the PEM certificate is not valid base64', { cause });
    }
    der = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } else if (certificate instanceof Uint8Array) {
    der = new Uint8Array(certificate); // a copy on its own ArrayBuffer, as digest() wants
  } else {
    throw new InvalidArgumentError('certificate must be DER bytes or a PEM string');
  }
  const digest = await crypto.subtle.digest('SHA-256', der);
  return base64urlEncode(new Uint8Array(digest));
}
