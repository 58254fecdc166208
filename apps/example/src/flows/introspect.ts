/**
 * Introspection (RFC 7662) with `OAuth2Session`: ask the provider what it
 * knows about a token — whether it is active, whose it is, its scope.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import type { Flow } from './flow.js';
import { signIn } from './sign-in.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.webApp.clientId,
  clientSecret: provider.clients.webApp.clientSecret,
  redirectUri: DEMO_REDIRECT_URI,
  scope: ['openid', 'profile'],
  metadata: provider.metadata, // introspection_endpoint
  allowInsecureTransport: true,
});

export const introspect: Flow = {
  name: 'OAuth 2.0 introspect',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    await signIn(session.client);
    const info = await session.introspectToken(); // the access token
    const refresh = await session.introspectToken(undefined, undefined, {
      tokenTypeHint: 'refresh_token',
    });
    assert.equal(info.active, true);
    assert.equal(info.sub, 'alice');
    assert.equal(refresh.active, true);
    return `active, sub ${info.sub}, scope "${info.scope}"; refresh token active`;
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    await signIn(session.client);
    const info = await session.introspectToken();
    const refresh = await session.introspectToken(undefined, undefined, {
      tokenTypeHint: 'refresh_token',
    });
    assert.equal(info.active, true);
    assert.equal(info.sub, 'alice');
    assert.equal(refresh.active, true);
    return `active, sub ${info.sub}, scope "${info.scope}"; refresh token active`;
  },
};
