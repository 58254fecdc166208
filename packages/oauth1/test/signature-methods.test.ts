/**
 * Every signature method × every signature type, signed by OAuth1Auth and
 * accepted by verifySignature; RSA keys in every accepted form,
 * cross-checked with node:crypto; custom methods; oauth_body_hash; the
 * request shapes a signature type refuses.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  verify as nodeVerify,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HttpRequest } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SIGNATURE_METHODS,
  computeBodyHash,
  getSignatureMethod,
  importRsaPublicKey,
  OAuth1Auth,
  parseAuthorizationHeader,
  registerSignatureMethod,
  requestParameters,
  SIGNATURE_TYPES,
  signatureBaseString,
  signRequest,
  verifySignature,
} from '../src/index.js';

const FORM = 'application/x-www-form-urlencoded';
const NOW = 1_700_000_000;
const clock = { now: () => NOW * 1000 };

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS1_PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const PKCS8_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const PRIVATE_JWK = privateKey.export({ format: 'jwk' }) as JsonWebKey;
const SPKI_PEM = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const PKCS1_PUBLIC_PEM = publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const PUBLIC_JWK = publicKey.export({ format: 'jwk' }) as JsonWebKey;

const credentials = {
  clientId: 'client-ü',
  clientSecret: 'client secret&=',
  token: 'token+/',
  tokenSecret: 'token secret ☃',
};

function oauthParams(signed: HttpRequest): Record<string, string> {
  const all = [
    ...requestParameters(signed),
    ...(parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? []),
  ];
  return Object.fromEntries(all.filter(([name]) => name.startsWith('oauth_')));
}

function baseStringOf(signed: HttpRequest): string {
  return signatureBaseString(signed.method, signed.url, [
    ...requestParameters(signed),
    ...(parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? []),
  ]);
}

function withContentType(request: HttpRequest, contentType: string): HttpRequest {
  const headers = new Headers(request.headers);
  headers.set('content-type', contentType);
  return { ...request, headers };
}

function resource(signatureType: string): HttpRequest {
  // BODY needs a method with body semantics; the others sign a GET with a query.
  return signatureType === 'BODY'
    ? {
        method: 'POST',
        url: 'https://api.example.com/photos?size=original',
        headers: new Headers({ 'content-type': `${FORM}; charset=UTF-8` }),
        body: 'title=Vacation+%E2%98%80&tag=a&tag=',
      }
    : {
        method: 'GET',
        url: 'https://api.example.com/photos?file=vacation.jpg&size=original&size=',
        headers: new Headers(),
      };
}

describe('every signature method × signature type: signed by OAuth1Auth, accepted by verifySignature', () => {
  for (const signatureMethod of BUILTIN_SIGNATURE_METHODS) {
    for (const signatureType of SIGNATURE_TYPES) {
      it(`${signatureMethod} / ${signatureType}`, async () => {
        const rsa = signatureMethod.startsWith('RSA-');
        const auth = new OAuth1Auth({
          ...credentials,
          signatureMethod,
          signatureType,
          realm: 'Photos',
          clock,
          ...(rsa ? { rsaKey: PKCS1_PEM } : {}),
        });
        const signed = await auth.authorize(resource(signatureType));
        const params = oauthParams(signed);
        expect(params.oauth_signature_method).toBe(signatureMethod);
        expect(params.oauth_timestamp).toBe(String(NOW));
        expect(params.oauth_token).toBe(credentials.token);
        expect(signed.headers.has('authorization')).toBe(signatureType === 'HEADER');

        const verified = await verifySignature(signed, {
          clientSecret: credentials.clientSecret,
          tokenSecret: credentials.tokenSecret,
          rsaPublicKey: SPKI_PEM,
          clock,
          nonceStore: { check: () => true },
        });
        expect(verified.oauth_consumer_key).toBe(credentials.clientId);
        expect(verified.oauth_signature).toBeUndefined();

        if (rsa) {
          const hash = `sha${signatureMethod.slice(7)}`;
          const valid = nodeVerify(
            hash,
            Buffer.from(baseStringOf(signed)),
            publicKey,
            Buffer.from(params.oauth_signature ?? '', 'base64'),
          );
          expect(valid).toBe(true);
        }
        if (signatureMethod === 'PLAINTEXT') {
          expect(params.oauth_signature).toBe('client%20secret%26%3D&token%20secret%20%E2%98%83');
        }

        // The signature covers the request: a changed query parameter fails.
        const tampered = { ...signed, url: signed.url.replace('size=original', 'size=thumb') };
        if (signatureMethod !== 'PLAINTEXT') {
          await expect(
            verifySignature(tampered, {
              ...credentials,
              rsaPublicKey: SPKI_PEM,
              clock,
              nonceStore: { check: () => true },
            }),
          ).rejects.toMatchObject({
            code: 'ERR_REQUEST_REJECTED',
            oauth_problem: 'signature_invalid',
          });
        }
      });
    }
  }

  it('HMAC-SHA1/256/512 match node:crypto HMACs over the same base string', async () => {
    const { createHmac } = await import('node:crypto');
    for (const [method, hash] of [
      ['HMAC-SHA1', 'sha1'],
      ['HMAC-SHA256', 'sha256'],
      ['HMAC-SHA512', 'sha512'],
    ] as const) {
      const signed = await signRequest(
        resource('HEADER'),
        { ...credentials, signatureMethod: method },
        { nonce: 'abc', timestamp: NOW },
      );
      const key = 'client%20secret%26%3D&token%20secret%20%E2%98%83';
      expect(oauthParams(signed).oauth_signature).toBe(
        createHmac(hash, key).update(baseStringOf(signed)).digest('base64'),
      );
    }
  });
});

describe('RSA keys', () => {
  const inputs = {
    'PKCS#1 PEM': PKCS1_PEM,
    'PKCS#8 PEM': PKCS8_PEM,
    JWK: PRIVATE_JWK,
  };
  for (const [form, rsaKey] of Object.entries(inputs)) {
    it(`signs with a ${form} private key (RSA-SHA256), verified by node:crypto`, async () => {
      const signed = await signRequest(
        resource('HEADER'),
        { ...credentials, signatureMethod: 'RSA-SHA256', rsaKey },
        { nonce: 'n', timestamp: NOW },
      );
      const signature = Buffer.from(oauthParams(signed).oauth_signature ?? '', 'base64');
      expect(nodeVerify('sha256', Buffer.from(baseStringOf(signed)), publicKey, signature)).toBe(
        true,
      );
    });
  }

  it('signs with a CryptoKey, re-importing an extractable one imported for another hash', async () => {
    const key = await crypto.subtle.importKey(
      'jwk',
      PRIVATE_JWK,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['sign'],
    );
    for (const signatureMethod of ['RSA-SHA256', 'RSA-SHA1'] as const) {
      const signed = await signRequest(
        resource('HEADER'),
        { ...credentials, signatureMethod, rsaKey: key },
        { nonce: 'n', timestamp: NOW },
      );
      const signature = Buffer.from(oauthParams(signed).oauth_signature ?? '', 'base64');
      const hash = signatureMethod === 'RSA-SHA256' ? 'sha256' : 'sha1';
      expect(nodeVerify(hash, Buffer.from(baseStringOf(signed)), publicKey, signature)).toBe(true);
    }
    const fixed = await crypto.subtle.importKey(
      'jwk',
      PRIVATE_JWK,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await expect(
      signRequest(
        resource('HEADER'),
        { ...credentials, signatureMethod: 'RSA-SHA1', rsaKey: fixed },
        { nonce: 'n', timestamp: NOW },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('verifies with SPKI PEM, PKCS#1 PEM, JWK and CryptoKey public keys', async () => {
    const signed = await new OAuth1Auth({
      ...credentials,
      signatureMethod: 'RSA-SHA512',
      rsaKey: PKCS8_PEM,
      clock,
    }).authorize(resource('QUERY'));
    const cryptoKey = await crypto.subtle.importKey(
      'spki',
      publicKey.export({ type: 'spki', format: 'der' }),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
      false,
      ['verify'],
    );
    for (const rsaPublicKey of [SPKI_PEM, PKCS1_PUBLIC_PEM, PUBLIC_JWK, cryptoKey]) {
      await expect(
        verifySignature(signed, { rsaPublicKey, clock, nonceStore: { check: () => true } }),
      ).resolves.toMatchObject({ oauth_signature_method: 'RSA-SHA512' });
    }
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await expect(
      verifySignature(signed, {
        rsaPublicKey: other.export({ type: 'spki', format: 'pem' }) as string,
        clock,
        nonceStore: { check: () => true },
      }),
    ).rejects.toMatchObject({ oauth_problem: 'signature_invalid', status: 401 });
  });

  it('reads the public key of an X.509 certificate', async () => {
    const pem = readFileSync(new URL('./fixtures/self-signed-cert.pem', import.meta.url), 'utf8');
    const key = await importRsaPublicKey(pem, 'SHA-1');
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', key));
    const expected = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    expect(spki.equals(expected)).toBe(true);
    expect(createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType).toBe(
      'rsa',
    );
  });

  it('refuses keys it cannot use, with typed errors and no key material in the message', async () => {
    const sign = (rsaKey: unknown) =>
      signRequest(
        resource('HEADER'),
        { ...credentials, signatureMethod: 'RSA-SHA1', rsaKey: rsaKey as string },
        { nonce: 'n', timestamp: NOW },
      );
    await expect(sign('not a key')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(sign(SPKI_PEM)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(sign(PUBLIC_JWK)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const encrypted = privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    }) as string;
    const error = (await sign(encrypted).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(error.message).toContain('encrypted');
    const truncated = (await sign(PKCS8_PEM.replace(/[A-Za-z0-9+/]{64}\n/, '')).catch(
      (e: unknown) => e,
    )) as Error;
    expect(truncated).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(truncated.message).not.toContain(PKCS8_PEM.slice(40, 80));
    expect(() => new OAuth1Auth({ clientId: 'c', signatureMethod: 'RSA-SHA256' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('registerSignatureMethod', () => {
  it('adds a custom method that clients and the verifier use', async () => {
    registerSignatureMethod('HMAC-SHA384', {
      bodyHash: 'SHA-256',
      async sign(baseString, { clientSecret, tokenSecret }) {
        const key = await crypto.subtle.importKey(
          'raw',
          new TextEncoder().encode(`${clientSecret}&${tokenSecret}`),
          { name: 'HMAC', hash: 'SHA-384' },
          false,
          ['sign'],
        );
        const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(baseString));
        return Buffer.from(mac).toString('base64');
      },
      async verify(baseString, signature, keys) {
        return (await this.sign(baseString, { ...keys })) === signature;
      },
    });
    const signed = await new OAuth1Auth({
      ...credentials,
      signatureMethod: 'HMAC-SHA384',
      clock,
    }).authorize(resource('HEADER'));
    expect(oauthParams(signed).oauth_signature).toHaveLength(64);
    await expect(
      verifySignature(signed, { ...credentials, clock, nonceStore: { check: () => true } }),
    ).resolves.toMatchObject({ oauth_signature_method: 'HMAC-SHA384' });
    await expect(
      verifySignature(signed, {
        ...credentials,
        clock,
        nonceStore: { check: () => true },
        signatureMethods: ['HMAC-SHA256'],
      }),
    ).rejects.toMatchObject({ oauth_problem: 'signature_method_rejected', status: 400 });
  });

  it('refuses a malformed name or method, and unknown methods at construction', () => {
    expect(() => registerSignatureMethod('bad name', { sign: () => '' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => registerSignatureMethod('X', {} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(getSignatureMethod('NOPE')).toBeUndefined();
    expect(() => new OAuth1Auth({ clientId: 'c', signatureMethod: 'NOPE' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('oauth_body_hash and bodies', () => {
  const json: HttpRequest = {
    method: 'POST',
    url: 'https://api.example.com/statuses',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: '{"status":"hello","a":[1,2]}',
  };

  it('hashes a non-form text body with the method’s digest only with forceIncludeBody', async () => {
    const values = { nonce: 'n', timestamp: NOW };
    const plain = await signRequest(json, credentials, values);
    expect(oauthParams(plain).oauth_body_hash).toBeUndefined();
    expect(plain.body).toBe(json.body);

    for (const [signatureMethod, hash] of [
      ['HMAC-SHA1', 'sha1'],
      ['HMAC-SHA256', 'sha256'],
      ['RSA-SHA512', 'sha512'],
    ] as const) {
      const signed = await signRequest(
        json,
        { ...credentials, signatureMethod, rsaKey: PKCS8_PEM, forceIncludeBody: true },
        values,
      );
      expect(oauthParams(signed).oauth_body_hash).toBe(
        createHash(hash)
          .update(json.body ?? '')
          .digest('base64'),
      );
      const options = {
        ...credentials,
        rsaPublicKey: SPKI_PEM,
        clock,
        nonceStore: { check: () => true },
      };
      await expect(verifySignature(signed, options)).resolves.toMatchObject({
        oauth_body_hash: oauthParams(signed).oauth_body_hash,
      });
      await expect(
        verifySignature({ ...signed, body: '{"status":"evil"}' }, options),
      ).rejects.toMatchObject({ oauth_problem: 'signature_invalid', status: 401 });
    }
    expect(await computeBodyHash('', 'SHA-1')).toBe('2jmj7l5rSw0yVb/vlWAYkK/YBwk=');
  });

  it('never hashes PLAINTEXT requests, form bodies or opaque bodies', async () => {
    const values = { nonce: 'n', timestamp: NOW };
    const options = { ...credentials, forceIncludeBody: true };
    const plaintext = await signRequest(json, { ...options, signatureMethod: 'PLAINTEXT' }, values);
    expect(oauthParams(plaintext).oauth_body_hash).toBeUndefined();
    const form = await signRequest(
      { ...json, headers: new Headers({ 'content-type': FORM }), body: 'a=1' },
      options,
      values,
    );
    expect(oauthParams(form).oauth_body_hash).toBeUndefined();
    const opaque = await signRequest(
      {
        ...json,
        body: undefined,
        opaqueBody: true,
        headers: new Headers({ 'content-type': FORM }),
      },
      options,
      values,
    );
    expect(oauthParams(opaque).oauth_body_hash).toBeUndefined();
    expect(opaque.body).toBeUndefined();
  });

  it('signs form body parameters (charset allowed) but never text that is not form-encoded', async () => {
    const values = { nonce: 'n', timestamp: NOW };
    const verify = (request: HttpRequest) =>
      verifySignature(request, { ...credentials, clock, nonceStore: { check: () => true } });
    const post = (contentType: string): HttpRequest => ({
      method: 'POST',
      url: 'https://api.example.com/x',
      headers: new Headers({ 'content-type': contentType }),
      body: 'a=1+2',
    });
    const formType = 'Application/X-WWW-Form-URLEncoded; charset=utf-8';
    const form = await signRequest(post(formType), credentials, values);
    expect(baseStringOf(form)).toContain('a%3D1%25202');
    await expect(verify(form)).resolves.toMatchObject({ oauth_consumer_key: 'client-ü' });
    // Read as anything but a form, the body's parameters are missing: the signature fails.
    await expect(verify(withContentType(form, 'text/plain'))).rejects.toMatchObject({
      oauth_problem: 'signature_invalid',
    });

    const text = await signRequest(post('text/plain'), credentials, values);
    await expect(verify(text)).resolves.toMatchObject({ oauth_consumer_key: 'client-ü' });
    await expect(verify(withContentType(text, FORM))).rejects.toMatchObject({
      oauth_problem: 'signature_invalid',
    });
  });

  it('BODY: adds a form body to a bodiless POST, refuses GET, JSON and opaque bodies', async () => {
    const values = { nonce: 'n', timestamp: NOW };
    const options = { ...credentials, signatureType: 'BODY' as const };
    const empty = await signRequest(
      { method: 'POST', url: 'https://api.example.com/x', headers: new Headers() },
      options,
      values,
    );
    expect(empty.headers.get('content-type')).toBe(FORM);
    expect(empty.body).toMatch(/^oauth_consumer_key=client-%C3%BC&/);
    const refusals: HttpRequest[] = [
      { method: 'GET', url: 'https://api.example.com/x', headers: new Headers() },
      json,
      { ...json, body: undefined, opaqueBody: true },
    ];
    for (const request of refusals) {
      await expect(signRequest(request, options, values)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
  });

  it('QUERY: keeps the existing query and fragment, appends encoded parameters', async () => {
    const signed = await signRequest(
      { method: 'GET', url: 'https://api.example.com/x?q=a%20b&r=1#top', headers: new Headers() },
      { ...credentials, signatureType: 'QUERY' },
      { nonce: 'n', timestamp: NOW },
    );
    expect(signed.url).toMatch(
      /^https:\/\/api\.example\.com\/x\?q=a%20b&r=1&oauth_consumer_key=client-%C3%BC&oauth_token=token%2B%2F&/,
    );
    expect(signed.url.endsWith('#top')).toBe(true);
  });

  it('QUERY: signing a QUERY-signed URL again (a redirect hop) replaces the old parameters', async () => {
    const options = { ...credentials, signatureType: 'QUERY' as const };
    const first = await signRequest(resource('QUERY'), options, { nonce: 'one', timestamp: NOW });
    const second = await signRequest(first, options, { nonce: 'two', timestamp: NOW + 1 });
    const names = [...new URL(second.url).searchParams.keys()];
    expect(names.filter((name) => name === 'oauth_nonce')).toHaveLength(1);
    expect(new URL(second.url).searchParams.get('oauth_nonce')).toBe('two');
    expect(new URL(second.url).searchParams.getAll('size')).toEqual(['original', '']);
    await expect(
      verifySignature(second, {
        ...credentials,
        clock: { now: () => (NOW + 1) * 1000 },
        nonceStore: { check: () => true },
      }),
    ).resolves.toMatchObject({ oauth_nonce: 'two' });
  });

  it('refuses a request that already carries a protocol parameter it would add', async () => {
    await expect(
      signRequest(
        { method: 'GET', url: 'https://api.example.com/x?oauth_token=t', headers: new Headers() },
        credentials,
        { nonce: 'n', timestamp: NOW },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
