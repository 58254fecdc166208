/**
 * `AssertionSession`: service-account tokens with the JWT-bearer grant
 * (RFC 7523 2.1). No user, no refresh token: the session signs a fresh
 * assertion whenever it needs a token, before the first request and again
 * before the token expires.
 */
import assert from 'node:assert/strict';
import { AssertionSession as AxiosAssertionSession } from '@x/axios-client/assertion';
import { AssertionSession } from '@x/fetch-client/assertion';
import type { OpenIDProvider } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = (provider: OpenIDProvider) => ({
  tokenEndpoint: provider.metadata.token_endpoint ?? '',
  issuer: provider.serviceAccount.issuer, // the service account
  subject: 'alice', // the user it acts for
  key: provider.serviceAccount.privateKeyPem,
  alg: 'ES256' as const,
  scope: 'api:read',
  clientId: provider.clients.serviceAccount.clientId, // this provider wants client_id too
  allowInsecureTransport: true,
});

export const assertionSession: Flow = {
  name: 'AssertionSession, JWT-bearer grant',

  async fetch({ oidc }) {
    await using session = new AssertionSession(options(oidc));
    const me = await json(await session.get(oidc.api)); // token fetched first
    const again = await json(await session.get(oidc.api)); // and reused
    assert.equal(me.sub, 'alice');
    assert.equal(again.sub, 'alice');
    return `ES256 assertion exchanged; API sees ${me.sub} via ${me.client_id}`;
  },

  async axios({ oidc }) {
    await using session = new AxiosAssertionSession(options(oidc));
    const { data: me } = await session.axios.get(oidc.api);
    const { data: again } = await session.axios.get(oidc.api);
    assert.equal(me.sub, 'alice');
    assert.equal(again.sub, 'alice');
    return `ES256 assertion exchanged; API sees ${me.sub} via ${me.client_id}`;
  },
};
