import { OAuthError } from '@x/core';
import { startHttpServer, type TestServer } from '@x/testing';
import fc from 'fast-check';
import { exportJWK, exportSPKI, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IdTokenError,
  type KeySet,
  localKeySet,
  tokenHash,
  type ValidateIdTokenOptions,
  validateIdToken,
} from '../src/index.js';
import { b64u, movableClock, seconds, sign, type TestKey, testKey } from './support.js';

// validateIdToken on tokens signed with jose: one valid token, then each
// check of OIDC Core 3.1.3.7 failing on its own, each with its own code.

const ISSUER = 'https://op.example.com';
const CLIENT = 'client-1';
const NONCE = 'n-0S6_WzA2Mj';
const clock = movableClock(1_700_000_000_000);
const now = seconds(clock);

let key: TestKey;
let other: TestKey;
let keys: KeySet;
let jku: TestServer;

beforeAll(async () => {
  key = await testKey('RS256', 'main');
  other = await testKey('RS256', 'attacker');
  keys = localKeySet({ keys: [key.publicJwk] });
  jku = await startHttpServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [other.publicJwk] }));
  });
});

afterAll(async () => {
  await jku.close();
});

function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'alice',
    aud: CLIENT,
    exp: now + 300,
    iat: now,
    nonce: NONCE,
    auth_time: now - 10,
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** A token signed by the trusted key, with `changes` to the valid claims. */
function token(changes?: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return sign(claims(changes), key.privateKey, { alg: 'RS256', kid: 'main', ...header });
}

function validate(
  idToken: string,
  options: Partial<ValidateIdTokenOptions> = {},
): ReturnType<typeof validateIdToken> {
  return validateIdToken(idToken, {
    issuer: ISSUER,
    clientId: CLIENT,
    keys,
    nonce: NONCE,
    clock,
    ...options,
  });
}

async function refusal(promise: Promise<unknown>): Promise<IdTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!IdTokenError.isInstance(error)) throw new Error(`expected an IdTokenError, got ${error}`);
  return error;
}

describe('a valid id_token', () => {
  it('is accepted and its claims returned', async () => {
    const accessToken = 'at-123';
    const code = 'code-456';
    const idToken = await token({
      at_hash: await tokenHash(accessToken, 'RS256'),
      c_hash: await tokenHash(code, 'RS256'),
      aud: [CLIENT, 'api'],
      azp: CLIENT,
    });
    const result = await validate(idToken, { accessToken, code, maxAge: 60 });
    expect(result).toMatchObject({ sub: 'alice', iss: ISSUER, nonce: NONCE, azp: CLIENT });
  });

  it('allows clock skew up to clockTolerance (30 s by default)', async () => {
    await expect(validate(await token({ exp: now - 20, iat: now + 20 }))).resolves.toBeDefined();
    await expect(validate(await token({ nbf: now + 20 }))).resolves.toBeDefined();
    const error = await refusal(validate(await token({ exp: now - 20 }), { clockTolerance: 5 }));
    expect(error.code).toBe('ERR_ID_TOKEN_EXP');
  });

  it('ignores jku, x5u, x5c and jwk headers: no request is made to them', async () => {
    const idToken = await token(
      {},
      { jku: jku.url, x5u: jku.url, x5c: ['MIIB'], jwk: other.publicJwk },
    );
    await expect(validate(idToken)).resolves.toMatchObject({ sub: 'alice' });
    expect(jku.requests).toHaveLength(0);
  });

  it('accepts HS256 keyed by the client secret when that is the expected algorithm', async () => {
    const secret = 'a-client-secret-of-sufficient-length!';
    const idToken = await sign(claims(), new TextEncoder().encode(secret), { alg: 'HS256' });
    await expect(
      validate(idToken, { expectedAlg: 'HS256', clientSecret: secret }),
    ).resolves.toMatchObject({ sub: 'alice' });
  });

  it('accepts ES256 and EdDSA keys selected by kty and crv', async () => {
    for (const alg of ['ES256', 'EdDSA']) {
      const k = await testKey(alg);
      const set = localKeySet({ keys: [key.publicJwk, k.publicJwk] });
      const idToken = await sign(claims(), k.privateKey, { alg, kid: k.kid });
      await expect(validate(idToken, { keys: set, expectedAlg: alg })).resolves.toBeDefined();
    }
  });

  it('without a kid, tries every key of the right type', async () => {
    const set = localKeySet({ keys: [other.publicJwk, key.publicJwk] });
    const idToken = await sign(claims(), key.privateKey, { alg: 'RS256' });
    await expect(validate(idToken, { keys: set })).resolves.toBeDefined();
  });
});

