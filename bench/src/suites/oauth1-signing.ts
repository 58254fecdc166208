/**
 * OAuth 1 header signatures/s (issue 4): @x/oauth1 side by side with
 * `oauth-1.0a` (given node:crypto as its hash_function, as its README
 * shows), `oauth-sign` (the signer of the `request` library) and a minimal
 * node:crypto baseline written here: the RFC 5849 base string and
 * createHmac / createSign, nothing else (no header).
 *
 * Every task signs the same fixed request with the same nonce and
 * timestamp; `setup` checks they all produce the same signature before the
 * rounds start. Two informational rows draw a fresh nonce and timestamp per
 * request, as applications do: OAuth1Auth (CSPRNG) and oauth-1.0a's own
 * (Math.random).
 *
 * Targets: HMAC-SHA1 ≥ 1.5× oauth-1.0a and ≥ 0.9× the minimal baseline;
 * RSA-SHA1 ≥ 2× oauth-1.0a given a PEM.
 */
import { createHmac, createPrivateKey, createSign } from 'node:crypto';
import type { HttpRequest } from '@x/core';
import {
  OAuth1Auth,
  type OAuth1SigningOptions,
  parseAuthorizationHeader,
  signRequest,
} from '@x/oauth1';
import OAuth from 'oauth-1.0a';
import { hmacsign, rfc3986, rsasign } from 'oauth-sign';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  METHOD,
  NONCE,
  RSA_PRIVATE_PEM,
  TIMESTAMP,
  TOKEN,
  TOKEN_SECRET,
  URL_STRING,
} from '../fixtures/oauth1-request.js';
import type { Group, Task } from '../harness.js';

type Method = 'HMAC-SHA1' | 'RSA-SHA1';

// ---- the minimal baseline: RFC 5849 3.4.1 base string + node:crypto -------

