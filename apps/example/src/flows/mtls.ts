/**
 * Mutual TLS (RFC 8705) with `OAuth2Session`: the client authenticates at
 * the token endpoint with its TLS certificate instead of a secret —
 * `tls_client_auth` (a certificate from a CA the provider trusts) or
 * `self_signed_tls_client_auth` (a self-signed one registered with it) —
 * and its token is bound to that certificate (`cnf.x5t#S256`): the API
 * accepts it only on a connection that presents the same certificate.
 * The certificate goes on the HTTP stack, for the origins you list and no
 * others: `nodeFetchOptions` (an undici dispatcher) or `nodeAxiosOptions`
 * (an `https.Agent`), from the adapters' `/node` subpath.
 */
import assert from 'node:assert/strict';
import { nodeAxiosOptions } from '@x/axios-client/node';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { nodeFetchOptions } from '@x/fetch-client/node';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { certificateThumbprint } from '@x/oauth2';
import axios from 'axios';
import type { DemoServers, MtlsClient } from '../servers/index.js';
import { type Flow, json } from './flow.js';

const options = ({ oidc }: DemoServers, client: MtlsClient) => ({
  clientId: client.clientId,
  tokenEndpointAuthMethod: client.tokenEndpointAuthMethod, // client_id is sent, no secret
  metadata: oidc.metadata, // its mtls_endpoint_aliases: the https listener asking for certificates
  scope: 'api:read',
});

const tls = ({ mtls }: DemoServers, client: MtlsClient) => ({
  origins: [mtls.origin], // the token endpoint's mTLS alias and the API; nowhere else
  certificate: client.certificate, // { cert, key } (PEM), or { pfx, passphrase }
  ca: mtls.ca, // the CA that signed the server's certificate, trusted for these origins only
});

const showed = (client: MtlsClient) =>
  `${client.tokenEndpointAuthMethod === 'tls_client_auth' ? 'CA-issued' : 'self-signed'} ` +
  'certificate, no secret; bound token (cnf.x5t#S256) accepted with it, 401 without';

async function withFetch(servers: DemoServers, client: MtlsClient): Promise<string> {
  await using session = new OAuth2Session({
    ...options(servers, client),
    ...nodeFetchOptions(tls(servers, client)), // { fetch, dispatcher }
    ownsDispatcher: true, // closed with the session
  });
  const token = await session.fetchToken({ grantType: 'client_credentials' });
  const { cnf } = await session.introspectToken(); // the introspection alias, same certificate
  const me = await json(await session.get(servers.mtls.api)); // bound token + its certificate

  // The same token on a connection without the certificate is refused.
  const headers = { authorization: `Bearer ${token.access_token}` };
  const stolen = await fetch(servers.oidc.api, { headers });
  assert.equal(stolen.status, 401);
  assert.deepEqual(cnf, { 'x5t#S256': await certificateThumbprint(client.certificate.cert) });
  assert.equal(me.client_id, client.clientId);
  return showed(client);
}

async function withAxios(servers: DemoServers, client: MtlsClient): Promise<string> {
  await using session = new AxiosOAuth2Session({
    ...options(servers, client),
    axios: nodeAxiosOptions(tls(servers, client)), // { httpsAgent }
    ownsAgents: true, // destroyed with the session
  });
  const token = await session.fetchToken({ grantType: 'client_credentials' });
  const { cnf } = await session.introspectToken();
  const { data: me } = await session.axios.get(servers.mtls.api);

  const headers = { authorization: `Bearer ${token.access_token}` };
  const stolen = await axios.get(servers.oidc.api, { headers, validateStatus: null });
  assert.equal(stolen.status, 401);
  assert.deepEqual(cnf, { 'x5t#S256': await certificateThumbprint(client.certificate.cert) });
  assert.equal(me.client_id, client.clientId);
  return showed(client);
}

export const mtlsCaIssued: Flow = {
  name: 'mTLS tls_client_auth',
  fetch: (servers) => withFetch(servers, servers.mtls.clients.caIssued),
  axios: (servers) => withAxios(servers, servers.mtls.clients.caIssued),
};

export const mtlsSelfSigned: Flow = {
  name: 'mTLS self_signed_tls_client_auth',
  fetch: (servers) => withFetch(servers, servers.mtls.clients.selfSigned),
  axios: (servers) => withAxios(servers, servers.mtls.clients.selfSigned),
};
