/**
 * Client assertions/s (issue 5): RS256, ES256 and HS256 JWT client
 * assertions (RFC 7523 2.2) from @x/rfc7523 side by side with
 *
 * - jose `SignJWT` given a pre-imported `CryptoKey` (the limit: the same
 *   claims — iss, sub, aud, iat, exp, a 192-bit jti — signed, nothing else);
 * - oauth4webapi's `PrivateKeyJwt(key)` / `ClientSecretJwt(secret)` and
 *   openid-client v6's exports of the same names (which delegate to
 *   oauth4webapi's), applied offline to a fresh form body and headers the
 *   way their token requests apply them, the body then serialized.
 *
 * The limit's jti is `crypto.randomUUID()` (122 random bits, Node's pooled
 * CSPRNG); the others draw 192 (ours) or 256 (peers) bits.
 *
 * Ours: `PrivateKeyJWT` / `ClientSecretJWT` `authenticate(request, context)`
 * called directly with a fixed token request and context (the key given as
 * a PEM or the client secret, imported once by the package's cache; the
 * request comes back with the assertion in its form body), and
 * `signAssertion` (the assertion alone).
 *
 * `setup` checks, before the rounds, that every signer's assertion verifies
 * with the public key (or secret) and carries iss = sub = the client id, the
 * expected aud, exp = iat + 60 and a fresh jti, and that the request forms
 * carry client_id and client_assertion_type with no secret.
 *
 * Targets (issue 5): assertions/s for RS256 and ES256 ≥ 1.0× the jose
 * limit: `signAssertion` against `SignJWT`, the same work (claims signed
 * into a compact JWS). `authenticate` also writes the token request's form,
 * as the two peers' client-auth functions do: it is compared with them.
 * HS256: ≥ openid-client.
 */
import { type HttpRequest, systemClock } from '@x/core';
import type { ClientAuthContext } from '@x/oauth2';
import { ClientSecretJWT, PrivateKeyJWT, signAssertion } from '@x/rfc7523';
import { decodeProtectedHeader, importPKCS8, jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import {
  CLIENT_ID,
  EC_KEY,
  FORM_BODY,
  FORM_CONTENT_TYPE,
  HS256_SECRET,
  ISSUER,
  type KeyPairFixture,
  RSA_KEY,
  TOKEN_ENDPOINT,
  TOKEN_REQUEST,
} from '../fixtures/client-assertion.js';
import type { Group, Task } from '../harness.js';

type Alg = 'RS256' | 'ES256' | 'HS256';

const LIFETIME = 60;
const JOSE = 'jose SignJWT, pre-imported CryptoKey';
const OPENID_CLIENT = 'openid-client';

const context: ClientAuthContext = {
  clientId: CLIENT_ID,
  clientSecret: HS256_SECRET,
  clock: systemClock,
  tokenEndpoint: TOKEN_ENDPOINT,
  issuer: ISSUER,
};

/** oauth4webapi and openid-client address assertions to `as.issuer`. */
const as: oauth.AuthorizationServer = { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT };
const client: oauth.Client = { client_id: CLIENT_ID };

/**
 * The limit: the claims every signer sets, signed by jose with a key imported
 * beforehand; the jti from `crypto.randomUUID()`, the cheapest CSPRNG id.
 */
function joseAssertion(key: CryptoKey, alg: Alg, kid: string | undefined): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    aud: TOKEN_ENDPOINT,
    iat,
    exp: iat + LIFETIME,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
    .sign(key);
}

/** A peer's client-auth function applied as its token request applies it; returns the form. */
async function peerForm(auth: oauth.ClientAuth): Promise<string> {
  const body = new URLSearchParams(FORM_BODY);
  const headers = new Headers({ 'content-type': FORM_CONTENT_TYPE });
  await auth(as, client, body, headers);
  if (headers.has('authorization'))
    throw new Error('a JWT client auth set an Authorization header');
  return body.toString();
}

