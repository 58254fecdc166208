/**
 * Refresh (RFC 6749 6) with `OAuth2Session`: a session built from a
 * stored token that has expired refreshes it before the first request
 * (single-flight), hands the new token to `updateToken` to be stored, and
 * `refreshToken()` forces one. The provider rotates the refresh token.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import type { OAuth2Token, OAuth2TokenFields } from '@x/core';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import { type Flow, json } from './flow.js';
import { signIn } from './sign-in.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.webApp.clientId,
  clientSecret: provider.clients.webApp.clientSecret, // client_secret_basic
  redirectUri: DEMO_REDIRECT_URI,
  scope: ['openid', 'profile'],
  metadata: provider.metadata,
  allowInsecureTransport: true,
});

/** alice's token as the app stored it yesterday (`JSON.stringify(token)`), expired since. */
const expired = (token: OAuth2Token): OAuth2TokenFields => ({
  ...token.toJSON(),
  expires_at: Math.floor(Date.now() / 1000) - 60,
});

export const refresh: Flow = {
  name: 'OAuth 2.0 refresh',

  async fetch({ oidc }) {
    let stored: OAuth2TokenFields;
    {
      await using login = new OAuth2Session(options(oidc));
      stored = expired(await signIn(login.client));
    }
    const saved: OAuth2Token[] = [];
    await using session = new OAuth2Session({
      ...options(oidc),
      token: stored,
      updateToken: (token) => {
        saved.push(token); // store token.toJSON() in your database
      },
    });
    const me = await json(await session.get(oidc.api)); // refreshed first
    assert.equal(me.sub, 'alice');
    assert.equal(saved.length, 1);
    assert.notEqual(saved[0]?.refresh_token, stored.refresh_token); // rotated

    await session.refreshToken(); // or whenever you like (updateToken is called again)
    assert.equal(saved.length, 2);
    return 'expired token refreshed before the request (rotated, updateToken called); forced refresh';
  },

  async axios({ oidc }) {
    let stored: OAuth2TokenFields;
    {
      await using login = new AxiosOAuth2Session(options(oidc));
      stored = expired(await signIn(login.client));
    }
    const saved: OAuth2Token[] = [];
    await using session = new AxiosOAuth2Session({
      ...options(oidc),
      token: stored,
      updateToken: (token) => {
        saved.push(token);
      },
    });
    const { data: me } = await session.axios.get(oidc.api);
    assert.equal(me.sub, 'alice');
    assert.equal(saved.length, 1);
    assert.notEqual(saved[0]?.refresh_token, stored.refresh_token);

    await session.refreshToken();
    assert.equal(saved.length, 2);
    return 'expired token refreshed before the request (rotated, updateToken called); forced refresh';
  },
};
