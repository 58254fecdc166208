import { createHmac } from 'node:crypto';
import { registerSignatureMethod, signingKey, signRequest } from '@x/oauth1';
import { printTable, runGroup } from './src/harness.js';

const URLS =
  'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true';
const cred = {
  clientId: 'xvz1evFS4wEEPTGEFPHBog',
  clientSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
const enc = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
const values = { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 };
function minimal() {
  const u = new URL(URLS);
  const params: [string, string][] = [
    ...u.searchParams,
    ['oauth_consumer_key', cred.clientId],
    ['oauth_nonce', values.nonce],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(values.timestamp)],
    ['oauth_token', cred.token],
    ['oauth_version', '1.0'],
  ];
  const norm = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `GET&${enc(u.origin + u.pathname)}&${enc(norm)}`;
  return createHmac('sha1', `${enc(cred.clientSecret)}&${enc(cred.tokenSecret)}`)
    .update(base)
    .digest('base64');
}
registerSignatureMethod('NODE-SHA1', {
  sign: (b, k) =>
    createHmac('sha1', signingKey(k.clientSecret, k.tokenSecret)).update(b).digest('base64'),
});
registerSignatureMethod('NOOP', { sign: () => 'x' });
const req = { method: 'GET', url: URLS, headers: new Headers() };
const g = {
  title: 'hmac',
  baseline: { name: 'minimal', fn: minimal },
  candidates: [
    {
      name: 'signRequest node',
      fn: () => signRequest(req, { ...cred, signatureMethod: 'NODE-SHA1' }, values),
    },
    {
      name: 'signRequest noop',
      fn: () => signRequest(req, { ...cred, signatureMethod: 'NOOP' }, values),
    },
    { name: 'new Headers', fn: () => new Headers(req.headers) },
    { name: 'new URL', fn: () => new URL(URLS) },
  ],
};
printTable(g, await runGroup({ ...g, rounds: 3, time: 400 }));
