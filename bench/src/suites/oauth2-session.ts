/**
 * Authorized requests/s through OAuth2Session (issue 3), fetch and axios,
 * against the bare HTTP stacks on the loopback server. The token is valid
 * for the whole run, so the ratio is the steady-state cost of the session:
 * the client's expiry check, placing the token, the adapter's request
 * translation. The baselines set the same Authorization header by hand.
 * Target: ≤ 5 % overhead, i.e. a ratio ≥ 0.95.
 */
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { createAuthFetch, fetchTransport } from '@x/fetch-client';
import { OAuth2Session as FetchOAuth2Session } from '@x/fetch-client/oauth2';
import { OAuth2Client } from '@x/oauth2';
import axios from 'axios';
import { CLIENT_ID, validToken } from '../fixtures/oauth2-token.js';
import type { Group } from '../harness.js';
import { LOOPBACK_RUN, type LoopbackServer } from '../loopback-server.js';

const ACCESS_TOKEN = 'bench-oauth2-access-token';
const headers = { authorization: `Bearer ${ACCESS_TOKEN}` };

const sessionOptions = () => ({
  clientId: CLIENT_ID,
  token: validToken(ACCESS_TOKEN),
  allowInsecureTransport: true,
});

export function oauth2SessionGroups(server: LoopbackServer): Group[] {
  // Created in setup, closed in teardown, so an unselected group opens nothing.
  let fetchSession: FetchOAuth2Session | undefined;
  let axiosSession: AxiosOAuth2Session | undefined;
  const authFetch = createAuthFetch(
    new OAuth2Client({ ...sessionOptions(), transport: fetchTransport() }),
  );
  const bare = axios.create();

  return [
    {
      title: 'OAuth2Session: authorized GET over loopback — fetch',
      baseline: {
        name: 'raw fetch (header set by hand)',
        fn: async () => (await fetch(server.url, { headers })).text(),
      },
      candidates: [
        {
          name: 'OAuth2Session.get (@x/fetch-client/oauth2)',
          fn: async () => (await (fetchSession as FetchOAuth2Session).get(server.url)).text(),
        },
        {
          name: 'createAuthFetch(OAuth2Client)',
          fn: async () => (await authFetch(server.url)).text(),
        },
      ],
      ...LOOPBACK_RUN,
      setup: () => {
        fetchSession = new FetchOAuth2Session(sessionOptions());
      },
      teardown: () => fetchSession?.close(),
      note: 'target: ratio ≥ 0.95 (≤ 5 % overhead)',
    },
    {
      title: 'OAuth2Session: authorized GET over loopback — axios',
      baseline: {
        name: 'bare axios (header set by hand)',
        fn: () => bare.get(server.url, { headers }),
      },
      candidates: [
        {
          name: 'OAuth2Session.axios.get (@x/axios-client/oauth2)',
          fn: () => (axiosSession as AxiosOAuth2Session).axios.get(server.url),
        },
      ],
      ...LOOPBACK_RUN,
      setup: () => {
        axiosSession = new AxiosOAuth2Session(sessionOptions());
      },
      teardown: () => axiosSession?.close(),
      note: 'target: ratio ≥ 0.95 (≤ 5 % overhead)',
    },
  ];
}
