import { printTable, runGroup } from './src/harness.js';

const norm =
  'count=20&include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb&oauth_version=1.0&status=Hello%20Ladies%20%2B%20Gentlemen';
const SUB = /[!'()*]/g;
const esc = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
const UN = /^[A-Za-z0-9._~-]*$/;
const MAP: Record<string, string> = { '%': '%25', '=': '%3D', '&': '%26' };
const short = [
  'xvz1evFS4wEEPTGEFPHBog',
  'HMAC-SHA1',
  '1318622958',
  '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  'Hello Ladies + Gentlemen',
];
const SUBT = /[!'()*]/;
const g = {
  title: 'enc',
  baseline: { name: 'eUC+replace', fn: () => encodeURIComponent(norm).replace(SUB, esc) },
  candidates: [
    {
      name: 'replaceAll x3',
      fn: () => norm.replaceAll('%', '%25').replaceAll('=', '%3D').replaceAll('&', '%26'),
    },
    { name: 'regex map', fn: () => norm.replace(/[%=&]/g, (c) => MAP[c] as string) },
    { name: 'eUC only', fn: () => encodeURIComponent(norm) },
    {
      name: 'short: test+eUC',
      fn: () => {
        for (const s of short) UN.test(s) ? s : encodeURIComponent(s).replace(SUB, esc);
      },
    },
    {
      name: 'short: eUC+test',
      fn: () => {
        for (const s of short) {
          const e = encodeURIComponent(s);
          SUBT.test(e) ? e.replace(SUB, esc) : e;
        }
      },
    },
    {
      name: 'short: eUC+replace',
      fn: () => {
        for (const s of short) encodeURIComponent(s).replace(SUB, esc);
      },
    },
  ],
};
printTable(g, await runGroup({ ...g, rounds: 3, time: 300 }));
