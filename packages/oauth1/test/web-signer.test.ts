/**
 * The whole signing pipeline on the Web Crypto back end, as browsers, Deno,
 * Bun and workers run it: `#signer` is pointed at `signer.ts` for this file.
 * The RFC 5849 vector must come out as published, and every HMAC and RSA
 * signature must equal node:crypto's on the same base string (the other
 * test files run the pipeline on the node:crypto back end).
 *
 * vi.mock replaces the module `#signer` resolves to, so this file cannot
 * import signer.node.ts itself: node:crypto is called directly instead.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { HttpRequest } from '@x/core';
import { describe, expect, it, vi } from 'vitest';
import * as resolved from '#signer';
import {
  BUILTIN_SIGNATURE_METHODS,
  OAuth1Auth,
  parseAuthorizationHeader,
  requestParameters,
  signatureBaseString,
  signingKey,
  signRequest,
  verifySignature,
} from '../src/index.js';

vi.mock('#signer', () => import('../src/lib/signer.js'));

const acceptAnyNonce = { check: () => true };

describe('signing on the Web Crypto back end', () => {
  it('is the back end in use in this file', () => {
    expect(resolved.SIGNER).toBe('web-crypto');
  });

  it('signs RFC 5849 1.2 to its published Authorization header, with crypto.subtle', async () => {
    const subtleSign = vi.spyOn(crypto.subtle, 'sign');
    const signed = await signRequest(
      {
        method: 'GET',
        url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
        headers: new Headers(),
      },
      {
        clientId: 'dpf43f3p2l4k3l03',
        clientSecret: 'kd94hf93k423kf44',
        token: 'nnch734d00sl2jdk',
        tokenSecret: 'pfkkdhi9sl3r4s00',
        realm: 'Photos',
      },
      { nonce: 'chapoH', timestamp: 137131202, includeVersion: false },
    );
    expect(signed.headers.get('authorization')).toBe(
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
    );
    expect(subtleSign).toHaveBeenCalledTimes(1);
  });

  it('gives node:crypto’s signature for every HMAC and RSA method', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaKey = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const rsaPublicKey = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const credentials = {
      clientId: 'client ü',
      clientSecret: 'secret&=',
      token: 'token+/',
      tokenSecret: 'token secret ☃',
    };
    const request: HttpRequest = {
      method: 'POST',
      url: 'https://api.example.com/photos?size=original&size=',
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'title=Vacation+%E2%98%80&tag=a',
    };
    const methods = BUILTIN_SIGNATURE_METHODS.filter((name) => name !== 'PLAINTEXT');
    expect(methods).toHaveLength(6);
    for (const signatureMethod of methods) {
      const signed = await signRequest(
        request,
        { ...credentials, signatureMethod, rsaKey },
        { nonce: 'n', timestamp: 1 },
      );
      const header = parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? [];
      const baseString = signatureBaseString('POST', request.url, [
        ...requestParameters(request),
        ...header,
      ]);
      const digest = `sha${signatureMethod.split('-SHA')[1]}`;
      const expected = signatureMethod.startsWith('RSA-')
        ? sign(digest, Buffer.from(baseString), privateKey).toString('base64')
        : createHmac(digest, signingKey(credentials.clientSecret, credentials.tokenSecret))
            .update(baseString)
            .digest('base64');
      expect(Object.fromEntries(header).oauth_signature, signatureMethod).toBe(expected);
      await expect(
        verifySignature(signed, {
          ...credentials,
          rsaPublicKey,
          nonceStore: acceptAnyNonce,
          clock: { now: () => 1000 },
        }),
      ).resolves.toMatchObject({ oauth_signature_method: signatureMethod });
    }
  });

  it('signs and verifies with OAuth1Auth', async () => {
    const auth = new OAuth1Auth({ clientId: 'c', clientSecret: 's' });
    const signed = await auth.authorize({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: new Headers(),
    });
    await expect(
      verifySignature(signed, { clientSecret: 's', tokenSecret: '', nonceStore: acceptAnyNonce }),
    ).resolves.toMatchObject({ oauth_consumer_key: 'c' });
  });
});
