import { createHmac, createSecretKey } from 'node:crypto';
import { printTable, runGroup } from './src/harness.js';

const key = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE';
const data =
  'GET&https%3A%2F%2Fapi.example.com%2F1.1%2Fstatuses%2Fhome_timeline.json&' +
  encodeURIComponent(
    'count=20&include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb&oauth_version=1.0',
  );
const ko = createSecretKey(Buffer.from(key));
const kb = Buffer.from(key);
const m = new Map([[key, ko]]);
const g = {
  title: 'hmac',
  baseline: { name: 'string key', fn: () => createHmac('sha1', key).update(data).digest('base64') },
  candidates: [
    { name: 'keyobject', fn: () => createHmac('sha1', ko).update(data).digest('base64') },
    { name: 'buffer key', fn: () => createHmac('sha1', kb).update(data).digest('base64') },
    {
      name: 'map+keyobject',
      fn: () => createHmac('sha1', m.get(key)!).update(data, 'latin1').digest('base64'),
    },
    { name: 'latin1', fn: () => createHmac('sha1', key).update(data, 'latin1').digest('base64') },
  ],
};
printTable(g, await runGroup({ ...g, rounds: 3, time: 300 }));
