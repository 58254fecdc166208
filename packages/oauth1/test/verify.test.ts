/**
 * verifySignature's refusals (RFC 5849 3.2) and the nonce store.
 */
import type { HttpRequest } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  MemoryNonceStore,
  OAuth1VerificationError,
  signRequest,
  type VerifySignatureOptions,
  verifySignature,
} from '../src/index.js';

const NOW = 1_700_000_000;
const clock = { now: () => NOW * 1000 };
const secrets = { clientSecret: 'cs-secret-value', tokenSecret: 'ts-secret-value' };
const acceptAll = { check: () => true };
const options: VerifySignatureOptions = { ...secrets, clock, nonceStore: acceptAll };

let counter = 0;
async function signed(
  overrides: Partial<HttpRequest> = {},
  signing: Record<string, unknown> = {},
  values: Record<string, unknown> = {},
): Promise<HttpRequest> {
  return signRequest(
    { method: 'GET', url: 'https://api.example.com/r?x=1', headers: new Headers(), ...overrides },
    { clientId: 'client', token: 'tok', ...secrets, ...signing },
    { nonce: `nonce-${++counter}`, timestamp: NOW, ...values },
  );
}

async function rejection(request: Promise<unknown>): Promise<OAuth1VerificationError> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(OAuth1VerificationError.isInstance(error)).toBe(true);
  return error as OAuth1VerificationError;
}

