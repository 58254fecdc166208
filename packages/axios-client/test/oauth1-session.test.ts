import { generateKeyPairSync } from 'node:crypto';
import { InvalidArgumentError, TransportError } from '@x/core';
import { SIGNATURE_TYPES, type SignatureMethodName } from '@x/oauth1';
import { startSilentServer, waitFor } from '@x/testing';
import type { AxiosResponse } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The OAuth 1.0a provider of @x/oauth1's own tests, built on verifySignature.
import { type Provider, startProvider } from '../../oauth1/test/support/provider.js';
import { OAuth1Session, type OAuth1SessionOptions } from '../src/oauth1.js';

// OAuth1Session over axios: the three legs and protected requests against a
// loopback provider that verifies every signature (body parameters included
// exactly when the body is form-encoded).

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const CLIENT = { clientId: 'printer', clientSecret: 'kd94hf93 k423&kf44' };
const CALLBACK = 'http://127.0.0.1:1/ready';
const METHODS: SignatureMethodName[] = ['HMAC-SHA1', 'RSA-SHA256', 'PLAINTEXT'];

let provider: Provider;
beforeAll(async () => {
  provider = await startProvider({
    [CLIENT.clientId]: {
      secret: CLIENT.clientSecret,
      rsaPublicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    },
  });
});
afterAll(async () => {
  expect(provider.rejections).toEqual([]);
  await provider.close();
});

function session(options: Partial<OAuth1SessionOptions> = {}): OAuth1Session {
  return new OAuth1Session({
    ...CLIENT,
    rsaKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    redirectUri: CALLBACK,
    allowInsecureTransport: true,
    ...options,
  });
}

/** The user approving: the provider redirects to the callback, which is not requested. */
async function approve(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') as string;
}

/** A protected request's answer: the provider echoes the method and body it verified. */
async function photos(
  request: Promise<AxiosResponse<{ method: string; body: string }>>,
): Promise<{ method: string; body: string }> {
  const response = await request;
  expect(response.status).toBe(200);
  return response.data;
}

describe('OAuth1Session (axios): three legs, then protected requests', () => {
  for (const signatureMethod of METHODS) {
    for (const signatureType of SIGNATURE_TYPES) {
      it(`${signatureMethod} / ${signatureType}`, async () => {
        await using oauth = session({ signatureMethod, signatureType, realm: 'photos' });
        const temporary = await oauth.fetchRequestToken(`${provider.url}/initiate`, {
          scope: 'photos',
        });
        const url = oauth.createAuthorizationUrl(`${provider.url}/authorize`);
        const callback = await approve(url);
        expect(oauth.parseAuthorizationResponse(callback)).toMatchObject({
          oauth_token: temporary.oauth_token,
        });
        const token = await oauth.fetchAccessToken(`${provider.url}/token`);
        expect(token).toMatchObject({ user_id: '42', scope: 'photos' });
        expect(oauth.token).toEqual(token);
        expect(oauth.client.token).toBe(oauth.token);

        const resource = `${provider.url}/photos?size=original&file=vacation.jpg`;
        // Form bodies: their parameters are signed (the provider includes them); with BODY
        // the protocol parameters are appended to them.
        const signedForm = (body: string, sent: string) => {
          expect(body.startsWith(sent)).toBe(true);
          expect(body.includes('oauth_signature=')).toBe(signatureType === 'BODY');
        };
        const api = oauth.axios;
        const form = new URLSearchParams({ title: 'a b+c', tag: 'ü' });
        signedForm((await photos(api.post(resource, form))).body, `${form}`);
        // axios sends a string without a content type as a form: so it is signed as one.
        const text = 'title=x%20y&tag=1';
        const formString = await photos(api.put(resource, text));
        expect(formString.method).toBe('PUT');
        signedForm(formString.body, text);
        if (signatureType === 'BODY') {
          // Nowhere to put the parameters: refused before anything is sent.
          const error = await api.post(resource, { a: 1 }).catch((e: unknown) => e);
          expect(InvalidArgumentError.isInstance(error)).toBe(true);
          return;
        }
        // Other bodies: not signed, and the provider does not read them as parameters.
        expect(await photos(api.get(resource))).toMatchObject({ method: 'GET' });
        const json = { title: 'x', tags: ['a', 'b'] };
        expect((await photos(api.patch(resource, json))).body).toBe(JSON.stringify(json));
        const plain = api.post(resource, 'title=looks-like-a-form', {
          headers: { 'content-type': 'text/plain' },
        });
        expect((await photos(plain)).body).toBe('title=looks-like-a-form');
        const multipart = new FormData();
        multipart.append('title', 'x');
        multipart.append('file', new Blob(['bytes']), 'a.bin');
        expect((await photos(api.post(resource, multipart))).body).toContain(
          'name="file"; filename="a.bin"',
        );
      });
    }
  }

  it('surfaces the provider refusing a wrong verifier as a typed error', async () => {
    await using oauth = session();
    await oauth.fetchRequestToken(`${provider.url}/initiate`);
    const error = await oauth
      .fetchAccessToken(`${provider.url}/token`, 'wrong')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OAuth1ResponseError', status: 401 });
    expect(provider.rejections.splice(0)).toEqual(['parameter_rejected']);
  });
});

describe('OAuth1Session (axios) close()', () => {
  it('rejects requests in flight and every later call', async () => {
    const silent = await startSilentServer();
    try {
      const oauth = session({ token: 'token', tokenSecret: 'secret' });
      const settled = (promise: Promise<unknown>) =>
        promise.then(
          () => 'resolved',
          (error: unknown) => error,
        );
      const inFlight = [
        settled(oauth.axios.get(silent.url)),
        settled(oauth.fetchRequestToken(`${silent.origin}/initiate`)),
      ];
      expect(await waitFor(() => silent.requests.length === 2)).toBe(true);
      await oauth.close();
      const later = [
        settled(oauth.axios.get(silent.url)),
        settled(oauth.fetchAccessToken(silent.url, 'v')),
      ];
      for (const error of await Promise.all([...inFlight, ...later])) {
        expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
      }
      expect(silent.requests).toHaveLength(2);
    } finally {
      await silent.close();
    }
  });
});
