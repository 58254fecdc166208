import { signRequest } from '@x/oauth1';
import { CLIENT_ID, CLIENT_SECRET, TOKEN, TOKEN_SECRET, NONCE, TIMESTAMP, URL_STRING } from './src/fixtures/oauth1-request.js';
const cred = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, token: TOKEN, tokenSecret: TOKEN_SECRET };
const values = { nonce: NONCE, timestamp: TIMESTAMP };
const req = { method: 'GET', url: URL_STRING, headers: new Headers() };
const t = performance.now();
for (let i = 0; i < 300000; i++) await signRequest(req, cred, values);
console.log((performance.now() - t) / 300000 * 1000, 'ns/op');