interface Row {
  name: string;
  build: () => Promise<string>;
  options?: Partial<ValidateIdTokenOptions>;
  code: IdTokenError['code'];
  check: IdTokenError['check'];
}

const table: Row[] = [
  {
    name: 'wrong iss',
    build: () => token({ iss: 'https://evil.example.com' }),
    code: 'ERR_ID_TOKEN_ISS',
    check: 'iss',
  },
  {
    name: 'wrong aud',
    build: () => token({ aud: 'other' }),
    code: 'ERR_ID_TOKEN_AUD',
    check: 'aud',
  },
  {
    name: 'multiple aud without azp',
    build: () => token({ aud: [CLIENT, 'other'] }),
    code: 'ERR_ID_TOKEN_AZP',
    check: 'azp-missing',
  },
  {
    name: 'wrong azp',
    build: () => token({ azp: 'other' }),
    code: 'ERR_ID_TOKEN_AZP',
    check: 'azp',
  },
  {
    name: 'expired',
    build: () => token({ exp: now - 60 }),
    code: 'ERR_ID_TOKEN_EXP',
    check: 'exp',
  },
  {
    name: 'iat in the future',
    build: () => token({ iat: now + 120 }),
    code: 'ERR_ID_TOKEN_IAT',
    check: 'iat',
  },
  {
    name: 'nbf in the future',
    build: () => token({ nbf: now + 120 }),
    code: 'ERR_ID_TOKEN_NBF',
    check: 'nbf',
  },
  {
    name: 'missing sub',
    build: () => token({ sub: undefined }),
    code: 'ERR_ID_TOKEN_SUB',
    check: 'sub',
  },
  {
    name: 'nonce mismatch',
    build: () => token({ nonce: 'another-nonce' }),
    code: 'ERR_ID_TOKEN_NONCE',
    check: 'nonce',
  },
  {
    name: 'nonce missing (one was sent)',
    build: () => token({ nonce: undefined }),
    code: 'ERR_ID_TOKEN_NONCE',
    check: 'nonce-missing',
  },
  {
    name: 'unexpected nonce (none was sent)',
    build: () => token(),
    options: { nonce: undefined },
    code: 'ERR_ID_TOKEN_NONCE',
    check: 'nonce-unexpected',
  },
  {
    name: 'auth_time missing with maxAge',
    build: () => token({ auth_time: undefined }),
    options: { maxAge: 300 },
    code: 'ERR_ID_TOKEN_AUTH_TIME',
    check: 'auth-time-missing',
  },
  {
    name: 'auth_time too old for maxAge',
    build: () => token({ auth_time: now - 1000 }),
    options: { maxAge: 300 },
    code: 'ERR_ID_TOKEN_AUTH_TIME',
    check: 'auth-time',
  },
  {
    name: 'bad at_hash',
    build: async () => token({ at_hash: await tokenHash('another-access-token', 'RS256') }),
    options: { accessToken: 'the-access-token' },
    code: 'ERR_ID_TOKEN_AT_HASH',
    check: 'at-hash',
  },
  {
    name: 'at_hash missing in an implicit id_token token response',
    build: () => token(),
    options: { accessToken: 'the-access-token', responseType: 'id_token token' },
    code: 'ERR_ID_TOKEN_AT_HASH',
    check: 'at-hash-missing',
  },
  {
    name: 'bad c_hash',
    build: async () => token({ c_hash: await tokenHash('another-code', 'RS256') }),
    options: { code: 'the-code' },
    code: 'ERR_ID_TOKEN_C_HASH',
    check: 'c-hash',
  },
  {
    name: 'c_hash missing in a hybrid code id_token response',
    build: () => token(),
    options: { code: 'the-code', responseType: 'code id_token' },
    code: 'ERR_ID_TOKEN_C_HASH',
    check: 'c-hash-missing',
  },
  {
    name: 'alg none',
    build: async () =>
      `${b64u(JSON.stringify({ alg: 'none' }))}.${b64u(JSON.stringify(claims()))}.`,
    code: 'ERR_ID_TOKEN_ALG',
    check: 'alg-none',
  },
  {
    name: 'alg HS256 with the RSA public key as the secret',
    build: async () =>
      sign(claims(), new TextEncoder().encode(await exportSPKI(key.publicKey)), {
        alg: 'HS256',
        kid: 'main',
      }),
    code: 'ERR_ID_TOKEN_ALG',
    check: 'alg',
  },
  {
    name: 'alg HS256 expected, HMAC keyed with the RSA public key instead of the client secret',
    build: async () =>
      sign(claims(), new TextEncoder().encode(await exportSPKI(key.publicKey)), { alg: 'HS256' }),
    options: { expectedAlg: 'HS256', clientSecret: 'the-real-client-secret' },
    code: 'ERR_ID_TOKEN_SIGNATURE',
    check: 'signature',
  },
  {
    name: 'unexpected alg (RS384 with the right key)',
    build: async () =>
      sign(claims(), await importJWK(await exportJWK(key.privateKey), 'RS384'), {
        alg: 'RS384',
        kid: 'main',
      }),
    code: 'ERR_ID_TOKEN_ALG',
    check: 'alg',
  },
  {
    name: 'unknown crit',
    build: () => token({}, { crit: ['urn:example:unknown'], 'urn:example:unknown': true }),
    code: 'ERR_ID_TOKEN_CRIT',
    check: 'crit',
  },
  {
    name: 'oversized token',
    build: () => token({ padding: 'x'.repeat(40_000) }),
    code: 'ERR_ID_TOKEN_TOO_LARGE',
    check: 'size',
  },
  {
    name: 'signature by another key (same kid)',
    build: () => sign(claims(), other.privateKey, { alg: 'RS256', kid: 'main' }),
    code: 'ERR_ID_TOKEN_SIGNATURE',
    check: 'signature',
  },
  {
    name: 'signature by another key (its own kid)',
    build: () => sign(claims(), other.privateKey, { alg: 'RS256', kid: 'attacker' }),
    code: 'ERR_ID_TOKEN_KEY',
    check: 'key',
  },
  {
    name: 'tampered payload',
    build: async () => {
      const [header, , signature] = (await token()).split('.');
      return `${header}.${b64u(JSON.stringify(claims({ sub: 'mallory' })))}.${signature}`;
    },
    code: 'ERR_ID_TOKEN_SIGNATURE',
    check: 'signature',
  },
  {
    name: 'jwk header carrying the signing key (attacker key, trusted kid)',
    build: () =>
      sign(claims(), other.privateKey, { alg: 'RS256', kid: 'main', jwk: other.publicJwk }),
    code: 'ERR_ID_TOKEN_SIGNATURE',
    check: 'signature',
  },
  {
    name: 'jku header pointing at the attacker key set (no kid)',
    build: () => sign(claims(), other.privateKey, { alg: 'RS256', jku: jku.url }),
    code: 'ERR_ID_TOKEN_SIGNATURE',
    check: 'signature',
  },
  {
    name: 'not a JWS',
    build: async () => 'not.a.jws.at.all.x',
    code: 'ERR_ID_TOKEN_MALFORMED',
    check: 'format',
  },
];