async function ourForm(method: PrivateKeyJWT | ClientSecretJWT): Promise<string> {
  const out: HttpRequest = await method.authenticate(TOKEN_REQUEST, context);
  if (out.headers.has('authorization')) throw new Error('authenticate set an Authorization header');
  return out.body ?? '';
}

const importHmac = (secret: string): Promise<CryptoKey> =>
  crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );

/** Checks one signer's assertion: signature, header, claims; returns its jti. */
async function checkAssertion(
  name: string,
  alg: Alg,
  jwt: string | null | undefined,
  verifyKey: CryptoKey | Uint8Array | KeyPairFixture['publicKey'],
  expected: { aud: string; kid: string | undefined },
): Promise<string> {
  if (!jwt) throw new Error(`${alg} / ${name}: no assertion`);
  const header = decodeProtectedHeader(jwt);
  const { payload } = await jwtVerify(jwt, verifyKey, { algorithms: [alg] });
  const problems: string[] = [];
  if (header.alg !== alg) problems.push(`alg ${header.alg}`);
  if (expected.kid !== undefined && header.kid !== expected.kid) problems.push(`kid ${header.kid}`);
  if (payload.iss !== CLIENT_ID || payload.sub !== CLIENT_ID) problems.push('iss/sub');
  if (payload.aud !== expected.aud) problems.push(`aud ${JSON.stringify(payload.aud)}`);
  if (typeof payload.iat !== 'number' || payload.exp !== payload.iat + LIFETIME) {
    problems.push('exp is not iat + 60');
  }
  if (typeof payload.jti !== 'string' || payload.jti.length < 16) problems.push('jti');
  if (problems.length > 0) throw new Error(`${alg} / ${name}: ${problems.join(', ')}`);
  return payload.jti as string;
}

/** Checks a request form: the assertion fields, the client id, no secret; returns the assertion. */
function assertionOf(name: string, form: string): string | null {
  const params = new URLSearchParams(form);
  if (
    params.get('client_id') !== CLIENT_ID ||
    params.get('client_assertion_type') !==
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
    params.has('client_secret') ||
    params.get('grant_type') !== 'client_credentials'
  ) {
    throw new Error(`${name}: the form is not a client-assertion token request: ${form}`);
  }
  return params.get('client_assertion');
}

interface Signers {
  alg: Alg;
  title: string;
  /** jose's pre-imported signing key, also given to the peers. */
  key: CryptoKey;
  verifyKey: CryptoKey | Uint8Array | KeyPairFixture['publicKey'];
  kid: string | undefined;
  ours: PrivateKeyJWT | ClientSecretJWT;
  oursName: string;
  /** The key as our signAssertion is given it (PEM or secret). */
  ourKey: string;
  oauth4webapi: oauth.ClientAuth;
  openidClient: oauth.ClientAuth;
  peerName: (library: string) => string;
  note: string;
  rounds: number;
  time: number;
}

function group(s: Signers): Group {
  const signOurs = () =>
    signAssertion({
      issuer: CLIENT_ID,
      subject: CLIENT_ID,
      audience: TOKEN_ENDPOINT,
      key: s.ourKey,
      alg: s.alg,
      kid: s.kid,
    });
  const oauth4Name = s.peerName('oauth4webapi');
  const openidName = s.peerName(OPENID_CLIENT);
  const candidates: Task[] = [
    { name: `@x/rfc7523 ${s.oursName}.authenticate`, fn: () => ourForm(s.ours) },
    { name: '@x/rfc7523 signAssertion', fn: signOurs },
    { name: oauth4Name, fn: () => peerForm(s.oauth4webapi) },
    { name: openidName, fn: () => peerForm(s.openidClient) },
  ];
  return {
    title: `rfc7523 client assertion — ${s.title}`,
    baseline: { name: JOSE, fn: () => joseAssertion(s.key, s.alg, s.kid) },
    candidates,
    reference: { task: openidName, label: OPENID_CLIENT },
    rounds: s.rounds,
    time: s.time,
    interval: true,
    note: s.note,
    setup: async () => {
      const ours = { aud: TOKEN_ENDPOINT, kid: s.kid };
      const peers = { aud: ISSUER, kid: s.kid };
      const check = (name: string, jwt: string | null, expected: typeof ours) =>
        checkAssertion(name, s.alg, jwt, s.verifyKey, expected);
      const jtis = [
        await check(JOSE, await joseAssertion(s.key, s.alg, s.kid), ours),
        await check('signAssertion', await signOurs(), ours),
        await check(s.oursName, assertionOf(s.oursName, await ourForm(s.ours)), ours),
        await check(s.oursName, assertionOf(s.oursName, await ourForm(s.ours)), ours),
        await check(oauth4Name, assertionOf(oauth4Name, await peerForm(s.oauth4webapi)), peers),
        await check(openidName, assertionOf(openidName, await peerForm(s.openidClient)), peers),
      ];
      if (new Set(jtis).size !== jtis.length) throw new Error(`${s.alg}: a jti was reused`);
    },
  };
}

