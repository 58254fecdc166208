import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { InvalidArgumentError, type OAuthError } from '@x/core';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ClientSecretJWT,
  importSigningKey,
  PrivateKeyJWT,
  type SigningAlgorithm,
  type SigningKey,
  signAssertion,
  signJwtBearerAssertion,
} from '../src/index.js';
import {
  ecKeyPair,
  ed25519KeyPair,
  expectNoSecrets,
  pemBody,
  rejectionOf,
  rsaKeyPair,
  thrownBy,
} from './support.js';

const rsa = rsaKeyPair();
const p256 = ecKeyPair('P-256');
const p384 = ecKeyPair('P-384');
const p521 = ecKeyPair('P-521');
const ed = ed25519KeyPair();
const secret64 = randomBytes(48).toString('base64url'); // 64 characters, enough for HS512
const AUD = 'https://as.example.com/token';
const fixedClock = { now: () => 1_700_000_000_000 };

async function expectRefused(promise: Promise<unknown>, message: RegExp): Promise<OAuthError> {
  const error = await rejectionOf(promise);
  expect(InvalidArgumentError.isInstance(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  return error as OAuthError;
}

describe('assertion claims', () => {
  it('has iss, sub, a single-string aud, iat from the clock, exp 60 s later, a jti and the kid', async () => {
    const jwt = await signAssertion({
      issuer: 'client-1',
      subject: 'client-1',
      audience: AUD,
      key: rsa.privatePem,
      kid: 'key-1',
      clock: fixedClock,
    });
    const { payload, protectedHeader } = await jwtVerify(jwt, rsa.publicKey, {
      algorithms: ['RS256'],
      issuer: 'client-1',
      subject: 'client-1',
      audience: AUD,
      currentDate: new Date(fixedClock.now()),
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'key-1' });
    expect(typeof payload.aud).toBe('string');
    expect(payload.iat).toBe(1_700_000_000);
    expect(payload.exp).toBe(1_700_000_060);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
  });

  it('puts exp exactly expiresIn after iat', () =>
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 86_400 }), async (expiresIn) => {
        const payload = decodeJwt(
          await signAssertion({
            issuer: 'i',
            audience: AUD,
            key: secret64,
            alg: 'HS256',
            expiresIn,
          }),
        );
        expect((payload.exp as number) - (payload.iat as number)).toBe(expiresIn);
      }),
      { numRuns: 30 },
    ));

  it('adds extra claims and headers, and omits sub when there is no subject', async () => {
    const jwt = await signJwtBearerAssertion({
      issuer: 'svc@example.com',
      audience: AUD,
      key: p256.privatePem,
      alg: 'ES256',
      claims: { scope: 'a b', nested: { x: 1 } },
      headers: { typ: 'JWT' },
    });
    const payload = decodeJwt(jwt);
    expect(payload.sub).toBeUndefined();
    expect(payload.scope).toBe('a b');
    expect(payload.nested).toEqual({ x: 1 });
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: 'JWT', alg: 'ES256' });
  });

  it('takes the kid from the JWK, headers.kid, or the kid option (which wins)', async () => {
    const jwk: JWK = { ...p256.privateJwk, kid: 'from-jwk' };
    const header = async (options: { kid?: string; headers?: Record<string, unknown> }) =>
      decodeProtectedHeader(
        await signAssertion({ issuer: 'i', audience: AUD, key: jwk, alg: 'ES256', ...options }),
      ).kid;
    expect(await header({})).toBe('from-jwk');
    expect(await header({ headers: { kid: 'from-headers' } })).toBe('from-headers');
    expect(await header({ kid: 'from-option', headers: { kid: 'from-headers' } })).toBe(
      'from-option',
    );
    const noKid = await signAssertion({ issuer: 'i', audience: AUD, key: rsa.privatePem });
    expect(decodeProtectedHeader(noKid)).toEqual({ alg: 'RS256' });
  });

  it('gives 10,000 assertions 10,000 distinct jti', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const jwt = await signAssertion({ issuer: 'i', audience: AUD, key: secret64, alg: 'HS256' });
      seen.add(decodeJwt(jwt).jti as string);
    }
    expect(seen.size).toBe(10_000);
  });

  it('signs a fresh assertion on every call (new jti, new signature)', async () => {
    const options = { issuer: 'i', audience: AUD, key: rsa.privatePem, clock: fixedClock };
    const [a, b] = [await signAssertion(options), await signAssertion(options)];
    expect(a).not.toBe(b);
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });
});

