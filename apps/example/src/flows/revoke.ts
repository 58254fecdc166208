/**
 * Revocation (RFC 7009) with `OAuth2Session`: revoke the access token,
 * then — signing out for good — the refresh token, after which the
 * provider refuses to refresh.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2ResponseError } from '@x/core';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import type { Flow } from './flow.js';
import { signIn } from './sign-in.js';

const options = (provider: OpenIDProvider) => ({
  clientId: provider.clients.webApp.clientId,
  clientSecret: provider.clients.webApp.clientSecret,
  redirectUri: DEMO_REDIRECT_URI,
  scope: ['openid'],
  metadata: provider.metadata, // revocation_endpoint, introspection_endpoint
  allowInsecureTransport: true,
});

/** The same steps for either adapter's session. */
async function revokeTokens(session: OAuth2Session | AxiosOAuth2Session): Promise<string> {
  await signIn(session.client);
  await session.revokeToken(); // the access token
  const { active } = await session.introspectToken();
  assert.equal(active, false);

  await session.revokeToken(undefined, undefined, { tokenTypeHint: 'refresh_token' });
  const refused = await session.refreshToken().catch((error: unknown) => error);
  assert.ok(OAuth2ResponseError.isInstance(refused), 'refresh must fail after revocation');
  assert.equal(refused.error, 'invalid_grant');
  return 'access token revoked (introspection: inactive); refresh token revoked (invalid_grant)';
}

export const revoke: Flow = {
  name: 'OAuth 2.0 revoke',

  async fetch({ oidc }) {
    await using session = new OAuth2Session(options(oidc));
    return await revokeTokens(session); // await: the session stays open until it is done
  },

  async axios({ oidc }) {
    await using session = new AxiosOAuth2Session(options(oidc));
    return await revokeTokens(session); // await: the session stays open until it is done
  },
};
