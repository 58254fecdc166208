import { staticBearer } from '@x/core';
import { createAuthFetch, fetchTransport } from '@x/fetch-client';
import { OAuth2Client } from '@x/oauth2';
import axios from 'axios';
import { attachAuthenticator } from '@x/axios-client';
const res = () => new Response(null, { status: 200 });
const fake = (async () => res()) as unknown as typeof fetch;
const f1 = createAuthFetch(staticBearer('tok'), { fetch: fake });
const client = new OAuth2Client({ clientId: 'c', transport: fetchTransport(), token: { access_token: 'tok', token_type: 'Bearer', expires_in: 36000 } });
const f2 = createAuthFetch(client, { fetch: fake });
const url = 'https://api.example.test/resource';
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 20000; i++) await fn();
  const n = 100000; const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(30), (((performance.now() - t) * 1000) / n).toFixed(2), 'µs/call');
}
await time('fake fetch direct', () => fake(url, { headers: { authorization: 'Bearer tok' } }));
await time('createAuthFetch(staticBearer)', () => f1(url));
await time('createAuthFetch(OAuth2Client)', () => f2(url));
const inst = axios.create({ adapter: async (config) => ({ data: '', status: 200, statusText: 'OK', headers: {}, config }) });
const inst2 = axios.create({ adapter: async (config) => ({ data: '', status: 200, statusText: 'OK', headers: {}, config }) });
attachAuthenticator(inst2, staticBearer('tok'));
await time('axios fake adapter', () => inst.get(url, { headers: { authorization: 'Bearer tok' } }));
await time('axios + attach(staticBearer)', () => inst2.get(url));
