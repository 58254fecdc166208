/**
 * OAuth 1.0a, the three-legged flow (RFC 5849 section 2) with
 * `OAuth1Session`: temporary credentials, the user's approval at the
 * provider, token credentials, then signed requests.
 */
import assert from 'node:assert/strict';
import { OAuth1Session as AxiosOAuth1Session } from '@x/axios-client/oauth1';
import { OAuth1Session } from '@x/fetch-client/oauth1';
import type { OAuth1Provider } from '../servers/index.js';
import { authorizeAs } from '../user-agent.js';
import { type Flow, json } from './flow.js';

/** Your app's callback URL (the scripted user stops there). */
const CALLBACK = 'http://127.0.0.1/oauth1/callback';

const options = (provider: OAuth1Provider) => ({
  clientId: provider.consumer.key,
  clientSecret: provider.consumer.secret,
  redirectUri: CALLBACK, // sent as oauth_callback
  allowInsecureTransport: true, // plain http to 127.0.0.1: the demo only
});

export const oauth1ThreeLegged: Flow = {
  name: 'OAuth 1.0a three-legged flow',

  async fetch({ oauth1 }) {
    await using session = new OAuth1Session(options(oauth1));
    // 1. Temporary credentials; 2. the user approves at the provider.
    await session.fetchRequestToken(oauth1.endpoints.requestToken);
    const url = session.createAuthorizationUrl(oauth1.endpoints.authorize);
    const callbackUrl = await authorizeAs(url, { callback: CALLBACK });
    // 3. The callback: check it, exchange the verifier for token credentials.
    session.parseAuthorizationResponse(callbackUrl);
    const token = await session.fetchAccessToken(oauth1.endpoints.accessToken);

    // Every request of the session is signed; a form body is signed too.
    const me = await json(await session.get(oauth1.api));
    const body = new URLSearchParams({ status: 'Hello from OAuth 1.0a' });
    const echo = await json(await session.post(oauth1.api, { body }));
    assert.equal(me.screen_name, 'alice');
    assert.deepEqual(echo.received, { status: 'Hello from OAuth 1.0a' });
    return `token credentials for ${token.screen_name}; signed GET and form POST accepted`;
  },

  async axios({ oauth1 }) {
    await using session = new AxiosOAuth1Session(options(oauth1));
    await session.fetchRequestToken(oauth1.endpoints.requestToken);
    const url = session.createAuthorizationUrl(oauth1.endpoints.authorize);
    const callbackUrl = await authorizeAs(url, { callback: CALLBACK });
    session.parseAuthorizationResponse(callbackUrl);
    const token = await session.fetchAccessToken(oauth1.endpoints.accessToken);

    const { data: me } = await session.axios.get(oauth1.api);
    const body = new URLSearchParams({ status: 'Hello from OAuth 1.0a' });
    const { data: echo } = await session.axios.post(oauth1.api, body);
    assert.equal(me.screen_name, 'alice');
    assert.deepEqual(echo.received, { status: 'Hello from OAuth 1.0a' });
    return `token credentials for ${token.screen_name}; signed GET and form POST accepted`;
  },
};
