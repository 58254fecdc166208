/**
 * The password grant (RFC 6749 4.3) with `OAuth2Session`, against a
 * first-party server's own token endpoint. RFC 9700 deprecates it: use it
 * only where nothing else is offered, with your own server.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import type { FirstPartyServer } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = (server: FirstPartyServer) => ({
  clientId: server.client.clientId,
  clientSecret: server.client.clientSecret,
  tokenEndpoint: server.tokenEndpoint,
  allowInsecureTransport: true,
});

export const password: Flow = {
  name: 'OAuth 2.0 password, first-party',

  async fetch({ firstParty }) {
    await using session = new OAuth2Session(options(firstParty));
    await session.fetchToken({ username: 'alice', password: 'wonderland' });
    const me = await json(await session.get(firstParty.api));
    assert.equal(me.user, 'alice');
    return `token for ${me.user} from the server's own token endpoint`;
  },

  async axios({ firstParty }) {
    await using session = new AxiosOAuth2Session(options(firstParty));
    await session.fetchToken({ username: 'alice', password: 'wonderland' });
    const { data: me } = await session.axios.get(firstParty.api);
    assert.equal(me.user, 'alice');
    return `token for ${me.user} from the server's own token endpoint`;
  },
};
