import {
  assertSecureTransport,
  InvalidArgumentError,
  InvalidResponseError,
  type Transport,
  type TransportSecurityOptions,
} from '@x/core';
import type { AuthorizationServerMetadata } from '@x/oauth2';
import { getJsonObject } from './http-json.js';

/**
 * Provider metadata: OpenID Connect Discovery 1.0 and OAuth 2.0
 * Authorization Server Metadata (RFC 8414).
 */

/**
 * An OpenID Provider's metadata (OIDC Discovery 3), a superset of RFC 8414's.
 * Plain JSON data: cache it (in memory, a file, a KV store) and pass it to
 * `new OIDCClient({ metadata })`.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export interface OpenIDProviderMetadata extends AuthorizationServerMetadata {
  issuer: string;
  userinfo_endpoint?: string | undefined;
  end_session_endpoint?: string | undefined;
  subject_types_supported?: readonly string[] | undefined;
  id_token_signing_alg_values_supported?: readonly string[] | undefined;
  userinfo_signing_alg_values_supported?: readonly string[] | undefined;
  claims_supported?: readonly string[] | undefined;
  acr_values_supported?: readonly string[] | undefined;
}

/** Which well-known document to read. */
export type WellKnown = 'openid-configuration' | 'oauth-authorization-server';

/** Options of {@link discover}. */
export interface DiscoveryOptions extends TransportSecurityOptions {
  /** Sends the request (`fetchTransport()` from `@x/fetch-client`, ...). */
  transport: Transport;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
  /**
   * The document to read. By default `openid-configuration`, then
   * `oauth-authorization-server` when the first answers 404.
   */
  wellKnown?: WellKnown | undefined;
}

/** Members holding endpoint URLs the client may call: each must be https (or loopback http when allowed). */
const ENDPOINT_MEMBER = /_endpoint$|^jwks_uri$/;
/** Members required per document (OIDC Discovery 3; RFC 8414 2). */
const REQUIRED: Record<WellKnown, readonly string[]> = {
  'openid-configuration': [
    'authorization_endpoint',
    'jwks_uri',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
  ],
  'oauth-authorization-server': ['response_types_supported'],
};
const STRING_ARRAY_MEMBER = /_supported$/;

/**
 * The URL of a well-known document for an issuer: appended to the issuer's
 * path for OpenID Connect (OIDC Discovery 4.1), inserted between host and
 * path for RFC 8414 (3.1). A trailing `/` of the issuer is dropped first.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 * @example
 * wellKnownUrl('https://as.example.com/tenant', 'openid-configuration')
 * // 'https://as.example.com/tenant/.well-known/openid-configuration'
 * wellKnownUrl('https://as.example.com/tenant', 'oauth-authorization-server')
 * // 'https://as.example.com/.well-known/oauth-authorization-server/tenant'
 */
export function wellKnownUrl(issuer: string | URL, wellKnown: WellKnown): string {
  const url = new URL(issuer);
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  url.pathname =
    wellKnown === 'openid-configuration'
      ? `${path}/.well-known/openid-configuration`
      : `/.well-known/oauth-authorization-server${path}`;
  return url.href;
}

function checkIssuer(issuer: unknown, security: TransportSecurityOptions): string {
  if (typeof issuer !== 'string' || issuer.length === 0) {
    throw new InvalidArgumentError('issuer must be a non-empty URL string');
  }
  const url = assertSecureTransport(issuer, security);
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new InvalidArgumentError('an issuer identifier has no query and no fragment');
  }
  return issuer;
}

/**
 * Checks a metadata document: a JSON object whose `issuer` is exactly the
 * expected one, with the members its kind requires, endpoint members that are
 * URLs acceptable under the insecure-transport policy, and `*_supported`
 * members that are string lists (or booleans).
 *
 * @throws InvalidResponseError (`ERR_INVALID_RESPONSE`) for any violation;
 * InsecureTransportError (`ERR_INSECURE_TRANSPORT`) for an http endpoint.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 * @example
 * const metadata = processMetadata(JSON.parse(text), 'https://as.example.com', 'openid-configuration')
 */
