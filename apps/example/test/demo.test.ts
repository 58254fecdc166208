import { nodeAxiosOptions } from '@x/axios-client/node';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { nodeFetchOptions } from '@x/fetch-client/node';
import { OAuth2Session } from '@x/fetch-client/oauth2';
import { describe, expect, it } from 'vitest';
import { describeError, runDemo } from '../src/demo.js';
import { ADAPTERS, FLOWS, type Flow } from '../src/flows/index.js';
import { resultTable } from '../src/report.js';
import type { DemoServers, MtlsClient } from '../src/servers/index.js';

// `pnpm demo`, as a test: the same runner, every flow with both adapters
// against the same local servers.

/** Every flow the demo must show, in its order. */
const EXPECTED_FLOWS = [
  'OAuth 1.0a three-legged flow',
  'OAuth1Auth, stored credentials',
  'OAuth 2.0 authorization code + PKCE',
  'OAuth 2.0 client credentials',
  'OAuth 2.0 refresh',
  'OAuth 2.0 revoke',
  'OAuth 2.0 introspect',
  'OAuth 2.0 password, first-party',
  'OAuth 2.0 compliance hook',
  'ClientSecretJWT',
  'PrivateKeyJWT',
  'AssertionSession, JWT-bearer grant',
  'OpenID Connect login + userinfo',
  'mTLS tls_client_auth',
  'mTLS self_signed_tls_client_auth',
];

describe('the terminal demo', () => {
  it('runs every flow with fetch and with axios, and every one passes', async () => {
    const results = await runDemo();
    expect(results.map((r) => `${r.flow} (${r.adapter})`)).toEqual(
      EXPECTED_FLOWS.flatMap((flow) => ADAPTERS.map((adapter) => `${flow} (${adapter})`)),
    );
    expect(FLOWS.map((flow) => flow.name)).toEqual(EXPECTED_FLOWS);
    for (const result of results) {
      expect(result.ok, `${result.flow} (${result.adapter}): ${result.detail}`).toBe(true);
    }
    expect(resultTable(results)).toMatch(
      new RegExp(`\\n${results.length} of ${results.length} passed$`),
    );
  }, 60_000);

  it('reports a failing flow as a failed row with its error code, and keeps going', async () => {
    const failing: Flow = {
      name: 'refused client',
      async fetch({ oidc }) {
        const response = await fetch(oidc.metadata.token_endpoint ?? '', {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody' }),
        });
        throw new Error(`HTTP ${response.status}`);
      },
      axios: async () => 'fine',
    };
    const results = await runDemo({ flows: [failing] });
    expect(results).toMatchObject([
      { flow: 'refused client', adapter: 'fetch', ok: false, detail: 'HTTP 401' },
      { flow: 'refused client', adapter: 'axios', ok: true, detail: 'fine' },
    ]);
    expect(resultTable(results)).toContain('1 of 2 FAILED');
  });
});

describe('the mutual TLS listener', () => {
  /** Client credentials at the mTLS token endpoint with `certificate` (or none); the error, as the demo prints it. */
  const refusal = (pick: (servers: DemoServers) => MtlsClient['certificate'] | undefined): Flow => {
    const tls = (servers: DemoServers) => {
      const certificate = pick(servers);
      return {
        origins: [servers.mtls.origin],
        ca: servers.mtls.ca,
        ...(certificate === undefined ? {} : { certificate }),
      };
    };
    const options = ({ oidc, mtls }: DemoServers) => ({
      clientId: mtls.clients.caIssued.clientId,
      tokenEndpointAuthMethod: 'tls_client_auth',
      metadata: oidc.metadata,
    });
    return {
      name: 'refused',
      async fetch(servers) {
        await using session = new OAuth2Session({
          ...options(servers),
          ...nodeFetchOptions(tls(servers)),
          ownsDispatcher: true,
        });
        const error = await session.fetchToken({ grantType: 'client_credentials' }).then(
          () => new Error('a token was issued'),
          (refused: unknown) => refused,
        );
        return describeError(error);
      },
      async axios(servers) {
        await using session = new AxiosOAuth2Session({
          ...options(servers),
          axios: nodeAxiosOptions(tls(servers)),
          ownsAgents: true,
        });
        const error = await session.fetchToken({ grantType: 'client_credentials' }).then(
          () => new Error('a token was issued'),
          (refused: unknown) => refused,
        );
        return describeError(error);
      },
    };
  };

  it('refuses a TLS connection without a client certificate', async () => {
    const results = await runDemo({ flows: [refusal(() => undefined)] });
    for (const result of results) {
      expect(result.detail).toMatch(/^ERR_NETWORK: .*requires a TLS client certificate/);
    }
  });

  it('refuses a tls_client_auth client presenting a certificate of another subject', async () => {
    const results = await runDemo({
      flows: [refusal((servers) => servers.mtls.clients.selfSigned.certificate)],
    });
    for (const result of results) {
      expect(result.detail).toMatch(/^ERR_OAUTH_RESPONSE: invalid_client/);
    }
  });
});
