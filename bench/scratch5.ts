import { runGroup, printTable } from './src/harness.js';
const SUB = /[!'()*]/; const SUBG = /[!'()*]/g; const esc = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
const UN = /^[A-Za-z0-9._~-]*$/;
const SAFE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') SAFE[c.charCodeAt(0)] = 1;
function loopSafe(v: string) { for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c > 127 || SAFE[c] === 0) return false; } return true; }
const values = ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog', 'oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', 'oauth_signature_method', 'HMAC-SHA1', 'oauth_timestamp', '1318622958', 'oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', 'oauth_version', '1.0', 'count', '20', 'q', 'café & crème', 'GET', 'https://api.example.com/1.1/statuses/home_timeline.json'];
const enc1 = (v: string) => { if (UN.test(v)) return v; const e = encodeURIComponent(v); return SUB.test(e) ? e.replace(SUBG, esc) : e; };
const enc2 = (v: string) => { if (loopSafe(v)) return v; const e = encodeURIComponent(v); return SUB.test(e) ? e.replace(SUBG, esc) : e; };
const enc3 = (v: string) => { const e = encodeURIComponent(v); return e.length === v.length ? (SUB.test(e) ? e.replace(SUBG, esc) : e) : (SUB.test(e) ? e.replace(SUBG, esc) : e); };
const g = { title: 'enc', baseline: { name: 'regex test', fn: () => { for (const v of values) enc1(v); } }, candidates: [
  { name: 'loop test', fn: () => { for (const v of values) enc2(v); } },
  { name: 'eUC always', fn: () => { for (const v of values) enc3(v); } },
  { name: 'new URL x1', fn: () => new URL('https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true&q=caf%C3%A9%20%26%20cr%C3%A8me') },
  { name: 'canParse', fn: () => URL.canParse('https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true&q=caf%C3%A9%20%26%20cr%C3%A8me') },
  { name: 'headers clone+set', fn: () => { const h = new Headers(); const c = new Headers(h); c.set('authorization', 'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_version="1.0", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D"'); return c; } },
  { name: 'headers get', fn: () => new Headers().get('content-type') },
]};
printTable(g, await runGroup({ ...g, rounds: 5, time: 300 }));
