/**
 * `private_key_jwt` (RFC 7523 2.2, OpenID Connect Core 9): the client signs
 * an assertion with its private key; the provider holds only the public
 * key. As in Authlib, the private key (PEM) is the client's `clientSecret`.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { PrivateKeyJWT } from '@x/rfc7523';
import type { OpenIDProvider } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.keyJwt.clientId,
  clientSecret: provider.clients.keyJwt.clientSecret, // the private key PEM: signs, never sent
  tokenEndpointAuthMethod: new PrivateKeyJWT({ alg: 'RS256', kid: 'key-jwt-client-1' }),
  metadata: provider.metadata,
  scope: 'api:read',
  allowInsecureTransport: true,
});

export const privateKeyJwt: Flow = {
  name: 'PrivateKeyJWT',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    await session.fetchToken({ grantType: 'client_credentials' });
    const me = await json(await session.get(oidc.api));
    assert.equal(me.client_id, 'key-jwt-client');
    return `RS256 client assertion accepted; API sees ${me.client_id}`;
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    await session.fetchToken({ grantType: 'client_credentials' });
    const { data: me } = await session.axios.get(oidc.api);
    assert.equal(me.client_id, 'key-jwt-client');
    return `RS256 client assertion accepted; API sees ${me.client_id}`;
  },
};
