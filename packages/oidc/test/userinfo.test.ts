import type { HttpResponse } from '@x/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  endSessionUrl,
  type KeySet,
  localKeySet,
  processUserinfoResponse,
  userinfoRequest,
} from '../src/index.js';
import { sign, type TestKey, testKey } from './support.js';

// The userinfo request/process pair and the logout URL, on their own.

let key: TestKey;
let keys: KeySet;
beforeAll(async () => {
  key = await testKey('RS256', 'k1');
  keys = localKeySet({ keys: [key.publicJwk] });
});

function response(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, body, headers: new Headers({ 'content-type': 'application/json', ...headers }) };
}

const signedOptions = () => ({
  expectedSubject: 'alice',
  signedResponseAlg: 'RS256',
  issuer: 'https://op.test',
  clientId: 'client-1',
  keys,
});

describe('userinfo', () => {
  it('sends the access token as a bearer token', () => {
    const request = userinfoRequest('https://op.test/me', 'the-token');
    expect(request.method).toBe('GET');
    expect(request.headers.get('authorization')).toBe('Bearer the-token');
  });

  it('returns JSON claims whose sub is the expected one', async () => {
    const body = JSON.stringify({ sub: 'alice', email: 'a@example.com' });
    await expect(
      processUserinfoResponse(response(200, body), { expectedSubject: 'alice' }),
    ).resolves.toEqual({ sub: 'alice', email: 'a@example.com' });
  });

  it.each([
    ['another sub', response(200, '{"sub":"bob"}'), 'ERR_USERINFO_SUB'],
    ['no sub', response(200, '{"email":"a@example.com"}'), 'ERR_INVALID_RESPONSE'],
    ['not JSON', response(200, '<html>'), 'ERR_INVALID_RESPONSE'],
    ['a JSON array', response(200, '[]'), 'ERR_INVALID_RESPONSE'],
    ['a redirect', response(302, '', { location: 'https://elsewhere.test/' }), 'ERR_REDIRECT'],
    ['a 500', response(500, 'oops'), 'ERR_INVALID_RESPONSE'],
    [
      'a Bearer challenge',
      response(401, '', { 'www-authenticate': 'Bearer error="invalid_token"' }),
      'ERR_OAUTH_RESPONSE',
    ],
    [
      'a JWT it did not ask for',
      response(200, 'a.b.c', { 'content-type': 'application/jwt' }),
      'ERR_INVALID_RESPONSE',
    ],
  ])('refuses %s', async (_name, res, code) => {
    await expect(processUserinfoResponse(res, { expectedSubject: 'alice' })).rejects.toMatchObject({
      code,
    });
  });

  it('verifies a signed response: signature, alg, iss, aud, exp', async () => {
    const jwt = (claims: Record<string, unknown>, header = { alg: 'RS256', kid: 'k1' }) =>
      sign(claims, key.privateKey, header);
    const ok = await jwt({ sub: 'alice', iss: 'https://op.test', aud: 'client-1', name: 'Alice' });
    const typed = { 'content-type': 'application/jwt; charset=utf-8' };
    await expect(
      processUserinfoResponse(response(200, ok, typed), signedOptions()),
    ).resolves.toMatchObject({ sub: 'alice', name: 'Alice' });

    const other = await testKey('RS256', 'k1');
    for (const [bad, message] of [
      [await sign({ sub: 'alice' }, other.privateKey, { alg: 'RS256', kid: 'k1' }), /signature/],
      [await jwt({ sub: 'alice', iss: 'https://evil.test' }), /iss/],
      [await jwt({ sub: 'alice', aud: 'someone-else' }), /aud/],
      [await jwt({ sub: 'alice', exp: 1 }), /expired/],
      [`${ok.split('.')[0]}.e30.`, /signature|base64url/],
    ] as const) {
      await expect(
        processUserinfoResponse(response(200, bad, typed), signedOptions()),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_RESPONSE',
        message: expect.stringMatching(message),
      });
    }
    await expect(
      processUserinfoResponse(response(200, JSON.stringify({ sub: 'alice' })), signedOptions()),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE', message: /application\/jwt/ });
    const bob = await jwt({ sub: 'bob' });
    await expect(
      processUserinfoResponse(response(200, bob, typed), signedOptions()),
    ).rejects.toMatchObject({ code: 'ERR_USERINFO_SUB' });
  });

  it('keeps the access token out of its errors', async () => {
    const error = await processUserinfoResponse(response(500, 'token the-secret-token'), {
      expectedSubject: 'alice',
      secrets: ['the-secret-token'],
    }).catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('the-secret-token');
  });
});

describe('endSessionUrl', () => {
  it('puts the RP-Initiated Logout parameters on the endpoint, keeping its query', () => {
    const url = new URL(
      endSessionUrl('https://op.test/logout?tenant=a', {
        idTokenHint: 'eyJ.hint.sig',
        postLogoutRedirectUri: 'https://app.test/bye',
        state: 'xyz',
        clientId: 'client-1',
        logoutHint: 'alice@example.com',
        uiLocales: ['fr', 'en'],
      }),
    );
    expect([...url.searchParams]).toEqual([
      ['tenant', 'a'],
      ['id_token_hint', 'eyJ.hint.sig'],
      ['logout_hint', 'alice@example.com'],
      ['client_id', 'client-1'],
      ['post_logout_redirect_uri', 'https://app.test/bye'],
      ['state', 'xyz'],
      ['ui_locales', 'fr en'],
    ]);
  });

  it('refuses a post-logout redirect without id_token_hint or client_id, and http endpoints', () => {
    expect(() =>
      endSessionUrl('https://op.test/logout', { postLogoutRedirectUri: 'https://app.test/' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => endSessionUrl('http://op.test/logout', { clientId: 'c' })).toThrow(
      expect.objectContaining({ code: 'ERR_INSECURE_TRANSPORT' }),
    );
  });
});
