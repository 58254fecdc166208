/**
 * The three-legged flow (RFC 5849 section 2) against an OAuth 1.0a provider
 * on 127.0.0.1 built on verifySignature: request token → authorization URL →
 * callback → access token → protected resource through OAuth1Auth, for
 * every signature method × signature type; then the provider's refusals and
 * broken answers, surfaced as typed errors.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { InvalidResponseError, MismatchingStateError, OAuthError, type Transport } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_SIGNATURE_METHODS,
  OAuth1Auth,
  OAuth1Client,
  type OAuth1ClientOptions,
  OAuth1ResponseError,
  SIGNATURE_TYPES,
} from '../src/index.js';
import { fetchTransport, type Provider, startProvider } from './support/provider.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const CLIENT = { clientId: 'printer-ü', clientSecret: 'kd94hf93 k423&kf44' };
const CALLBACK = 'http://127.0.0.1:1/ready?x=1';

let provider: Provider;
beforeAll(async () => {
  provider = await startProvider({
    [CLIENT.clientId]: {
      secret: CLIENT.clientSecret,
      rsaPublicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    },
  });
});
afterAll(() => provider.close());

function client(overrides: Partial<OAuth1ClientOptions> = {}): OAuth1Client {
  return new OAuth1Client({
    ...CLIENT,
    rsaKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    redirectUri: CALLBACK,
    transport: fetchTransport,
    allowInsecureTransport: true,
    ...overrides,
  });
}

/** The user's visit to the authorization URL: the provider redirects to the callback. */
async function approve(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') as string;
}

async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(OAuthError.isInstance(error)).toBe(true);
  return error as OAuthError;
}

describe('the three-legged flow, every signature method × signature type', () => {
  for (const signatureMethod of BUILTIN_SIGNATURE_METHODS) {
    for (const signatureType of SIGNATURE_TYPES) {
      it(`${signatureMethod} / ${signatureType}`, async () => {
        const oauth = client({ signatureMethod, signatureType, realm: 'photos' });

        const temporary = await oauth.fetchRequestToken(`${provider.url}/initiate`, {
          scope: 'photos print',
        });
        expect(temporary.oauth_callback_confirmed).toBe('true');
        expect(oauth.token).toEqual(temporary);

        const authorizationUrl = oauth.createAuthorizationUrl(`${provider.url}/authorize`, {
          lang: 'fr',
        });
        expect(new URL(authorizationUrl).searchParams.get('oauth_token')).toBe(
          temporary.oauth_token,
        );
        expect(new URL(authorizationUrl).searchParams.get('lang')).toBe('fr');

        const callback = await approve(authorizationUrl);
        expect(callback.startsWith('http://127.0.0.1:1/ready?x=1&')).toBe(true);
        const { oauth_token, oauth_verifier } = oauth.parseAuthorizationResponse(callback);
        expect(oauth_token).toBe(temporary.oauth_token);
        expect(oauth_verifier).toMatch(/^[0-9a-f]{24}$/);

        const token = await oauth.fetchAccessToken(`${provider.url}/token`);
        expect(token).toMatchObject({ user_id: '42', scope: 'photos print' });
        expect(token.oauth_token).not.toBe(temporary.oauth_token);
        expect(oauth.token).toEqual(token);

        const auth = new OAuth1Auth({
          ...CLIENT,
          token: token.oauth_token,
          tokenSecret: token.oauth_token_secret,
          signatureMethod,
          signatureType,
          rsaKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
          allowInsecureTransport: true,
        });
        const photo =
          signatureType === 'BODY'
            ? {
                method: 'POST',
                url: `${provider.url}/photos?size=original`,
                headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
                body: 'title=Vacation+%E2%98%80&tag=',
              }
            : {
                method: 'GET',
                url: `${provider.url}/photos?file=vacation.jpg&size=original`,
                headers: new Headers(),
              };
        const response = await fetchTransport(await auth.authorize(photo));
        expect(response.status).toBe(200);
        const seen = JSON.parse(response.body) as { params: Record<string, string> };
        expect(seen.params).toMatchObject({
          oauth_consumer_key: CLIENT.clientId,
          oauth_token: token.oauth_token,
          oauth_signature_method: signatureMethod,
        });

        // The client itself is an Authenticator holding the token credentials.
        const again = await fetchTransport(await oauth.authorize(photo));
        expect(again.status).toBe(200);
      });
    }
  }
});

