/**
 * `@x/assertion`: `AssertionClient`, JWT-bearer "service account" clients
 * that sign a fresh assertion for each token and fetch a new token before
 * the old one expires (RFC 7523 2.1), and `fromServiceAccountKey`.
 * Sessions come from `@x/fetch-client/assertion` and `@x/axios-client/assertion`.
 */
export { JWT_BEARER_GRANT_TYPE, type SigningAlgorithm, type SigningKey } from '@x/rfc7523';
export { AssertionClient, type AssertionClientOptions } from './assertion-client.js';
export {
  fromServiceAccountKey,
  type ServiceAccountKey,
  type ServiceAccountOptions,
  serviceAccountOptions,
} from './service-account.js';
