/**
 * The adapters' own cost per request, in process: `fetch` and axios are
 * given a stub that answers at once with a ready response, so nearly all
 * that is left is our code. Loopback ratios (adapters.ts, oauth2-session.ts)
 * are what the issues' targets are stated in, but two identical loopback
 * tasks differ by up to 1.5 % on a 2-core machine; this is the stable number
 * to watch for regressions. The result is the extra time per call.
 */
import { attachAuthenticator } from '@x/axios-client';
import { OAuth2Session as AxiosOAuth2Session } from '@x/axios-client/oauth2';
import { staticBearer } from '@x/core';
import { createAuthFetch } from '@x/fetch-client';
import { OAuth2Session as FetchOAuth2Session } from '@x/fetch-client/oauth2';
import axios, { type AxiosAdapter } from 'axios';
import { CLIENT_ID, validToken } from '../fixtures/oauth2-token.js';
import type { Group } from '../harness.js';

const TOKEN = 'bench-in-process-token';
const URL_ = 'http://127.0.0.1:9/resource'; // never connected to: the stubs answer
const headers = { authorization: `Bearer ${TOKEN}` };

/** A `fetch` that answers every request with a new, ready 200 response. */
const stubFetch = (async () =>
  new Response('{"ok":true}', {
    status: 200,
    headers: { 'content-type': 'application/json' },
  })) as unknown as typeof fetch;

/** An axios adapter that answers every request with a ready 200 response. */
const stubAdapter: AxiosAdapter = async (config) => ({
  data: '{"ok":true}',
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json' },
  config,
});

const session = () => ({
  clientId: CLIENT_ID,
  token: validToken(TOKEN),
  allowInsecureTransport: true,
});

export function inProcessGroups(): Group[] {
  let fetchSession: FetchOAuth2Session | undefined;
  let axiosSession: AxiosOAuth2Session | undefined;
  const authFetch = createAuthFetch(staticBearer(TOKEN, { allowInsecureTransport: true }), {
    fetch: stubFetch,
  });
  const bare = axios.create({ adapter: stubAdapter });
  const authed = axios.create({ adapter: stubAdapter });
  attachAuthenticator(authed, staticBearer(TOKEN, { allowInsecureTransport: true }));
  return [
    {
      title: 'in process: our cost per request — fetch (stubbed)',
      baseline: { name: 'stub fetch, header set by hand', fn: () => stubFetch(URL_, { headers }) },
      candidates: [
        { name: 'createAuthFetch(staticBearer)', fn: () => authFetch(URL_) },
        {
          name: 'OAuth2Session.get',
          fn: () => (fetchSession as FetchOAuth2Session).get(URL_),
        },
      ],
      extraTime: true,
      setup: () => {
        fetchSession = new FetchOAuth2Session({ ...session(), fetch: stubFetch });
      },
      teardown: () => fetchSession?.close(),
      note: 'the stub costs what a ready Response costs; the rest is ours',
    },
    {
      title: 'in process: our cost per request — axios (stubbed adapter)',
      baseline: { name: 'bare axios, header set by hand', fn: () => bare.get(URL_, { headers }) },
      candidates: [
        { name: 'attachAuthenticator(staticBearer)', fn: () => authed.get(URL_) },
        {
          name: 'OAuth2Session.axios.get',
          fn: () => (axiosSession as AxiosOAuth2Session).axios.get(URL_),
        },
      ],
      extraTime: true,
      setup: () => {
        axiosSession = new AxiosOAuth2Session({
          ...session(),
          axios: { adapter: stubAdapter },
        });
      },
      teardown: () => axiosSession?.close(),
      note: 'axios itself (config merging, interceptor chain) is in the baseline',
    },
  ];
}
