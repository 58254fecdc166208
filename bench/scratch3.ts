import { cloneRequest, parseUrl, percentEncode } from '@x/core';
import {
  authorizationHeader,
  normalizeParameters,
  requestParameters,
  signatureBaseString,
} from '@x/oauth1';
import { printTable, runGroup } from './src/harness.js';

const URLS =
  'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true';
const norm =
  'count=20&include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb&oauth_version=1.0';
const params: [string, string][] = [
  ['count', '20'],
  ['include_entities', 'true'],
  ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
  ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
  ['oauth_signature_method', 'HMAC-SHA1'],
  ['oauth_timestamp', '1318622958'],
  ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
  ['oauth_version', '1.0'],
  ['oauth_signature', 'tnnArxj06cWHq44gCs1OSKk/jLY='],
];
const req = { method: 'GET', url: URLS, headers: new Headers() };
const enc = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
const g = {
  title: 'parts',
  baseline: { name: 'enc(norm)', fn: () => enc(norm) },
  candidates: [
    { name: 'percentEncode(norm)', fn: () => percentEncode(norm) },
    { name: 'normalizeParameters', fn: () => normalizeParameters(params) },
    { name: 'signatureBaseString', fn: () => signatureBaseString('GET', URLS, params) },
    { name: 'requestParameters', fn: () => requestParameters(req) },
    { name: 'authorizationHeader', fn: () => authorizationHeader(params) },
    {
      name: 'cloneRequest',
      fn: () => {
        const c = cloneRequest(req);
        c.headers.set('authorization', norm);
        return c;
      },
    },
    { name: 'parseUrl', fn: () => parseUrl(URLS) },
  ],
};
printTable(g, await runGroup({ ...g, rounds: 3, time: 300 }));
