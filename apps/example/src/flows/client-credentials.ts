/**
 * OAuth 2.0 client credentials (RFC 6749 4.4) with `OAuth2Session`: a
 * service calls an API as itself, authenticating with `client_secret_post`.
 * When the token expires the session runs the grant again on its own.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import type { OpenIDProvider } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.reportingService.clientId,
  clientSecret: provider.clients.reportingService.clientSecret,
  tokenEndpointAuthMethod: 'client_secret_post', // client_secret_basic is the default
  tokenEndpoint: provider.metadata.token_endpoint,
  scope: 'api:read',
  allowInsecureTransport: true,
});

export const clientCredentials: Flow = {
  name: 'OAuth 2.0 client credentials',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    const me = await json(await session.get(oidc.api));
    assert.equal(me.client_id, 'reporting-service');
    return `client_secret_post; scope "${token.scope}" for ${me.client_id}`;
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    const token = await session.fetchToken({ grantType: 'client_credentials' });
    const { data: me } = await session.axios.get(oidc.api);
    assert.equal(me.client_id, 'reporting-service');
    return `client_secret_post; scope "${token.scope}" for ${me.client_id}`;
  },
};
