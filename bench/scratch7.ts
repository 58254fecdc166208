import { randomBytes } from 'node:crypto';
import { assertSecureTransport, epochSeconds, generateToken } from '@x/core';
import { printTable, runGroup } from './src/harness.js';

const URLS =
  'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true';
const g = {
  title: 'nonce',
  baseline: { name: 'generateToken', fn: () => generateToken() },
  candidates: [
    { name: 'getRandomValues(38)', fn: () => crypto.getRandomValues(new Uint8Array(38)) },
    { name: 'node randomBytes(38)', fn: () => randomBytes(38) },
    { name: 'assertSecureTransport', fn: () => assertSecureTransport(URLS, {}) },
    { name: 'epochSeconds', fn: () => epochSeconds() },
  ],
};
printTable(g, await runGroup({ ...g, rounds: 3, time: 300 }));