const asymmetricNote = (alg: Alg) =>
  `target: ${alg} signAssertion ≥ 1.00× the jose limit (the same work); authenticate, which also writes the form, ≥ 1.00× openid-client`;

export async function rfc7523AssertionGroups(): Promise<Group[]> {
  const rsaKey = await importPKCS8(RSA_KEY.privatePem, 'RS256');
  const ecKey = await importPKCS8(EC_KEY.privatePem, 'ES256');
  const hmacKey = await importHmac(HS256_SECRET);
  const withKid = (library: string) => `${library} PrivateKeyJwt({ key, kid })`;
  return [
    group({
      alg: 'RS256',
      title: 'RS256 (RSA 2048)',
      key: rsaKey,
      verifyKey: RSA_KEY.publicKey,
      kid: RSA_KEY.kid,
      ours: new PrivateKeyJWT(TOKEN_ENDPOINT, {
        key: RSA_KEY.privatePem,
        alg: 'RS256',
        kid: RSA_KEY.kid,
      }),
      oursName: 'PrivateKeyJWT',
      ourKey: RSA_KEY.privatePem,
      oauth4webapi: oauth.PrivateKeyJwt({ key: rsaKey, kid: RSA_KEY.kid }),
      openidClient: openid.PrivateKeyJwt({ key: rsaKey, kid: RSA_KEY.kid }),
      peerName: withKid,
      note: asymmetricNote('RS256'),
      rounds: 7,
      time: 700,
    }),
    group({
      alg: 'ES256',
      title: 'ES256 (P-256)',
      key: ecKey,
      verifyKey: EC_KEY.publicKey,
      kid: EC_KEY.kid,
      ours: new PrivateKeyJWT(TOKEN_ENDPOINT, {
        key: EC_KEY.privatePem,
        alg: 'ES256',
        kid: EC_KEY.kid,
      }),
      oursName: 'PrivateKeyJWT',
      ourKey: EC_KEY.privatePem,
      oauth4webapi: oauth.PrivateKeyJwt({ key: ecKey, kid: EC_KEY.kid }),
      openidClient: openid.PrivateKeyJwt({ key: ecKey, kid: EC_KEY.kid }),
      peerName: withKid,
      note: asymmetricNote('ES256'),
      rounds: 11,
      time: 500,
    }),
    group({
      alg: 'HS256',
      title: 'HS256 (client secret)',
      key: hmacKey,
      verifyKey: new TextEncoder().encode(HS256_SECRET),
      kid: undefined,
      ours: new ClientSecretJWT(TOKEN_ENDPOINT),
      oursName: 'ClientSecretJWT',
      ourKey: HS256_SECRET,
      oauth4webapi: oauth.ClientSecretJwt(HS256_SECRET),
      openidClient: openid.ClientSecretJwt(HS256_SECRET),
      peerName: (library) => `${library} ClientSecretJwt(secret)`,
      note: 'target: HS256 authenticate ≥ 1.00× openid-client',
      rounds: 11,
      time: 500,
    }),
  ];
}
