/**
 * Compliance hooks: a provider that bends RFC 6749 made to work without
 * forking. This legacy endpoint wraps its token in an envelope,
 * `{"status":"ok","data":{…}}`, and says `expires` for `expires_in`: a hook
 * of our own unwraps it, a ready-made fix renames the field.
 */
import assert from 'node:assert/strict';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import type { HttpResponse } from '@x/core';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { compliance } from '@x/oauth2';
import type { FirstPartyServer } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = (server: FirstPartyServer) => ({
  clientId: server.client.clientId,
  clientSecret: server.client.clientSecret,
  tokenEndpoint: server.legacyTokenEndpoint,
  allowInsecureTransport: true,
});

/** `{"status":"ok","data":{token}}` → `{token}`; `{"status":"error",…}` → the RFC 6749 error. */
function unwrapEnvelope(response: HttpResponse): HttpResponse {
  const { status, data, ...error } = JSON.parse(response.body) as Record<string, unknown>;
  return { ...response, body: JSON.stringify(status === 'ok' ? data : error) };
}

export const complianceHook: Flow = {
  name: 'OAuth 2.0 compliance hook',

  async fetch({ firstParty }) {
    await using session = new OAuth2Session(options(firstParty));
    session.registerComplianceHook('accessTokenResponse', unwrapEnvelope);
    compliance.expiresField(session); // `expires` → `expires_in` (runs after the hook above)

    const token = await session.fetchToken({ username: 'alice', password: 'wonderland' });
    const me = await json(await session.get(firstParty.api));
    assert.equal(token.expires_in, 3600);
    assert.equal(me.user, 'alice');
    return `envelope unwrapped, expires → expires_in (${token.expires_in} s); API sees ${me.user}`;
  },

  async axios({ firstParty }) {
    await using session = new AxiosOAuth2Session(options(firstParty));
    session.registerComplianceHook('accessTokenResponse', unwrapEnvelope);
    compliance.expiresField(session);

    const token = await session.fetchToken({ username: 'alice', password: 'wonderland' });
    const { data: me } = await session.axios.get(firstParty.api);
    assert.equal(token.expires_in, 3600);
    assert.equal(me.user, 'alice');
    return `envelope unwrapped, expires → expires_in (${token.expires_in} s); API sees ${me.user}`;
  },
};
