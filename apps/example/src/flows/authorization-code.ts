/**
 * OAuth 2.0 authorization code with PKCE (RFC 6749 4.1, RFC 7636) with
 * `OAuth2Session`, for a public client (a native app: no secret, PKCE
 * protects the code). `state` and the S256 verifier are generated and
 * checked for you.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import { authorizeAs } from '../user-agent.js';
import { type Flow, json } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.mobileApp.clientId, // a public client: no clientSecret
  redirectUri: DEMO_REDIRECT_URI,
  scope: ['openid', 'profile'],
  metadata: provider.metadata, // authorization and token endpoints
  allowInsecureTransport: true, // plain http to 127.0.0.1: the demo only
});

export const authorizationCode: Flow = {
  name: 'OAuth 2.0 authorization code + PKCE',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    // Send the user to the provider (state and code_challenge are in the URL)...
    const { url } = await session.createAuthorizationUrl();
    const callbackUrl = await authorizeAs(url, { callback: DEMO_REDIRECT_URI });
    // ...and on the callback: state checked, code exchanged with the code_verifier.
    const token = await session.fetchToken({ authorizationResponse: callbackUrl });

    const me = await json(await session.get(oidc.api)); // Authorization: Bearer …
    assert.equal(me.sub, 'alice');
    assert.ok(new URL(url).searchParams.get('code_challenge_method') === 'S256');
    return `code + S256 verifier exchanged (expires in ${token.expires_in} s); API sees ${me.sub}`;
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    const { url } = await session.createAuthorizationUrl();
    const callbackUrl = await authorizeAs(url, { callback: DEMO_REDIRECT_URI });
    const token = await session.fetchToken({ authorizationResponse: callbackUrl });

    const { data: me } = await session.axios.get(oidc.api);
    assert.equal(me.sub, 'alice');
    assert.ok(new URL(url).searchParams.get('code_challenge_method') === 'S256');
    return `code + S256 verifier exchanged (expires in ${token.expires_in} s); API sees ${me.sub}`;
  },
};
