export { staticBearer } from './bearer.js';
export { type ClassifiedBody, classifyBody, FORM_CONTENT_TYPE } from './body.js';
export {
  type CallSignal,
  type CallSignalOptions,
  callSignal,
  DEFAULT_TIMEOUT,
} from './call-signal.js';
export { type Clock, epochSeconds, systemClock } from './clock.js';
export { delegateMethods, type MethodKeys, splitOptions } from './delegate.js';
export {
  base64Encode,
  base64urlEncode,
  formDecode,
  formDecodeToRecord,
  formEncode,
  isFormContentType,
  type ParamList,
  type ParamsInit,
  percentDecode,
  percentEncode,
  toParamList,
} from './encoding.js';
export {
  InsecureTransportError,
  InvalidArgumentError,
  InvalidResponseError,
  MismatchingStateError,
  MissingTokenError,
  type OAuth2ErrorFields,
  OAuth2ResponseError,
  OAuthError,
  type OAuthErrorCode,
  type OAuthErrorOptions,
  TransportError,
  type TransportErrorCode,
} from './errors.js';
export {
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  NO_RETRY,
  type RedirectMode,
  type ResponseHead,
  shouldRetry,
} from './exchange.js';
export type {
  Authenticator,
  AuthorizeOptions,
  HttpRequest,
  HttpResponse,
  Transport,
  TransportOptions,
} from './http.js';
export { cloneRequest } from './http.js';
export { InFlight } from './in-flight.js';
export {
  assertSecureTransport,
  checkSecureTransport,
  isLoopbackUrl,
  type TransportSecurityOptions,
} from './insecure-transport.js';
export { ALPHANUMERIC, generateToken, randomBase64Url, randomBytes } from './random.js';
export { REDACTED, redact } from './redact.js';
export {
  BODY_HEADERS,
  CREDENTIAL_HEADERS,
  MAX_REDIRECTS,
  nextRedirect,
  REDIRECT_STATUSES,
  type RedirectHop,
  stripBodyHeaders,
  stripCredentials,
} from './redirect.js';
export { OAuth2Token, type OAuth2TokenFields } from './token.js';
export {
  absoluteUrl,
  addParamsToFragment,
  addParamsToUrl,
  getFragmentParams,
  getQueryParams,
  paramsToRecord,
  parseUrl,
} from './url.js';
export { bearerChallengeError, type Challenge, parseWWWAuthenticate } from './www-authenticate.js';
