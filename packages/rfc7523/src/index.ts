/**
 * `@x/rfc7523`: JWT client authentication (`ClientSecretJWT`,
 * `PrivateKeyJWT`) for `OAuth2Client`, and the JWT-bearer authorization
 * grant (RFC 7523). All JOSE work goes through jose.
 */
export {
  type AsymmetricAlgorithm,
  assertSigningAlgorithm,
  HMAC_MIN_KEY_BYTES,
  isAsymmetricAlgorithm,
  isSymmetricAlgorithm,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js';
export {
  assertExtraClaims,
  assertExtraHeaders,
  assertLifetime,
  DEFAULT_ASSERTION_LIFETIME,
  RESERVED_CLAIMS,
  type SignAssertionOptions,
  signAssertion,
} from './assertion.js';
export {
  CLIENT_ASSERTION_TYPE,
  type ClientAssertionAudience,
  type JWTClientAuthOptions,
  withClientAssertion,
} from './client-assertion.js';
export { ClientSecretJWT, type ClientSecretJWTOptions } from './client-secret-jwt.js';
export {
  JWT_BEARER_GRANT_TYPE,
  type JwtBearerAssertionOptions,
  type JwtBearerGrantParams,
  jwtBearerGrant,
  jwtBearerGrantParams,
  signJwtBearerAssertion,
} from './jwt-bearer-grant.js';
export { type ImportedSigningKey, importSigningKey, type SigningKey } from './keys.js';
export { PrivateKeyJWT, type PrivateKeyJWTOptions } from './private-key-jwt.js';
