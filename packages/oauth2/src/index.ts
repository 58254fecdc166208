/**
 * `@x/oauth2`: the OAuth 2.0 client (RFC 6749, 6750, 7636, 7009, 7662,
 * 8414, 8705, 9207) — `OAuth2Client`, `OAuth2Auth`, client authentication,
 * compliance hooks and fixes. Talks to endpoints only through a `Transport`.
 */
// What every user of this package needs from @x/core, so one import suffices.
export {
  type Authenticator,
  type Clock,
  cloneRequest,
  type HttpRequest,
  type HttpResponse,
  InsecureTransportError,
  InvalidArgumentError,
  InvalidResponseError,
  MismatchingStateError,
  MissingTokenError,
  OAuth2ResponseError,
  OAuth2Token,
  type OAuth2TokenFields,
  OAuthError,
  type OAuthErrorCode,
  type Transport,
  TransportError,
} from '@x/core';

export { OAuth2Client } from './client.js';
export {
  basicCredentials,
  type ClientAuth,
  type ClientAuthContext,
  type ClientAuthFunction,
  type ClientAuthMethod,
  type ClientAuthMethodInit,
  ClientAuthRegistry,
  clientSecretBasic,
  clientSecretPost,
  noClientAuth,
  selfSignedTlsClientAuth,
  setFormParams,
  tlsClientAuth,
} from './client-auth.js';
export * as compliance from './compliance/index.js';
export {
  type BearerTokenTypeOptions,
  bearerTokenType,
  camelCaseTokenResponse,
  commaSeparatedScope,
  expiresField,
  formEncodedTokenResponse,
  missingTokenType,
  type SlackTokenResponseOptions,
  slackTokenResponse,
  type TokenAsParameterOptions,
  tokenAsParameter,
} from './compliance/index.js';
export {
  COMPLIANCE_HOOK_TYPES,
  type ComplianceHook,
  type ComplianceHookExtraArgs,
  type ComplianceHookMap,
  ComplianceHookRegistry,
  type ComplianceHookTarget,
  type ComplianceHookType,
  type ComplianceHookValue,
  type RequestHook,
  type ResponseHook,
  type TokenResponseContext,
} from './compliance-hooks.js';
export { OAuth2Auth, type OAuth2AuthOptions } from './oauth2-auth.js';
export type {
  AuthorizationUrl,
  CreateAuthorizationUrlOptions,
  FetchTokenParams,
  OAuth2ClientOptions,
  RefreshTokenParams,
  RequestOptions,
  TokenOperationOptions,
  UpdateToken,
  UpdateTokenContext,
} from './options.js';
export { type ParamValue, type Scope, scopeToString, splitArgs } from './params.js';
export { type EndpointName, readJsonObject } from './response-body.js';
export {
  type AuthorizationResponseExpectations,
  checkState,
  parseAuthorizationResponse,
} from './rfc6749/authorization-response.js';
export {
  type AuthorizationRequest,
  buildAuthorizationUrl,
  generateState,
} from './rfc6749/authorization-url.js';
export { endpointRequest, type GrantType, grantBody } from './rfc6749/token-request.js';
export {
  type ProcessTokenResponseOptions,
  processTokenResponse,
} from './rfc6749/token-response.js';
export {
  assertBearerTokenType,
  placeBearerToken,
  placedAccessToken,
  type TokenPlacement,
} from './rfc6750.js';
export { processRevocationResponse, type TokenTypeHint, tokenParams } from './rfc7009.js';
export {
  assertCodeVerifier,
  type CodeChallengeMethod,
  createCodeChallenge,
  generateCodeVerifier,
} from './rfc7636.js';
export { type IntrospectionResponse, processIntrospectionResponse } from './rfc7662.js';
export type { AuthorizationServerMetadata } from './rfc8414.js';
export {
  certificateThumbprint,
  isMtlsClientAuthMethod,
  MTLS_CLIENT_AUTH_METHODS,
  type MtlsEndpointAliases,
  mtlsEndpointAlias,
} from './rfc8705.js';
export { checkIssuerParameter, type IssuerExpectation } from './rfc9207.js';
export { SingleFlight } from './single-flight.js';