describe('refusals by the provider, surfaced as typed errors', () => {
  it('wrong client secret → OAuth1ResponseError signature_invalid (401), secret not shown', async () => {
    const oauth = client({ clientSecret: 'wrong-secret-value' });
    const error = await rejection(oauth.fetchRequestToken(`${provider.url}/initiate`));
    expect(error).toBeInstanceOf(OAuth1ResponseError);
    expect(error).toMatchObject({
      code: 'ERR_OAUTH_RESPONSE',
      status: 401,
      oauth_problem: 'signature_invalid',
    });
    const rendered = `${error.message} ${JSON.stringify(error)} ${inspect(error)}`;
    expect(rendered).not.toContain('wrong-secret-value');
    expect(oauth.token).toBeUndefined();
  });

  it('a parameter tampered with in transit → signature_invalid', async () => {
    const tampering: Transport = (request, options) =>
      fetchTransport(
        { ...request, body: request.body?.replace('scope=photos', 'scope=admin') },
        options,
      );
    const oauth = client({ transport: tampering });
    const error = await rejection(
      oauth.fetchRequestToken(`${provider.url}/initiate`, { scope: 'photos' }),
    );
    expect(error).toMatchObject({ status: 401, oauth_problem: 'signature_invalid' });
  });

  it('a replayed request (same nonce) → nonce_used', async () => {
    let first: Parameters<Transport>[0] | undefined;
    const replaying: Transport = (request, options) => {
      first ??= request;
      return fetchTransport(first, options);
    };
    const oauth = client({ transport: replaying });
    await oauth.fetchRequestToken(`${provider.url}/initiate`);
    const error = await rejection(oauth.fetchRequestToken(`${provider.url}/initiate`));
    expect(error).toMatchObject({ status: 401, oauth_problem: 'nonce_used' });
  });

  it('a stale timestamp (client clock an hour behind) → timestamp_refused', async () => {
    const oauth = client({ clock: { now: () => Date.now() - 3_600_000 } });
    const error = await rejection(oauth.fetchRequestToken(`${provider.url}/initiate`));
    expect(error).toMatchObject({ status: 401, oauth_problem: 'timestamp_refused' });
  });

  it('a wrong verifier → refused; the right one still works afterwards', async () => {
    const oauth = client();
    await oauth.fetchRequestToken(`${provider.url}/initiate`);
    oauth.parseAuthorizationResponse(
      await approve(oauth.createAuthorizationUrl(`${provider.url}/authorize`)),
    );
    const error = await rejection(
      oauth.fetchAccessToken(`${provider.url}/token`, 'not-the-verifier'),
    );
    expect(error).toMatchObject({ status: 401, oauth_problem: 'parameter_rejected' });
    await expect(oauth.fetchAccessToken(`${provider.url}/token`)).resolves.toMatchObject({
      user_id: '42',
    });
  });

  it('a callback carrying another temporary token → MismatchingStateError', async () => {
    const victim = client();
    await victim.fetchRequestToken(`${provider.url}/initiate`);
    const attacker = client();
    await attacker.fetchRequestToken(`${provider.url}/initiate`);
    const attackerCallback = await approve(
      attacker.createAuthorizationUrl(`${provider.url}/authorize`),
    );
    const error = (() => {
      try {
        victim.parseAuthorizationResponse(attackerCallback);
      } catch (e) {
        return e;
      }
    })();
    expect(MismatchingStateError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_MISMATCHING_STATE' });
  });

  it('token credentials of one client are refused for a token request (token_rejected)', async () => {
    const oauth = client({ token: 'not-issued', tokenSecret: 'x' });
    const error = await rejection(oauth.fetchAccessToken(`${provider.url}/token`, 'v'));
    expect(error).toMatchObject({ status: 401, oauth_problem: 'token_rejected' });
  });
});

describe('broken provider answers', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['/json', 'ERR_INVALID_RESPONSE', { status: 200 }],
    ['/unconfirmed', 'ERR_INVALID_RESPONSE', { status: 200 }],
    ['/no-secret', 'ERR_INVALID_RESPONSE', { status: 200 }],
    ['/server-error', 'ERR_INVALID_RESPONSE', { status: 500 }],
    ['/redirect', 'ERR_INVALID_RESPONSE', { status: 302 }],
    ['/forbidden', 'ERR_OAUTH_RESPONSE', { status: 403, oauth_problem: undefined }],
    [
      '/challenge',
      'ERR_OAUTH_RESPONSE',
      { status: 401, oauth_problem: 'token_expired', oauth_problem_advice: 'log in again' },
    ],
  ];
  for (const [path, code, fields] of cases) {
    it(`${path} → ${code}`, async () => {
      const error = await rejection(client().fetchRequestToken(`${provider.url}${path}`));
      expect(error).toMatchObject({ code, ...fields });
      if (code === 'ERR_INVALID_RESPONSE')
        expect(InvalidResponseError.isInstance(error)).toBe(true);
    });
  }

  it('accepts form-encoded credentials sent as text/plain', async () => {
    await expect(client().fetchRequestToken(`${provider.url}/text-plain`)).resolves.toMatchObject({
      oauth_token: 't',
    });
  });

  it('refuses plain-http endpoints without allowInsecureTransport, before any request', async () => {
    let called = 0;
    const counting: Transport = (request, options) => {
      called++;
      return fetchTransport(request, options);
    };
    const oauth = client({ transport: counting, allowInsecureTransport: false });
    await expect(oauth.fetchRequestToken(`${provider.url}/initiate`)).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
    expect(called).toBe(0);
  });
});
