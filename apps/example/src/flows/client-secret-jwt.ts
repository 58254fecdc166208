/**
 * `client_secret_jwt` (RFC 7523 2.2, OpenID Connect Core 9): the client
 * proves it knows its secret with an HS256-signed assertion instead of
 * sending it. `ClientSecretJWT` plugs into any `OAuth2Session`.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { ClientSecretJWT } from '@x/rfc7523';
import type { OpenIDProvider } from '../servers/index.js';
import type { Flow } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.secretJwt.clientId,
  clientSecret: provider.clients.secretJwt.clientSecret, // signs; never sent
  tokenEndpointAuthMethod: new ClientSecretJWT({ alg: 'HS256' }),
  metadata: provider.metadata,
  scope: 'api:read',
  allowInsecureTransport: true,
});

export const clientSecretJwt: Flow = {
  name: 'ClientSecretJWT',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    // Introspection authenticates the same way: a fresh assertion.
    const info = await session.introspectToken(undefined, token);
    assert.equal(info.client_id, 'secret-jwt-client');
    return `HS256 client assertion accepted at the token and introspection endpoints`;
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    const info = await session.introspectToken(undefined, token);
    assert.equal(info.client_id, 'secret-jwt-client');
    return `HS256 client assertion accepted at the token and introspection endpoints`;
  },
};
