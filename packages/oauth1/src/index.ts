export {
  type AuthorizationUrlParams,
  type OAuth1AuthorizationResponse,
  OAuth1Client,
  type OAuth1ClientOptions,
} from './client.js';
export {
  type OAuth1Problem,
  type OAuth1ProblemFields,
  OAuth1ResponseError,
  OAuth1VerificationError,
} from './errors.js';
export { MemoryNonceStore, type MemoryNonceStoreOptions, type NonceStore } from './nonce-store.js';
export { OAuth1Auth, type OAuth1AuthOptions } from './oauth1-auth.js';
export {
  baseStringUri,
  formBodyOf,
  normalizeParameters,
  parseForm,
  requestParameters,
  signatureBaseString,
} from './rfc5849/base-string.js';
export { type BodyHashAlgorithm, computeBodyHash } from './rfc5849/body-hash.js';
export {
  type CredentialsResponseOptions,
  type OAuth1Token,
  processCredentialsResponse,
  responseProblem,
} from './rfc5849/credentials.js';
export {
  type HashAlgorithm,
  importHmacKey,
  importRsaPrivateKey,
  importRsaPublicKey,
  KEY_CACHE_SIZE,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
} from './rfc5849/keys.js';
export {
  appendBodyParameters,
  appendQueryParameters,
  authorizationHeader,
  type ParsedAuthorization,
  parseAuthorizationHeader,
  SIGNATURE_TYPES,
  type SignatureType,
} from './rfc5849/parameters.js';
export {
  type OAuth1Credentials,
  type OAuth1SigningOptions,
  type SigningValues,
  signRequest,
} from './rfc5849/sign-request.js';
export {
  BUILTIN_SIGNATURE_METHODS,
  type BuiltinSignatureMethod,
  getSignatureMethod,
  registerSignatureMethod,
  type SignatureMethod,
  type SignatureMethodName,
  type SigningKeys,
  signingKey,
  type VerificationKeys,
} from './rfc5849/signature-methods.js';
export {
  type CredentialsLookup,
  type VerificationCredentials,
  type VerifiedOAuthParams,
  type VerifySignatureOptions,
  verifySignature,
} from './verify.js';
