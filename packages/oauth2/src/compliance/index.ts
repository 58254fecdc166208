/**
 * Ready-made compliance fixes for providers that do not follow the RFCs.
 * Each takes the client (or an `OAuth2Session`) and registers the hooks it
 * needs; combine them as a provider requires.
 *
 * @example
 * import { compliance } from '@x/oauth2'
 * compliance.formEncodedTokenResponse(client)
 * compliance.expiresField(client)
 */
export { type BearerTokenTypeOptions, bearerTokenType } from './bearer-token-type.js';
export { camelCaseTokenResponse } from './camel-case-token-response.js';
export { commaSeparatedScope } from './comma-separated-scope.js';
export { expiresField } from './expires-field.js';
export { formEncodedTokenResponse } from './form-encoded-token-response.js';
export { missingTokenType } from './missing-token-type.js';
export { type SlackTokenResponseOptions, slackTokenResponse } from './slack-token-response.js';
export { type TokenAsParameterOptions, tokenAsParameter } from './token-as-parameter.js';
