/**
 * 100-way concurrent refresh (issue 3): 100 callers start at once with an
 * expired access token, against a loopback token endpoint that counts the
 * requests it gets. Reported as the count of token requests, not ops/s.
 *
 * - @x/oauth2: `ensureActiveToken()` directly, and 100 GETs through each
 *   OAuth2Session (fetch, axios). Single-flight: expect 1.
 * - simple-oauth2: each caller does what its README shows,
 *   `if (accessToken.expired()) accessToken = await accessToken.refresh()`.
 *   Nothing shares a refresh in flight: expect 100.
 * - google-auth-library: `OAuth2Client.getAccessToken()` with its token
 *   endpoint pointed at the loopback server (`endpoints.oauth2TokenUrl`);
 *   it shares a refresh in flight per client and refresh token.
 *
 * Each caller must end up with a fresh access token, or the run fails.
 */
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { fetchTransport } from '@x/fetch-client';
import { OAuth2Session as FetchOAuth2Session } from '@x/fetch-client/oauth2';
import { OAuth2Client } from '@x/oauth2';
import { OAuth2Client as GoogleOAuth2Client } from 'google-auth-library';
import { type AccessToken, AuthorizationCode } from 'simple-oauth2';
import { CLIENT_ID, CLIENT_SECRET, expiredToken, REFRESH_TOKEN } from '../fixtures/oauth2-token.js';
import type { TokenServer } from '../fixtures/token-server.js';
import type { CountGroup } from '../harness.js';
import type { LoopbackServer } from '../loopback-server.js';

const CALLERS = 100;

/** Starts `CALLERS` callers at once; checks each got a fresh token; returns the token requests made. */
async function concurrently(
  tokenServer: TokenServer,
  caller: () => Promise<string | null | undefined>,
): Promise<number> {
  tokenServer.reset();
  const tokens = await Promise.all(Array.from({ length: CALLERS }, caller));
  const stale = tokens.filter((token) => !token?.startsWith('access-'));
  if (stale.length > 0) throw new Error(`${stale.length} callers did not get a fresh token`);
  return tokenServer.count;
}

export function oauth2RefreshGroups(
  server: LoopbackServer,
  tokenServer: TokenServer,
): CountGroup[] {
  const ourOptions = () => ({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    token: expiredToken(),
    tokenEndpoint: tokenServer.url,
    allowInsecureTransport: true,
  });

  return [
    {
      kind: 'counts',
      title: `OAuth 2 refresh: ${CALLERS} concurrent callers, expired token`,
      unit: 'token requests',
      note:
        '@x/oauth2 and google-auth-library share the refresh in flight (1 request); ' +
        'simple-oauth2 leaves that to the caller (1 request per caller)',
      tasks: [
        {
          name: '@x/oauth2 OAuth2Client.ensureActiveToken()',
          run: () => {
            const client = new OAuth2Client({ ...ourOptions(), transport: fetchTransport() });
            return concurrently(
              tokenServer,
              async () => (await client.ensureActiveToken()).access_token,
            );
          },
        },
        {
          name: '@x/fetch-client/oauth2 OAuth2Session.get()',
          run: async () => {
            await using session = new FetchOAuth2Session(ourOptions());
            // Awaited here: the session closes when this function returns.
            return await concurrently(tokenServer, async () => {
              await (await session.get(server.url)).text();
              return session.token?.access_token;
            });
          },
        },
        {
          name: '@x/axios-client/oauth2 OAuth2Session.axios.get()',
          run: async () => {
            await using session = new AxiosOAuth2Session(ourOptions());
            return await concurrently(tokenServer, async () => {
              await session.axios.get(server.url);
              return session.token?.access_token;
            });
          },
        },
        {
          name: 'simple-oauth2 expired() → refresh() per caller',
          run: () => {
            const { origin, pathname } = new URL(tokenServer.url);
            const client = new AuthorizationCode({
              client: { id: CLIENT_ID, secret: CLIENT_SECRET },
              auth: { tokenHost: origin, tokenPath: pathname },
            });
            let accessToken: AccessToken = client.createToken(expiredToken());
            return concurrently(tokenServer, async () => {
              if (accessToken.expired()) accessToken = await accessToken.refresh();
              return accessToken.token.access_token as string;
            });
          },
        },
        {
          name: 'google-auth-library OAuth2Client.getAccessToken()',
          run: () => {
            const client = new GoogleOAuth2Client({
              clientId: CLIENT_ID,
              clientSecret: CLIENT_SECRET,
              endpoints: { oauth2TokenUrl: tokenServer.url },
            });
            client.setCredentials({
              access_token: 'expired-access-token',
              refresh_token: REFRESH_TOKEN,
              token_type: 'Bearer',
              expiry_date: Date.now() - 60_000,
            });
            return concurrently(tokenServer, async () => (await client.getAccessToken()).token);
          },
        },
      ],
    },
  ];
}