const encode = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const byNameThenValue = (a: [string, string], b: [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

function minimalBaseString(method: Method): string {
  const url = new URL(URL_STRING);
  const params: Array<[string, string]> = [...url.searchParams];
  params.push(
    ['oauth_consumer_key', CLIENT_ID],
    ['oauth_nonce', NONCE],
    ['oauth_signature_method', method],
    ['oauth_timestamp', String(TIMESTAMP)],
    ['oauth_token', TOKEN],
    ['oauth_version', '1.0'],
  );
  const normalized = params
    .map(([name, value]): [string, string] => [encode(name), encode(value)])
    .sort(byNameThenValue)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${METHOD}&${encode(`${url.origin}${url.pathname}`)}&${encode(normalized)}`;
}

const minimalHmac = (): string =>
  createHmac('sha1', `${encode(CLIENT_SECRET)}&${encode(TOKEN_SECRET)}`)
    .update(minimalBaseString('HMAC-SHA1'))
    .digest('base64');

const minimalRsa = (key: string | ReturnType<typeof createPrivateKey>): string =>
  createSign('RSA-SHA1').update(minimalBaseString('RSA-SHA1')).sign(key, 'base64');

// ---- oauth-1.0a --------------------------------------------------------------

function oauth10a(method: Method, fixed: boolean): () => string {
  const oauth = new OAuth({
    consumer: { key: CLIENT_ID, secret: CLIENT_SECRET },
    signature_method: method,
    hash_function:
      method === 'HMAC-SHA1'
        ? (base, key) => createHmac('sha1', key).update(base).digest('base64')
        : // Its README's RSA-SHA1 recipe: the PEM, parsed by node:crypto on every call.
          (base) => createSign('RSA-SHA1').update(base).sign(RSA_PRIVATE_PEM, 'base64'),
  });
  if (fixed) {
    oauth.getNonce = () => NONCE;
    oauth.getTimeStamp = () => TIMESTAMP;
  }
  const token = { key: TOKEN, secret: TOKEN_SECRET };
  return () =>
    oauth.toHeader(oauth.authorize({ url: URL_STRING, method: METHOD }, token)).Authorization;
}

// ---- oauth-sign, with the header built the way `request` built it ------------

function oauthSign(method: Method): string {
  const url = new URL(URL_STRING);
  const oauth: Record<string, string> = {
    oauth_consumer_key: CLIENT_ID,
    oauth_nonce: NONCE,
    oauth_signature_method: method,
    oauth_timestamp: String(TIMESTAMP),
    oauth_token: TOKEN,
    oauth_version: '1.0',
  };
  const params: Record<string, string | string[]> = { ...oauth };
  for (const [name, value] of url.searchParams) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...[seen].flat(), value];
  }
  const baseUri = `${url.origin}${url.pathname}`;
  oauth.oauth_signature =
    method === 'HMAC-SHA1'
      ? hmacsign(METHOD, baseUri, params, CLIENT_SECRET, TOKEN_SECRET)
      : rsasign(METHOD, baseUri, params, RSA_PRIVATE_PEM, TOKEN_SECRET);
  const fields = Object.keys(oauth)
    .sort()
    .map((name) => `${name}="${rfc3986(oauth[name] as string)}"`);
  return `OAuth ${fields.join(',')}`;
}

// ---- @x/oauth1 ---------------------------------------------------------------

const request: HttpRequest = { method: METHOD, url: URL_STRING, headers: new Headers() };

function ours(method: Method): OAuth1SigningOptions {
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    token: TOKEN,
    tokenSecret: TOKEN_SECRET,
    signatureMethod: method,
    ...(method === 'RSA-SHA1' ? { rsaKey: RSA_PRIVATE_PEM } : {}),
  };
}

const signatureOf = (header: string | null | undefined): string | undefined =>
  parseAuthorizationHeader(header)?.params.find(([name]) => name === 'oauth_signature')?.[1];

/** Every fixed-nonce task must give the same signature, or the comparison means nothing. */
async function checkSignaturesAgree(
  method: Method,
  expected: string,
  signers: Record<string, () => Promise<string | undefined> | string | undefined>,
): Promise<void> {
  for (const [name, sign] of Object.entries(signers)) {
    const signature = await sign();
    if (signature !== expected) {
      throw new Error(`${method}: ${name} signed ${signature}, the baseline ${expected}`);
    }
  }
}

const OURS = '@x/oauth1 signRequest';
const OAUTH_10A = 'oauth-1.0a authorize+toHeader';

export function oauth1SigningGroups(): Group[] {
  const hmacOptions = ours('HMAC-SHA1');
  const rsaOptions = ours('RSA-SHA1');
  const fixed = { nonce: NONCE, timestamp: TIMESTAMP };
  const hmac10a = oauth10a('HMAC-SHA1', true);
  const rsa10a = oauth10a('RSA-SHA1', true);
  const auth = new OAuth1Auth(hmacOptions);
  const hmac10aOwnNonce = oauth10a('HMAC-SHA1', false);
  const keyObject = createPrivateKey(RSA_PRIVATE_PEM);

  const hmacTasks: Task[] = [
    { name: OURS, fn: () => signRequest(request, hmacOptions, fixed) },
    { name: OAUTH_10A, fn: hmac10a },
    { name: 'oauth-sign hmacsign + header', fn: () => oauthSign('HMAC-SHA1') },
    { name: '@x/oauth1 OAuth1Auth (fresh nonce)', fn: () => auth.authorize(request) },
    { name: 'oauth-1.0a (its own nonce)', fn: hmac10aOwnNonce },
  ];
  const rsaTasks: Task[] = [
    { name: OURS, fn: () => signRequest(request, rsaOptions, fixed) },
    { name: OAUTH_10A, fn: rsa10a },
    { name: 'oauth-sign rsasign + header', fn: () => oauthSign('RSA-SHA1') },
    { name: 'minimal node:crypto, KeyObject', fn: () => minimalRsa(keyObject) },
  ];

  return [
    {
      title: 'OAuth 1 header signature — HMAC-SHA1',
      baseline: { name: 'minimal node:crypto', fn: minimalHmac },
      candidates: hmacTasks,
      reference: { task: OAUTH_10A, label: 'oauth-1.0a' },
      rounds: 9,
      time: 300,
      note: 'target: signRequest ≥ 0.90× the minimal baseline and ≥ 1.5× oauth-1.0a',
      setup: () =>
        checkSignaturesAgree('HMAC-SHA1', minimalHmac(), {
          [OURS]: async () =>
            signatureOf(
              (await signRequest(request, hmacOptions, fixed)).headers.get('authorization'),
            ),
          [OAUTH_10A]: () => signatureOf(hmac10a()),
          'oauth-sign': () => signatureOf(oauthSign('HMAC-SHA1')),
        }),
    },
    {
      title: 'OAuth 1 header signature — RSA-SHA1 (2048-bit key given as PEM)',
      baseline: { name: 'minimal node:crypto, PEM', fn: () => minimalRsa(RSA_PRIVATE_PEM) },
      candidates: rsaTasks,
      reference: { task: OAUTH_10A, label: 'oauth-1.0a' },
      rounds: 5,
      time: 500,
      note: 'target: signRequest ≥ 2× oauth-1.0a (the PEM is imported once, not parsed per call)',
      setup: () =>
        checkSignaturesAgree('RSA-SHA1', minimalRsa(RSA_PRIVATE_PEM), {
          [OURS]: async () =>
            signatureOf(
              (await signRequest(request, rsaOptions, fixed)).headers.get('authorization'),
            ),
          [OAUTH_10A]: () => signatureOf(rsa10a()),
          'oauth-sign': () => signatureOf(oauthSign('RSA-SHA1')),
          'minimal, KeyObject': () => minimalRsa(keyObject),
        }),
    },
  ];
}
