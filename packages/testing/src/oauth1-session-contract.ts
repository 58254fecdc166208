import { generateKeyPairSync } from 'node:crypto';
import { InvalidArgumentError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from './rejections.js';
import { startSilentServer, waitFor } from './servers.js';
import {
  expectSessionClosed,
  jsonBody,
  type SessionBody,
  type SessionDriver,
} from './session-driver.js';

/**
 * `OAuth1Session` of each adapter: the three legs and protected requests
 * against a loopback provider that verifies every signature (body parameters
 * included exactly when the body is form-encoded), then `close()`.
 */

/** OAuth 1.0a credentials. */
export interface OAuth1TokenLike {
  oauth_token: string;
  oauth_token_secret: string;
  [member: string]: string;
}

/** What the tables use of an adapter's `OAuth1Session`. */
export interface OAuth1SessionLike extends AsyncDisposable {
  token: OAuth1TokenLike | undefined;
  readonly client: { readonly token: OAuth1TokenLike | undefined };
  fetchRequestToken(url: string, params?: Record<string, string>): Promise<OAuth1TokenLike>;
  createAuthorizationUrl(url: string): string;
  parseAuthorizationResponse(url: string): unknown;
  fetchAccessToken(url: string, verifier?: string): Promise<OAuth1TokenLike>;
  close(): Promise<void>;
}

/** The client options the tables build sessions with. */
export interface OAuth1SessionInit {
  clientId: string;
  clientSecret: string;
  rsaKey?: string;
  redirectUri: string;
  allowInsecureTransport?: boolean;
  signatureMethod?: 'HMAC-SHA1' | 'RSA-SHA256' | 'PLAINTEXT';
  signatureType?: 'HEADER' | 'QUERY' | 'BODY';
  realm?: string;
  token?: string;
  tokenSecret?: string;
}

/** An adapter's {@link SessionDriver}, with its `OAuth1Session` class. */
export interface OAuth1SessionDriver<B, A, S extends B> extends SessionDriver<B, A> {
  OAuth1Session: new (options: NoInfer<OAuth1SessionInit & A>) => S;
}

/** The OAuth 1.0a provider of @x/oauth1's tests (`test/support/provider.ts`), built on `verifySignature`. */
export type StartOAuth1Provider = (
  clients: Record<string, { secret?: string; rsaPublicKey?: string }>,
) => Promise<{ url: string; rejections: string[]; close(): Promise<void> }>;

const METHODS = ['HMAC-SHA1', 'RSA-SHA256', 'PLAINTEXT'] as const;
const SIGNATURE_TYPES = ['HEADER', 'QUERY', 'BODY'] as const;
const CLIENT = { clientId: 'printer', clientSecret: 'kd94hf93 k423&kf44' };
const CALLBACK = 'http://127.0.0.1:1/ready';

/** The user approving: the provider redirects to the callback, which is not requested. */
async function approve(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') as string;
}

/**
 * Registers the `OAuth1Session` table for one adapter, against the provider
 * `startProvider` starts.
 *
 * @example
 * describeOAuth1SessionContract({ ...driver, OAuth1Session }, startProvider)
 */
export function describeOAuth1SessionContract<B, A, S extends B & OAuth1SessionLike>(
  driver: OAuth1SessionDriver<B, A, S>,
  startProvider: StartOAuth1Provider,
): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let provider: Awaited<ReturnType<StartOAuth1Provider>>;

  const session = (options: Partial<OAuth1SessionInit> = {}, adapter?: A): S =>
    new driver.OAuth1Session({
      ...CLIENT,
      rsaKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      redirectUri: CALLBACK,
      allowInsecureTransport: true,
      ...options,
      ...adapter,
    } as OAuth1SessionInit & A);

  /** A protected request's answer: the provider echoes the method and body it verified. */
  const photos = async (
    oauth: S,
    url: string,
    method = 'GET',
    body?: SessionBody,
  ): Promise<{ method: string; body: string }> =>
    jsonBody(await driver.send(oauth, { method, url, ...(body && { body }) })) as {
      method: string;
      body: string;
    };

  describe(`OAuth1Session (${driver.name}): three legs, then protected requests`, () => {
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
          const form = new URLSearchParams({ title: 'a b+c', tag: 'ü' });
          signedForm((await photos(oauth, resource, 'POST', { form })).body, `${form}`);
          // A form-encoded string (axios sends a bare string as one): signed as a form.
          const text = 'title=x%20y&tag=1';
          const formString = await photos(oauth, resource, 'PUT', { formText: text });
          expect(formString.method).toBe('PUT');
          signedForm(formString.body, text);
          if (signatureType === 'BODY') {
            // Nowhere to put the parameters: refused before anything is sent.
            for (const body of [{ json: { a: 1 } }, { text: JSON.stringify({ a: 1 }) }]) {
              const error = await settled(
                driver.send(oauth, { method: 'POST', url: resource, body }),
              );
              expect(InvalidArgumentError.isInstance(error)).toBe(true);
            }
            return;
          }
          // Other bodies: not signed, and the provider does not read them as parameters.
          expect(await photos(oauth, resource)).toMatchObject({ method: 'GET' });
          const json = { title: 'x', tags: ['a', 'b'] };
          expect((await photos(oauth, resource, 'PATCH', { json })).body).toBe(
            JSON.stringify(json),
          );
          const plain = await photos(oauth, resource, 'POST', { text: 'title=looks-like-a-form' });
          expect(plain.body).toBe('title=looks-like-a-form');
          const multipart = new FormData();
          multipart.append('title', 'x');
          multipart.append('file', new Blob(['bytes']), 'a.bin');
          expect((await photos(oauth, resource, 'POST', { multipart })).body).toContain(
            'name="file"; filename="a.bin"',
          );
        });
      }
    }

    it('surfaces the provider refusing a wrong verifier as a typed error', async () => {
      await using oauth = session();
      await oauth.fetchRequestToken(`${provider.url}/initiate`);
      const error = await settled(oauth.fetchAccessToken(`${provider.url}/token`, 'wrong'));
      expect(error).toMatchObject({ name: 'OAuth1ResponseError', status: 401 });
      expect(provider.rejections.splice(0)).toEqual(['parameter_rejected']);
    });
  });

  describe(`OAuth1Session (${driver.name}) close()`, () => {
    it('rejects requests in flight and every later call', async () => {
      const silent = await startSilentServer();
      try {
        const pool = driver.pool();
        const oauth = session({ token: 'token', tokenSecret: 'secret' }, pool.options);
        const inFlight = [
          settled(driver.send(oauth, { url: silent.url })),
          settled(oauth.fetchRequestToken(`${silent.origin}/initiate`)),
        ];
        expect(await waitFor(() => silent.requests.length === 2)).toBe(true);
        await oauth.close();
        const later = [
          settled(driver.send(oauth, { url: silent.url })),
          settled(oauth.fetchAccessToken(silent.url, 'v')),
        ];
        for (const error of await Promise.all([...inFlight, ...later])) {
          expectSessionClosed(driver, error);
        }
        expect(silent.requests).toHaveLength(2);
        expect(await pool.cut()).toBe(true); // requests were in flight: cut, not waited for
        driver.afterClose?.(oauth);
      } finally {
        await silent.close();
      }
    });
  });
}
