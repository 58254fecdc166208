/**
 * `OAuth1Auth`: token credentials you already have (stored after the
 * three-legged flow, or issued by the provider's developer portal) sign
 * every request of a fetch or an axios instance.
 */
import assert from 'node:assert/strict';
import { attachAuthenticator } from '@x/axios-client';
import { createAuthFetch } from '@x/fetch-client';
import { OAuth1Auth } from '@x/oauth1';
import axios from 'axios';
import type { OAuth1Provider } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const auth = (provider: OAuth1Provider) =>
  new OAuth1Auth({
    clientId: provider.consumer.key,
    clientSecret: provider.consumer.secret,
    token: provider.aliceToken.token,
    tokenSecret: provider.aliceToken.tokenSecret,
    signatureMethod: 'HMAC-SHA256', // HMAC-SHA1 is the default
    allowInsecureTransport: true,
  });

export const oauth1Auth: Flow = {
  name: 'OAuth1Auth, stored credentials',

  async fetch({ oauth1 }) {
    const authFetch = createAuthFetch(auth(oauth1));
    const me = await json(await authFetch(oauth1.api));
    assert.equal(me.screen_name, 'alice');
    return `HMAC-SHA256 signed GET: ${me.name}`;
  },

  async axios({ oauth1 }) {
    const api = axios.create();
    const detach = attachAuthenticator(api, auth(oauth1));
    const { data: me } = await api.get(oauth1.api);
    detach();
    assert.equal(me.screen_name, 'alice');
    return `HMAC-SHA256 signed GET: ${me.name}`;
  },
};
