import type { MtlsEndpointAliases } from './rfc8705.js';

/**
 * OAuth 2.0 Authorization Server Metadata (RFC 8414), as a plain object.
 *
 * Pass it as the `metadata` option of an `OAuth2Client`: the client
 * takes its endpoints (`authorization_endpoint`, `token_endpoint`,
 * `revocation_endpoint`, `introspection_endpoint`, and their
 * `mtls_endpoint_aliases` when it uses mutual TLS) and its RFC 9207 policy
 * (`issuer`, `authorization_response_iss_parameter_supported`) from it.
 * Fetching and validating a discovery document is `@x/oidc`'s job.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @example
 * const metadata: AuthorizationServerMetadata = {
 *   issuer: 'https://as.example.com',
 *   authorization_endpoint: 'https://as.example.com/authorize',
 *   token_endpoint: 'https://as.example.com/token',
 * }
 */
export interface AuthorizationServerMetadata {
  /** The issuer identifier; compared with the `iss` authorization-response parameter (RFC 9207). */
  issuer?: string | undefined;
  authorization_endpoint?: string | undefined;
  token_endpoint?: string | undefined;
  revocation_endpoint?: string | undefined;
  introspection_endpoint?: string | undefined;
  jwks_uri?: string | undefined;
  registration_endpoint?: string | undefined;
  scopes_supported?: readonly string[] | undefined;
  response_types_supported?: readonly string[] | undefined;
  response_modes_supported?: readonly string[] | undefined;
  grant_types_supported?: readonly string[] | undefined;
  token_endpoint_auth_methods_supported?: readonly string[] | undefined;
  token_endpoint_auth_signing_alg_values_supported?: readonly string[] | undefined;
  revocation_endpoint_auth_methods_supported?: readonly string[] | undefined;
  introspection_endpoint_auth_methods_supported?: readonly string[] | undefined;
  code_challenge_methods_supported?: readonly string[] | undefined;
  /** When `true`, every authorization response must carry `iss` (RFC 9207 3). */
  authorization_response_iss_parameter_supported?: boolean | undefined;
  /** The server issues certificate-bound access tokens (RFC 8705 3.3). */
  tls_client_certificate_bound_access_tokens?: boolean | undefined;
  /**
   * Endpoints for clients using mutual TLS (RFC 8705 5); used instead of
   * the conventional ones when the client authenticates with mutual TLS or
   * sets `useMtlsEndpointAliases`.
   */
  mtls_endpoint_aliases?: MtlsEndpointAliases | undefined;
  /** Other members (OpenID Connect discovery, extensions) are kept as they are. */
  [member: string]: unknown;
}