describe('algorithms and key formats', () => {
  const pkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const sec1 = (pair: { privateKey: KeyObject }) =>
    pair.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
  const secretBytes = randomBytes(64);
  const cases: Array<[SigningAlgorithm, string, () => SigningKey | Promise<SigningKey>, unknown]> =
    [
      ['HS256', 'a string secret', () => secret64, new TextEncoder().encode(secret64)],
      ['HS384', 'secret bytes', () => secretBytes, secretBytes],
      [
        'HS512',
        'an oct JWK',
        () => ({ kty: 'oct', k: secretBytes.toString('base64url') }),
        secretBytes,
      ],
      ['RS256', 'a PKCS#8 PEM', () => rsa.privatePem, rsa.publicKey],
      ['RS384', 'a PKCS#1 PEM', () => pkcs1, rsa.publicKey],
      ['RS512', 'a JWK', () => rsa.privateJwk, rsa.publicKey],
      ['PS256', 'a PKCS#8 PEM', () => rsa.privatePem, rsa.publicKey],
      ['PS384', 'JWK JSON text', () => JSON.stringify(rsa.privateJwk), rsa.publicKey],
      [
        'PS512',
        'a CryptoKey',
        () =>
          crypto.subtle.importKey(
            'jwk',
            rsa.privateJwk as JsonWebKey,
            { name: 'RSA-PSS', hash: 'SHA-512' },
            false,
            ['sign'],
          ),
        rsa.publicKey,
      ],
      ['ES256', 'a SEC1 PEM', () => sec1(p256), p256.publicKey],
      ['ES384', 'a PKCS#8 PEM', () => p384.privatePem, p384.publicKey],
      ['ES512', 'a SEC1 PEM', () => sec1(p521), p521.publicKey],
      ['ES512', 'a JWK', () => p521.privateJwk, p521.publicKey],
      ['EdDSA', 'a PKCS#8 PEM', () => ed.privatePem, ed.publicKey],
      ['Ed25519', 'a JWK', () => ed.privateJwk, ed.publicKey],
    ];

  it.each(cases)('%s signs with %s and verifies with jose', async (alg, _form, key, verifyKey) => {
    const jwt = await signAssertion({ issuer: 'i', audience: AUD, key: await key(), alg });
    const { payload, protectedHeader } = await jwtVerify(jwt, verifyKey as KeyObject | Uint8Array, {
      algorithms: [alg],
      audience: AUD,
    });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload.iss).toBe('i');
  });

  it('imports a key once per algorithm and caches it', async () => {
    const first = await importSigningKey(rsa.privatePem, 'RS256');
    expect(await importSigningKey(rsa.privatePem, 'RS256')).toBe(first);
    expect(await importSigningKey(rsa.privatePem, 'PS256')).not.toBe(first);
    expect(first.key.extractable).toBe(false);
    const jwk: JWK = { ...p256.privateJwk, kid: 'k' };
    const fromJwk = await importSigningKey(jwk, 'ES256');
    expect(await importSigningKey(jwk, 'ES256')).toBe(fromJwk);
    expect(fromJwk.kid).toBe('k');
  });
});

