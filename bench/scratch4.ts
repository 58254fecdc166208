import { signRequest } from '@x/oauth1';

const URLS =
  'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true';
const cred = {
  clientId: 'xvz1evFS4wEEPTGEFPHBog',
  clientSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
const values = { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 };
const req = { method: 'GET', url: URLS, headers: new Headers() };
const t = performance.now();
for (let i = 0; i < 300000; i++) await signRequest(req, cred, values);
console.log(((performance.now() - t) / 300000) * 1000, 'ns/op');
