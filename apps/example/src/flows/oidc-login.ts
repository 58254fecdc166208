/**
 * OpenID Connect sign-in with `OIDCClient`: discovery, the code flow with
 * PKCE and a nonce, the id_token validated (signature from the provider's
 * JWKS, iss, aud, exp, nonce, …) before the token is stored, then userinfo.
 * `OIDCClient` talks through a `Transport`: `fetchTransport()` or
 * `axiosTransport(axios.create())`.
 */
import assert from 'node:assert/strict';
import { axiosTransport } from '@x/axios-client';
import type { Transport } from '@x/core';
import { fetchTransport } from '@x/fetch-client';
import { discover, OIDCClient } from '@x/oidc';
import axios from 'axios';
import { DEMO_REDIRECT_URI, type OpenIDProvider } from '../servers/index.js';
import { authorizeAs } from '../user-agent.js';
import type { Flow } from './flow.js';

async function signInWithOpenIDConnect(provider: OpenIDProvider, transport: Transport) {
  const metadata = await discover(provider.issuer, { transport, allowInsecureTransport: true });
  const client = new OIDCClient({
    clientId: provider.clients.webApp.clientId,
    clientSecret: provider.clients.webApp.clientSecret,
    redirectUri: DEMO_REDIRECT_URI,
    scope: ['profile', 'email'], // openid is added
    metadata,
    transport,
    allowInsecureTransport: true,
  });
  const { url } = await client.createAuthorizationUrl(); // state, PKCE and nonce
  const callbackUrl = await authorizeAs(url, { callback: DEMO_REDIRECT_URI });
  await client.fetchToken({ authorizationResponse: callbackUrl }); // id_token validated
  const profile = await client.userinfo(); // its sub must be the id_token's

  assert.equal(client.claims?.sub, 'alice');
  assert.equal(profile.email, 'alice@example.com');
  return `id_token valid (sub ${client.claims?.sub}, nonce checked); userinfo: ${profile.name} <${profile.email}>`;
}

export const oidcLogin: Flow = {
  name: 'OpenID Connect login + userinfo',
  fetch: ({ oidc }) => signInWithOpenIDConnect(oidc, fetchTransport()),
  axios: ({ oidc }) => signInWithOpenIDConnect(oidc, axiosTransport(axios.create())),
};