describe('refusals', () => {
  it.each(['none', 'NONE', 'None'])('refuses alg %s everywhere', async (alg) => {
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: secret64, alg }),
      /alg "none" is refused/,
    );
    await expectRefused(importSigningKey(secret64, alg), /alg "none" is refused/);
    for (const make of [
      () => new ClientSecretJWT({ alg: alg as 'HS256' }),
      () => new PrivateKeyJWT({ alg: alg as 'RS256' }),
    ]) {
      const error = thrownBy(make);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/alg "none" is refused/);
    }
  });

  it('refuses unknown algorithms', async () => {
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: rsa.privatePem, alg: 'RS1' }),
      /unsupported alg "RS1"/,
    );
  });

  it.each([
    ['a PKCS#8 PEM', () => rsa.privatePem],
    ['a private JWK', () => p256.privateJwk],
    ['a private CryptoKey', async () => (await importSigningKey(p256.privatePem, 'ES256')).key],
  ])('refuses an HS algorithm with an asymmetric key: %s', async (_name, key) => {
    const error = await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: await key(), alg: 'HS256' }),
      /HS256 is an HMAC algorithm and needs a shared secret/,
    );
    expectNoSecrets(error, [pemBody(rsa.privatePem), p256.privateJwk.d as string]);
  });

  it.each([
    ['a string secret', () => secret64],
    ['secret bytes', () => randomBytes(64)],
    ['an oct JWK', () => ({ kty: 'oct', k: randomBytes(64).toString('base64url') })],
    ['a secret CryptoKey', async () => (await importSigningKey(secret64, 'HS256')).key],
  ])('refuses an asymmetric algorithm with a secret: %s', async (_name, key) => {
    const error = await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: (await key()) as SigningKey, alg: 'RS256' }),
      /RS256 needs a private key .* but the key is a shared secret/,
    );
    expectNoSecrets(error, [secret64]);
  });

  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('refuses an %s secret shorter than %i bytes (RFC 7518 3.2)', async (alg, bytes) => {
    const short = 'x'.repeat(bytes - 1);
    const error = await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: short, alg }),
      new RegExp(`${alg} needs a secret of at least ${bytes} bytes`),
    );
    expectNoSecrets(error, [short]);
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: randomBytes(bytes - 1), alg }),
      /needs a secret of at least/,
    );
    await expect(
      signAssertion({ issuer: 'i', audience: AUD, key: 'x'.repeat(bytes), alg }),
    ).resolves.toMatch(/^ey/);
  });

  it('refuses an HMAC CryptoKey shorter than the hash output', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      randomBytes(16),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key, alg: 'HS256' }),
      /at least 32 bytes/,
    );
  });

  it('refuses ClientSecretJWT with an asymmetric alg and PrivateKeyJWT with an HS alg', () => {
    expect(
      (thrownBy(() => new ClientSecretJWT({ alg: 'RS256' as 'HS256' })) as Error).message,
    ).toMatch(/for RS256 use PrivateKeyJWT/);
    expect(
      (thrownBy(() => new PrivateKeyJWT({ alg: 'HS256' as 'RS256' })) as Error).message,
    ).toMatch(/for HS256 \(a shared secret\) use ClientSecretJWT/);
  });

  it('refuses public keys and certificates', async () => {
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: rsa.publicPem }),
      /public key; signing needs the private key/,
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: rsa.publicJwk }),
      /public key; signing needs the private key/,
    );
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      p256.publicJwk as JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: publicKey, alg: 'ES256' }),
      /public key/,
    );
  });

  it('refuses a key of the wrong type or curve, and RSA keys under 2048 bits', async () => {
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: p384.privatePem, alg: 'ES256' }),
      /cannot be used with ES256/,
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: p256.privateJwk, alg: 'RS256' }),
      /the JWK is a EC key; RS256 needs an RSA key/,
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: p384.privateJwk, alg: 'ES256' }),
      /the JWK is on curve P-384; ES256 needs P-256/,
    );
    const ecCryptoKey = (await importSigningKey(p384.privatePem, 'ES384')).key;
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: ecCryptoKey, alg: 'ES256' }),
      /the key is on P-384; ES256 needs P-256/,
    );
    const rsaCryptoKey = (await importSigningKey(rsa.privatePem, 'RS256')).key;
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: rsaCryptoKey, alg: 'PS256' }),
      /RSASSA-PKCS1-v1_5 key; PS256 needs a RSA-PSS key/,
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: rsaCryptoKey, alg: 'RS384' }),
      /bound to SHA-256; RS384 needs SHA-384/,
    );
    await expectRefused(
      signAssertion({
        issuer: 'i',
        audience: AUD,
        key: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
        alg: 'ES256',
      }),
      /RSA key; ES256 needs another key type/,
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expectRefused(
      signAssertion({
        issuer: 'i',
        audience: AUD,
        key: small.export({ format: 'pem', type: 'pkcs8' }) as string,
      }),
      /at least 2048 bits/,
    );
  });

  it('refuses a JWK whose alg or use says otherwise', async () => {
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: { ...rsa.privateJwk, alg: 'PS256' } }),
      /the JWK is for alg PS256, not RS256/,
    );
    await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: { ...rsa.privateJwk, use: 'enc' } }),
      /use "enc"/,
    );
  });

  it('refuses encrypted and malformed PEM without echoing it', async () => {
    await expectRefused(
      signAssertion({
        issuer: 'i',
        audience: AUD,
        key: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----',
      }),
      /encrypted; decrypt it first/,
    );
    const corrupted = rsa.privatePem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n');
    const error = await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: corrupted }),
      /cannot be used with RS256/,
    );
    expectNoSecrets(error, [pemBody(corrupted)]);
  });

  it('reads a string starting with "{" as a JWK when it is one, else as an HMAC secret', async () => {
    const braced = `{${secret64}}`;
    const jwt = await signAssertion({ issuer: 'i', audience: AUD, key: braced, alg: 'HS256' });
    await expect(
      jwtVerify(jwt, new TextEncoder().encode(braced), { algorithms: ['HS256'] }),
    ).resolves.toBeDefined();
    const error = await expectRefused(
      signAssertion({ issuer: 'i', audience: AUD, key: braced, alg: 'RS256' }),
      /starts with "\{" but is not a JWK/,
    );
    expectNoSecrets(error, [braced]);
  });

  it('refuses reserved claims, an alg header, a list audience and bad lifetimes', async () => {
    const base = { issuer: 'i', audience: AUD, key: secret64, alg: 'HS256' };
    for (const name of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti']) {
      await expectRefused(
        signAssertion({ ...base, claims: { [name]: 'x' } }),
        /claims may not set/,
      );
    }
    await expectRefused(signAssertion({ ...base, headers: { alg: 'none' } }), /may not set "alg"/);
    await expectRefused(
      signAssertion({ ...base, audience: [AUD, 'other'] as unknown as string }),
      /single string/,
    );
    for (const expiresIn of [0, -1, 1.5, 86_401, Number.NaN]) {
      await expectRefused(signAssertion({ ...base, expiresIn }), /expiresIn must be/);
    }
    await expectRefused(signAssertion({ ...base, issuer: '' }), /issuer must be a non-empty/);
    await expectRefused(
      signAssertion({ ...base, key: 42 as unknown as string }),
      /must be a PEM string, a JWK, a CryptoKey/,
    );
  });
});
