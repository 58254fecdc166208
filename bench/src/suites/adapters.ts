/**
 * Authorized requests/s through the adapters vs the bare HTTP stacks, against
 * a loopback server. The baselines set the same Authorization header by hand,
 * so the ratio is the whole cost of going through an Authenticator.
 * Target (issue 2): ≤ 5 % overhead, i.e. a ratio ≥ 0.95.
 */
import { attachAuthenticator } from '@x/axios-client';
import { staticBearer } from '@x/core';
import { createAuthFetch } from '@x/fetch-client';
import axios from 'axios';
import type { Group } from '../harness.js';
import { LOOPBACK_RUN, type LoopbackServer } from '../loopback-server.js';

const TOKEN = 'bench-access-token';

export function adapterGroups(server: LoopbackServer): Group[] {
  const authenticator = staticBearer(TOKEN, { allowInsecureTransport: true });
  const authFetch = createAuthFetch(authenticator);
  const bare = axios.create();
  const authed = axios.create();
  attachAuthenticator(authed, authenticator);
  const headers = { authorization: `Bearer ${TOKEN}` };
  return [
    {
      title: 'authorized GET over loopback — fetch',
      baseline: {
        name: 'raw fetch (header set by hand)',
        fn: async () => (await fetch(server.url, { headers })).text(),
      },
      candidates: [
        {
          name: 'createAuthFetch(staticBearer)',
          fn: async () => (await authFetch(server.url)).text(),
        },
      ],
      ...LOOPBACK_RUN,
      note: 'target: ratio ≥ 0.95 (≤ 5 % overhead)',
    },
    {
      title: 'authorized GET over loopback — axios',
      baseline: {
        name: 'bare axios (header set by hand)',
        fn: () => bare.get(server.url, { headers }),
      },
      candidates: [{ name: 'attachAuthenticator(staticBearer)', fn: () => authed.get(server.url) }],
      ...LOOPBACK_RUN,
      note: 'target: ratio ≥ 0.95 (≤ 5 % overhead)',
    },
  ];
}
