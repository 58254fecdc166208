import { InsecureTransportError, InvalidArgumentError } from '@x/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodeChallenge, OAuth2Client } from '../src/index.js';
import { transport } from './support.js';

const AUTHORIZE = 'https://as.example.com/authorize';

function client(extra: Partial<ConstructorParameters<typeof OAuth2Client>[0]> = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    redirectUri: 'https://app.example.com/cb',
    scope: ['openid', 'email'],
    metadata: { issuer: 'https://as.example.com', authorization_endpoint: AUTHORIZE },
    transport,
    ...extra,
  });
}

describe('createAuthorizationUrl', () => {
  it('sends code, client_id, redirect_uri, scope, state and an S256 challenge by default', async () => {
    const result = await client().createAuthorizationUrl();
    const url = new URL(result.url);
    expect(url.origin + url.pathname).toBe(AUTHORIZE);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('app');
    expect(q.get('redirect_uri')).toBe('https://app.example.com/cb');
    expect(q.get('scope')).toBe('openid email');
    expect(q.get('state')).toBe(result.state);
    expect(result.state).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(result.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(await createCodeChallenge(result.codeVerifier as string));
    expect(q.has('code_verifier')).toBe(false);
  });

  it('keeps the endpoint query, takes given state/verifier/nonce and extra parameters', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const result = await client().createAuthorizationUrl('https://as.example.com/auth?tenant=x', {
      state: 'my-state',
      codeVerifier: verifier,
      nonce: 'n-1',
      scope: 'read',
      prompt: 'consent',
      max_age: 0,
      resource: ['https://a.example', 'https://b.example'],
      login_hint: undefined,
    });
    const q = new URL(result.url).searchParams;
    expect(q.get('tenant')).toBe('x');
    expect(result).toMatchObject({ state: 'my-state', codeVerifier: verifier, nonce: 'n-1' });
    expect(q.get('code_challenge')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(q.get('nonce')).toBe('n-1');
    expect(q.get('scope')).toBe('read');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('max_age')).toBe('0');
    expect(q.getAll('resource')).toEqual(['https://a.example', 'https://b.example']);
    expect(q.has('login_hint')).toBe(false);
  });

  it('implicit (response_type token) sends no PKCE', async () => {
    const result = await client().createAuthorizationUrl({ responseType: 'token' });
    const q = new URL(result.url).searchParams;
    expect(q.get('response_type')).toBe('token');
    expect(q.has('code_challenge')).toBe(false);
    expect(result.codeVerifier).toBeUndefined();
  });

  it('PKCE is off only when asked (false or null); plain only when asked', async () => {
    for (const off of [false, null] as const) {
      const result = await client({ codeChallengeMethod: off }).createAuthorizationUrl();
      expect(new URL(result.url).searchParams.has('code_challenge')).toBe(false);
      expect(result.codeVerifier).toBeUndefined();
    }
    const plain = await client({ codeChallengeMethod: 'plain' }).createAuthorizationUrl();
    const q = new URL(plain.url).searchParams;
    expect(q.get('code_challenge_method')).toBe('plain');
    expect(q.get('code_challenge')).toBe(plain.codeVerifier);
  });

  it('refuses reserved parameters passed as extras, and insecure endpoints', async () => {
    await expect(client().createAuthorizationUrl({ client_id: 'evil' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      client().createAuthorizationUrl('http://as.example.com/authorize'),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    await expect(
      new OAuth2Client({ clientId: 'a', transport }).createAuthorizationUrl(),
    ).rejects.toThrow(/no authorization endpoint/);
  });

  it('refuses a codeVerifier when PKCE is off, and a malformed one', async () => {
    await expect(
      client({ codeChallengeMethod: false }).createAuthorizationUrl({
        codeVerifier: 'x'.repeat(43),
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      client().createAuthorizationUrl({ codeVerifier: 'too-short' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('round-trips any state and extra parameter value through the URL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), async (state, hint) => {
        const result = await client().createAuthorizationUrl({ state, login_hint: hint });
        const q = new URL(result.url).searchParams;
        expect(q.get('state')).toBe(state);
        expect(q.get('login_hint')).toBe(hint);
      }),
      { numRuns: 100 },
    );
  });
});
