/**
 * OpenID Connect sign-in with `OIDCSession` (`OAuth2Session` for OpenID
 * Connect): discovery, the code flow with PKCE and a nonce, the id_token
 * validated (signature from the provider's JWKS, iss, aud, exp, nonce, …)
 * before the token is stored, userinfo, then the API with the access
 * token. Discovery, token, key-set and userinfo requests all go through the
 * session's fetch or axios.
 */
import assert from 'node:assert/strict';
import { OIDCSession as AxiosOIDCSession } from '@x/axios-client/oidc';
import { OIDCSession } from '@x/fetch-client/oidc';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import { authorizeAs } from '../user-agent.js';
import { type Flow, json } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.webApp.clientId,
  clientSecret: provider.clients.webApp.clientSecret,
  redirectUri: DEMO_REDIRECT_URI,
  scope: ['profile', 'email'], // openid is added
  allowInsecureTransport: true,
});

export const oidcLogin: Flow = {
  name: 'OpenID Connect login + userinfo',

  async fetch({ oidc }) {
    await using session = await OIDCSession.discover(oidc.issuer, options(oidc));
    const { url } = await session.createAuthorizationUrl(); // state, PKCE and nonce
    const callbackUrl = await authorizeAs(url, { callback: DEMO_REDIRECT_URI });
    await session.fetchToken({ authorizationResponse: callbackUrl }); // id_token validated
    const profile = await session.userinfo(); // its sub must be the id_token's
    const me = await json(await session.get(oidc.api)); // Authorization: Bearer …

    assert.equal(session.claims?.sub, 'alice');
    assert.equal(profile.email, 'alice@example.com');
    assert.equal(me.sub, 'alice');
    return `id_token valid (sub ${session.claims?.sub}, nonce checked); userinfo: ${profile.name} <${profile.email}>`;
  },

  async axios({ oidc }) {
    await using session = await AxiosOIDCSession.discover(oidc.issuer, options(oidc));
    const { url } = await session.createAuthorizationUrl();
    const callbackUrl = await authorizeAs(url, { callback: DEMO_REDIRECT_URI });
    await session.fetchToken({ authorizationResponse: callbackUrl });
    const profile = await session.userinfo();
    const { data: me } = await session.axios.get(oidc.api);

    assert.equal(session.claims?.sub, 'alice');
    assert.equal(profile.email, 'alice@example.com');
    assert.equal(me.sub, 'alice');
    return `id_token valid (sub ${session.claims?.sub}, nonce checked); userinfo: ${profile.name} <${profile.email}>`;
  },
};
