/**
 * `@x/oidc`: the OpenID Connect relying party of the `@x` family — discovery
 * (OIDC Discovery, RFC 8414), JWKS with key rotation, id_token validation
 * (OIDC Core 3.1.3.7 in full), refresh (12.2), userinfo and RP-initiated
 * logout, and `OIDCClient`, an `OAuth2Client` that does all of it.
 */
export {
  type AuthenticationResponse,
  type AuthenticationResponseOptions,
  processAuthenticationResponse,
} from './authentication-response.js';
export {
  type OIDCAuthorizationUrl,
  type OIDCAuthorizationUrlOptions,
  OIDCClient,
  type OIDCClientOptions,
  type OIDCDiscoverOptions,
  type OIDCEndSessionParams,
  type OIDCFetchTokenParams,
  type UserinfoCallOptions,
} from './client.js';
export {
  type DiscoveryOptions,
  discover,
  type OpenIDProviderMetadata,
  processMetadata,
  type WellKnown,
  wellKnownUrl,
} from './discovery.js';
export { type EndSessionParams, endSessionUrl } from './end-session.js';
export { type IdTokenCheck, IdTokenError, type IdTokenErrorCode } from './errors.js';
export {
  type IdTokenClaims,
  idTokenClaims,
  type ValidateIdTokenOptions,
  validateIdToken,
} from './id-token.js';
export {
  type JSONWebKeySet,
  type KeyHint,
  type KeySet,
  type KeysForOptions,
  localKeySet,
  RemoteKeySet,
  type RemoteKeySetOptions,
} from './jwks.js';
export {
  checkRefreshedIdToken,
  type ValidateRefreshedIdTokenOptions,
  validateRefreshedIdToken,
} from './refresh.js';
export { tokenHash } from './token-hash.js';
export {
  type ProcessUserinfoOptions,
  processUserinfoResponse,
  type UserinfoClaims,
  userinfoRequest,
} from './userinfo.js';