export function processMetadata(
  document: unknown,
  issuer: string,
  wellKnown: WellKnown,
  security: TransportSecurityOptions = {},
): OpenIDProviderMetadata {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InvalidResponseError('the metadata document is not a JSON object');
  }
  const doc = document as Record<string, unknown>;
  if (typeof doc.issuer !== 'string') {
    throw new InvalidResponseError('the metadata document has no issuer string');
  }
  if (doc.issuer !== issuer) {
    throw new InvalidResponseError(
      `the metadata issuer ${JSON.stringify(doc.issuer)} is not the issuer asked for ${JSON.stringify(issuer)}`,
    );
  }
  for (const name of REQUIRED[wellKnown]) {
    if (doc[name] === undefined || doc[name] === null) {
      throw new InvalidResponseError(`the metadata document has no ${name}`);
    }
  }
  if (wellKnown === 'oauth-authorization-server') {
    const grants = doc.grant_types_supported;
    const implicitOnly = Array.isArray(grants) && grants.length === 1 && grants[0] === 'implicit';
    if (!implicitOnly && doc.token_endpoint === undefined) {
      throw new InvalidResponseError('the metadata document has no token_endpoint');
    }
  }
  const metadata: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (name === '__proto__') continue;
    if (ENDPOINT_MEMBER.test(name) && value !== undefined && value !== null) {
      if (typeof value !== 'string' || !URL.canParse(value)) {
        throw new InvalidResponseError(`metadata ${name} is not an absolute URL`);
      }
      assertSecureTransport(value, security);
    } else if (STRING_ARRAY_MEMBER.test(name) && value !== undefined && value !== null) {
      const ok =
        typeof value === 'boolean' ||
        (Array.isArray(value) && value.every((entry) => typeof entry === 'string'));
      if (!ok) throw new InvalidResponseError(`metadata ${name} is not a list of strings`);
    }
    metadata[name] = value;
  }
  const aliases = doc.mtls_endpoint_aliases;
  if (aliases !== undefined && aliases !== null) {
    if (typeof aliases !== 'object' || Array.isArray(aliases)) {
      throw new InvalidResponseError('metadata mtls_endpoint_aliases is not an object');
    }
    for (const [name, value] of Object.entries(aliases)) {
      if (typeof value !== 'string' || !URL.canParse(value)) {
        throw new InvalidResponseError(`metadata mtls_endpoint_aliases.${name} is not a URL`);
      }
      assertSecureTransport(value, security);
    }
  }
  return metadata as OpenIDProviderMetadata;
}

/**
 * Reads an issuer's metadata: `/.well-known/openid-configuration` (OIDC
 * Discovery) or `/.well-known/oauth-authorization-server` (RFC 8414),
 * path-aware. The document's `issuer` must equal `issuer` exactly (no
 * normalization: a trailing `/` matters), redirects are refused, malformed
 * documents refused, and every endpoint is checked against the
 * insecure-transport policy. The result is plain data: cache it.
 *
 * @throws InvalidArgumentError for an issuer that is not an https URL (or
 * loopback http with `allowInsecureTransport`) or has a query or fragment;
 * TransportError (`ERR_REDIRECT` for a 3xx, `ERR_NETWORK`, ...);
 * InvalidResponseError for another status or a malformed document;
 * InsecureTransportError for an http endpoint in it.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @example
 * import { fetchTransport } from '@x/fetch-client'
 * const metadata = await discover('https://accounts.example.com', { transport: fetchTransport() })
 */
export async function discover(
  issuer: string,
  options: DiscoveryOptions,
): Promise<OpenIDProviderMetadata> {
  if (typeof options !== 'object' || options === null || typeof options.transport !== 'function') {
    throw new InvalidArgumentError('discover needs { transport } (e.g. fetchTransport())');
  }
  const security: TransportSecurityOptions = {
    allowInsecureTransport: options.allowInsecureTransport === true,
  };
  const expected = checkIssuer(issuer, security);
  const order: readonly WellKnown[] =
    options.wellKnown === undefined
      ? ['openid-configuration', 'oauth-authorization-server']
      : [options.wellKnown];
  for (const [index, wellKnown] of order.entries()) {
    if (wellKnown !== 'openid-configuration' && wellKnown !== 'oauth-authorization-server') {
      throw new InvalidArgumentError(
        'wellKnown must be "openid-configuration" or "oauth-authorization-server"',
      );
    }
    const url = wellKnownUrl(expected, wellKnown);
    const { body } = await getJsonObject(options.transport, url, `the ${wellKnown} document`, {
      signal: options.signal,
      allowNotFound: index < order.length - 1,
    });
    if (body !== undefined) return processMetadata(body, expected, wellKnown, security);
  }
  // Unreachable: the last location never allows a 404 through.
  throw new InvalidResponseError('no metadata document was found', 404);
}