describe('each check failing on its own', () => {
  it.each(table)('$name → $code ($check)', async (row) => {
    const idToken = await row.build();
    const error = await refusal(validate(idToken, row.options));
    expect({ code: error.code, check: error.check }).toEqual({ code: row.code, check: row.check });
    expect(error).toBeInstanceOf(OAuthError);
    // The token is a credential: it never appears in what the error shows.
    const payload = idToken.split('.')[1] ?? '';
    if (payload.length > 30) expect(JSON.stringify(error)).not.toContain(payload.slice(0, 30));
  });

  it('gives each check its own code and each failure its own (code, check)', () => {
    const rows = new Map<string, string[]>();
    for (const row of table) {
      const pair = `${row.code}/${row.check}`;
      rows.set(pair, [...(rows.get(pair) ?? []), row.name]);
    }
    // Only different attacks on one check share a pair: the algorithm check
    // (HS256 confusion, another RS alg) and the signature (forged, tampered, ...).
    const shared = [...rows].filter(([, names]) => names.length > 1).map(([pair]) => pair);
    expect(shared.sort()).toEqual(['ERR_ID_TOKEN_ALG/alg', 'ERR_ID_TOKEN_SIGNATURE/signature']);
    const codes = new Set(table.map((row) => row.code));
    expect([...codes].sort()).toEqual(
      [
        'ERR_ID_TOKEN_ALG',
        'ERR_ID_TOKEN_AT_HASH',
        'ERR_ID_TOKEN_AUD',
        'ERR_ID_TOKEN_AUTH_TIME',
        'ERR_ID_TOKEN_AZP',
        'ERR_ID_TOKEN_CRIT',
        'ERR_ID_TOKEN_C_HASH',
        'ERR_ID_TOKEN_EXP',
        'ERR_ID_TOKEN_IAT',
        'ERR_ID_TOKEN_ISS',
        'ERR_ID_TOKEN_KEY',
        'ERR_ID_TOKEN_MALFORMED',
        'ERR_ID_TOKEN_NBF',
        'ERR_ID_TOKEN_NONCE',
        'ERR_ID_TOKEN_SIGNATURE',
        'ERR_ID_TOKEN_SUB',
        'ERR_ID_TOKEN_TOO_LARGE',
      ].sort(),
    );
    // The jku row pointed at a live key set: it was never fetched.
    expect(jku.requests).toHaveLength(0);
  });

  it('refuses oversized tokens before decoding anything', async () => {
    const garbage = '!'.repeat(40_000);
    const error = await refusal(validate(garbage));
    expect(error.code).toBe('ERR_ID_TOKEN_TOO_LARGE');
    const small = await refusal(validate(await token(), { maxTokenLength: 100 }));
    expect(small.code).toBe('ERR_ID_TOKEN_TOO_LARGE');
  });

  it('refuses exp, iat and sub of the wrong type', async () => {
    expect((await refusal(validate(await token({ exp: '9999999999' })))).code).toBe(
      'ERR_ID_TOKEN_EXP',
    );
    expect((await refusal(validate(await token({ iat: undefined })))).code).toBe(
      'ERR_ID_TOKEN_IAT',
    );
    expect((await refusal(validate(await token({ sub: 42 })))).code).toBe('ERR_ID_TOKEN_SUB');
    expect((await refusal(validate(await token({ aud: [CLIENT, 7] })))).code).toBe(
      'ERR_ID_TOKEN_AUD',
    );
  });

  it('refuses HS* without a client secret, and asymmetric algorithms without keys', async () => {
    const idToken = await sign(claims(), new TextEncoder().encode('s3cret-s3cret-s3cret'), {
      alg: 'HS256',
    });
    expect((await refusal(validate(idToken, { expectedAlg: 'HS256' }))).code).toBe(
      'ERR_ID_TOKEN_KEY',
    );
    await expect(validate(await token(), { keys: undefined })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(validate(await token(), { expectedAlg: 'none' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('garbage', () => {
  const segment = fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => Buffer.from(bytes).toString('base64url'));
  const json = fc.jsonValue({ maxDepth: 3 }).map((value) => b64u(JSON.stringify(value)));
  const header = fc
    .record(
      {
        alg: fc.oneof(fc.constantFrom('RS256', 'HS256', 'none', 'ES256', '__proto__'), fc.string()),
        kid: fc.oneof(fc.constant('main'), fc.string(), fc.integer()),
        crit: fc.array(fc.string(), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => b64u(JSON.stringify(value)));
  const garbage = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc
      .tuple(fc.oneof(header, json, segment), fc.oneof(json, segment), segment)
      .map((parts) => parts.join('.')),
    fc.array(fc.oneof(segment, json), { maxLength: 6 }).map((parts) => parts.join('.')),
  );

  it('never makes validateIdToken throw anything but an OAuthError', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, async (idToken) => {
        const error = await validate(idToken).then(
          () => new Error('garbage was accepted'),
          (e: unknown) => e,
        );
        return OAuthError.isInstance(error);
      }),
      { numRuns: 500 },
    );
  });
});