describe('verifySignature', () => {
  it('returns the protocol parameters of a valid request, realm ignored', async () => {
    const request = await signed({}, { realm: 'Photos' });
    await expect(verifySignature(request, options)).resolves.toEqual({
      oauth_consumer_key: 'client',
      oauth_token: 'tok',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(NOW),
      oauth_nonce: `nonce-${counter}`,
      oauth_version: '1.0',
    });
  });

  it('reports missing parameters (400 parameter_absent) with their names', async () => {
    const request: HttpRequest = {
      method: 'GET',
      url: 'https://api.example.com/r',
      headers: new Headers({
        authorization: authorizationHeader([
          ['oauth_consumer_key', 'client'],
          ['oauth_signature_method', 'HMAC-SHA1'],
          ['oauth_signature', 'x'],
        ]),
      }),
    };
    const error = await rejection(verifySignature(request, options));
    expect(error).toMatchObject({
      code: 'ERR_REQUEST_REJECTED',
      status: 400,
      oauth_problem: 'parameter_absent',
    });
    expect(error.parameters).toEqual({ oauth_parameters_absent: 'oauth_timestamp&oauth_nonce' });
    expect(error.toFormBody()).toBe(
      'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_timestamp%26oauth_nonce',
    );
    const none = await rejection(
      verifySignature({ method: 'GET', url: 'https://a.test/', headers: new Headers() }, options),
    );
    expect(none.oauth_problem).toBe('parameter_absent');
  });

  it('refuses duplicated protocol parameters and parameters in two locations (400)', async () => {
    const request = await signed();
    const header = request.headers.get('authorization') as string;
    const twice = {
      ...request,
      headers: new Headers({ authorization: `${header}, oauth_nonce="again"` }),
    };
    expect(await rejection(verifySignature(twice, options))).toMatchObject({
      status: 400,
      oauth_problem: 'parameter_rejected',
    });
    const split = { ...request, url: `${request.url}&oauth_callback=oob` };
    expect(await rejection(verifySignature(split, options))).toMatchObject({
      status: 400,
      oauth_problem: 'parameter_rejected',
    });
    const query = await signed({}, { signatureType: 'QUERY' });
    const repeated = { ...query, url: `${query.url}&oauth_nonce=x` };
    expect(await rejection(verifySignature(repeated, options))).toMatchObject({
      oauth_problem: 'parameter_rejected',
    });
  });

  it('refuses a malformed Authorization header, a bad version, unknown or refused methods', async () => {
    const malformed = {
      method: 'GET',
      url: 'https://a.test/',
      headers: new Headers({ authorization: 'OAuth oauth_nonce="unterminated' }),
    };
    expect(await rejection(verifySignature(malformed, options))).toMatchObject({
      status: 400,
      oauth_problem: 'parameter_rejected',
    });
    const request = await signed();
    const header = request.headers.get('authorization') as string;
    const version = {
      ...request,
      headers: new Headers({
        authorization: header.replace('oauth_version="1.0"', 'oauth_version="2.0"'),
      }),
    };
    expect(await rejection(verifySignature(version, options))).toMatchObject({
      oauth_problem: 'version_rejected',
    });
    const unknown = {
      ...request,
      headers: new Headers({ authorization: header.replace('HMAC-SHA1', 'HMAC-MD5') }),
    };
    expect(await rejection(verifySignature(unknown, options))).toMatchObject({
      status: 400,
      oauth_problem: 'signature_method_rejected',
    });
    expect(
      await rejection(verifySignature(request, { ...options, signatureMethods: ['RSA-SHA256'] })),
    ).toMatchObject({ oauth_problem: 'signature_method_rejected' });
  });

  it('accepts PLAINTEXT over https (no nonce needed), refuses it over http unless loopback is allowed', async () => {
    const plain = await signed({}, { signatureMethod: 'PLAINTEXT' });
    await expect(verifySignature(plain, options)).resolves.toMatchObject({
      oauth_signature_method: 'PLAINTEXT',
    });
    const header = plain.headers.get('authorization') as string;
    const bare = {
      ...plain,
      headers: new Headers({
        authorization: header.replace(/, oauth_timestamp="\d+", oauth_nonce="[^"]+"/, ''),
      }),
    };
    await expect(verifySignature(bare, options)).resolves.not.toHaveProperty('oauth_nonce');
    const overHttp = { ...plain, url: 'http://127.0.0.1:8080/r?x=1' };
    expect(await rejection(verifySignature(overHttp, options))).toMatchObject({
      oauth_problem: 'signature_method_rejected',
    });
    await expect(
      verifySignature(overHttp, { ...options, allowInsecureTransport: true }),
    ).resolves.toMatchObject({ oauth_signature_method: 'PLAINTEXT' });
    const remote = { ...plain, url: 'http://api.example.com/r?x=1' };
    expect(
      await rejection(verifySignature(remote, { ...options, allowInsecureTransport: true })),
    ).toMatchObject({ oauth_problem: 'signature_method_rejected' });
    const wrong = await rejection(
      verifySignature(plain, { ...options, clientSecret: 'another-secret' }),
    );
    expect(wrong).toMatchObject({ status: 401, oauth_problem: 'signature_invalid' });
  });

  it('refuses stale and future timestamps (401 timestamp_refused) and malformed ones (400)', async () => {
    for (const timestamp of [NOW - 301, NOW + 301]) {
      const error = await rejection(verifySignature(await signed({}, {}, { timestamp }), options));
      expect(error).toMatchObject({ status: 401, oauth_problem: 'timestamp_refused' });
      expect(error.parameters).toEqual({
        oauth_acceptable_timestamps: `${NOW - 300}-${NOW + 300}`,
      });
    }
    await expect(
      verifySignature(await signed({}, {}, { timestamp: NOW - 300 }), options),
    ).resolves.toBeDefined();
    await expect(
      verifySignature(await signed({}, {}, { timestamp: NOW - 3000 }), {
        ...options,
        timestampWindow: 3600,
      }),
    ).resolves.toBeDefined();
    for (const timestamp of ['0', '-5', '1.5', 'abc', '0123']) {
      const error = await rejection(verifySignature(await signed({}, {}, { timestamp }), options));
      expect(error).toMatchObject({ status: 400, oauth_problem: 'parameter_rejected' });
    }
  });

  it('refuses a replayed nonce (401 nonce_used), with the default store too', async () => {
    const store = new MemoryNonceStore({ clock });
    const request = await signed();
    await verifySignature(request, { ...options, nonceStore: store });
    expect(
      await rejection(verifySignature(request, { ...options, nonceStore: store })),
    ).toMatchObject({ status: 401, oauth_problem: 'nonce_used' });
    const { nonceStore: _, ...defaults } = options;
    await verifySignature(request, defaults);
    expect(await rejection(verifySignature(request, defaults))).toMatchObject({
      oauth_problem: 'nonce_used',
    });
  });

  it('records a nonce only once the signature is valid', async () => {
    const store = new MemoryNonceStore({ clock });
    const request = await signed();
    await rejection(
      verifySignature(request, { ...options, clientSecret: 'bad', nonceStore: store }),
    );
    expect(store.size).toBe(0);
    await verifySignature(request, { ...options, nonceStore: store });
    expect(store.size).toBe(1);
  });

  it('looks up credentials per request; unknown clients and lookup refusals are typed', async () => {
    const request = await signed();
    const seen: unknown[] = [];
    const lookup: VerifySignatureOptions['lookup'] = async (params) => {
      seen.push(params);
      if (params.oauth_consumer_key !== 'client') return undefined;
      if (params.oauth_token !== 'tok') {
        throw new OAuth1VerificationError('token_rejected', 401, 'unknown token');
      }
      return secrets;
    };
    await expect(
      verifySignature(request, { clock, nonceStore: acceptAll, lookup }),
    ).resolves.toBeDefined();
    expect(seen[0]).toMatchObject({ oauth_consumer_key: 'client', oauth_token: 'tok' });
    expect(seen[0]).not.toHaveProperty('oauth_signature');
    const stranger = await signed({}, { clientId: 'stranger' });
    expect(
      await rejection(verifySignature(stranger, { clock, nonceStore: acceptAll, lookup })),
    ).toMatchObject({ status: 401, oauth_problem: 'consumer_key_unknown' });
    const otherToken = await signed({}, { token: 'other' });
    expect(
      await rejection(verifySignature(otherToken, { clock, nonceStore: acceptAll, lookup })),
    ).toMatchObject({ status: 401, oauth_problem: 'token_rejected' });
    // An HMAC request from a client with only an RSA key.
    expect(
      await rejection(
        verifySignature(request, {
          clock,
          nonceStore: acceptAll,
          lookup: () => ({ rsaPublicKey: 'x' }),
        }),
      ),
    ).toMatchObject({ status: 400, oauth_problem: 'signature_method_rejected' });
  });

  it('refuses oauth_body_hash on form bodies', async () => {
    const request = await signed({
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'a=1',
    });
    const header = request.headers.get('authorization') as string;
    const hashed = { ...request, headers: new Headers(request.headers) };
    hashed.headers.set(
      'authorization',
      `${header}, oauth_body_hash="2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D"`,
    );
    expect(await rejection(verifySignature(hashed, options))).toMatchObject({
      status: 400,
      oauth_problem: 'parameter_rejected',
    });
  });

  it('keeps secrets and signatures out of its errors', async () => {
    const request = await signed();
    const error = await rejection(verifySignature(request, { ...options, clientSecret: 'nope' }));
    const signature = /oauth_signature="([^"]+)"/.exec(
      request.headers.get('authorization') ?? '',
    )?.[1];
    const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
    for (const secret of [secrets.tokenSecret, 'nope', signature as string]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('MemoryNonceStore', () => {
  it('forgets nonces after ttlSeconds and beyond maxEntries, oldest first', () => {
    let now = 0;
    const store = new MemoryNonceStore({
      maxEntries: 3,
      ttlSeconds: 10,
      clock: { now: () => now },
    });
    expect(store.check('c', '1', 'a', undefined)).toBe(true);
    expect(store.check('c', '1', 'a', undefined)).toBe(false);
    expect(store.check('c', '1', 'a', 'token')).toBe(true); // another token: another key
    expect(store.check('c', '2', 'a', undefined)).toBe(true);
    expect(store.check('c', '1', 'b', undefined)).toBe(true); // evicts the oldest
    expect(store.size).toBe(3);
    expect(store.check('c', '1', 'a', undefined)).toBe(true);
    now = 11_000;
    expect(store.check('c', '1', 'b', undefined)).toBe(true);
    expect(store.size).toBe(1);
  });

  it('refuses nonsense bounds', () => {
    expect(() => new MemoryNonceStore({ maxEntries: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => new MemoryNonceStore({ ttlSeconds: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
