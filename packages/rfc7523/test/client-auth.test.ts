import { randomBytes } from 'node:crypto';
import { type HttpRequest, InvalidArgumentError, systemClock } from '@x/core';
import type { ClientAuthContext } from '@x/oauth2';
import { decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ASSERTION_TYPE,
  ClientSecretJWT,
  PrivateKeyJWT,
  withClientAssertion,
} from '../src/index.js';
import { expectNoSecrets, pemBody, rejectionOf, rsaKeyPair, thrownBy } from './support.js';

// The request transform itself: what goes in, what is removed, where aud comes from.

const rsa = rsaKeyPair();
const secret = randomBytes(32).toString('hex'); // 64 characters

function context(changes: Partial<ClientAuthContext> = {}): ClientAuthContext {
  return {
    clientId: 'client-1',
    clientSecret: secret,
    clock: systemClock,
    tokenEndpoint: 'https://as.example.com/token',
    issuer: 'https://as.example.com',
    ...changes,
  };
}

function tokenRequest(body: string, headers: HeadersInit = {}): HttpRequest {
  return {
    method: 'POST',
    url: 'https://as.example.com/token',
    headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
    body,
  };
}

describe('the authenticated request', () => {
  it('carries the assertion, client_id and type; no secret and no Authorization header', async () => {
    const request = tokenRequest('grant_type=client_credentials&client_secret=leaked&scope=a', {
      authorization: 'Basic Y2xpZW50LTE6c2VjcmV0',
    });
    const out = await new ClientSecretJWT().authenticate(request, context());
    expect(out.headers.get('authorization')).toBeNull();
    const params = new URLSearchParams(out.body);
    expect([...params.keys()]).toEqual([
      'grant_type',
      'scope',
      'client_id',
      'client_assertion_type',
      'client_assertion',
    ]);
    expect(params.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
    expect(params.get('client_id')).toBe('client-1');
    const { payload } = await jwtVerify(
      params.get('client_assertion') ?? '',
      new TextEncoder().encode(secret),
      { algorithms: ['HS256'], issuer: 'client-1', subject: 'client-1' },
    );
    expect(payload.aud).toBe('https://as.example.com/token');
    // The input is not mutated.
    expect(request.headers.get('authorization')).not.toBeNull();
    expect(request.body).toContain('client_secret=leaked');
  });

  it('works on an empty body and replaces an earlier assertion', async () => {
    const empty: HttpRequest = {
      method: 'POST',
      url: 'https://as.example.com/x',
      headers: new Headers(),
    };
    const out = withClientAssertion(empty, 'c', 'jwt-1');
    expect(out.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const again = withClientAssertion(out, 'c', 'jwt-2');
    expect(new URLSearchParams(again.body).getAll('client_assertion')).toEqual(['jwt-2']);
  });

  it('refuses a body that is not a form', async () => {
    const json: HttpRequest = {
      method: 'POST',
      url: 'https://as.example.com/token',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: '{}',
    };
    const error = await rejectionOf(new ClientSecretJWT().authenticate(json, context()));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
  });
});

describe('the audience', () => {
  const audOf = async (auth: ClientSecretJWT | PrivateKeyJWT, ctx = context()) =>
    decodeJwt(
      new URLSearchParams((await auth.authenticate(tokenRequest(''), ctx)).body).get(
        'client_assertion',
      ) ?? '',
    ).aud;

  it("is the token endpoint given to the method, else the client's, else the issuer when asked", async () => {
    expect(await audOf(new ClientSecretJWT('https://other.example.com/oauth/token'))).toBe(
      'https://other.example.com/oauth/token',
    );
    expect(await audOf(new ClientSecretJWT())).toBe('https://as.example.com/token');
    expect(await audOf(new ClientSecretJWT({ audience: 'issuer' }))).toBe('https://as.example.com');
    const pk = new PrivateKeyJWT(new URL('https://as.example.com/t'), { key: rsa.privatePem });
    expect(await audOf(pk, context({ clientSecret: undefined }))).toBe('https://as.example.com/t');
  });

  it('refuses audience "issuer" without an issuer, or next to a token endpoint', async () => {
    const error = await rejectionOf(
      new ClientSecretJWT({ audience: 'issuer' }).authenticate(
        tokenRequest(''),
        context({ issuer: undefined }),
      ),
    );
    expect((error as Error).message).toMatch(/needs the issuer identifier/);
    expect(
      (
        thrownBy(
          () => new ClientSecretJWT('https://as.example.com/token', { audience: 'issuer' }),
        ) as Error
      ).message,
    ).toMatch(/not both/);
    expect((thrownBy(() => new PrivateKeyJWT('/token')) as Error).message).toMatch(
      /not an absolute URL/,
    );
  });
});

describe('secrets stay out of errors', () => {
  it('ClientSecretJWT with a short secret', async () => {
    const short = 'a-short-client-secret';
    const error = await rejectionOf(
      new ClientSecretJWT().authenticate(tokenRequest(''), context({ clientSecret: short })),
    );
    expect((error as Error).message).toMatch(/at least 32 bytes/);
    expectNoSecrets(error, [short]);
  });

  it('ClientSecretJWT without a secret', async () => {
    const error = await rejectionOf(
      new ClientSecretJWT().authenticate(tokenRequest(''), context({ clientSecret: undefined })),
    );
    expect((error as Error).message).toMatch(/needs a clientSecret/);
  });

  it('PrivateKeyJWT with a PEM that does not fit the alg', async () => {
    const error = await rejectionOf(
      new PrivateKeyJWT({ alg: 'ES256' }).authenticate(
        tokenRequest(''),
        context({ clientSecret: rsa.privatePem }),
      ),
    );
    expect((error as Error).message).toMatch(/ES256/);
    expectNoSecrets(error, [pemBody(rsa.privatePem)]);
  });

  it('PrivateKeyJWT given a plain secret as clientSecret', async () => {
    const error = await rejectionOf(new PrivateKeyJWT().authenticate(tokenRequest(''), context()));
    expect((error as Error).message).toMatch(/RS256 needs a private key/);
    expectNoSecrets(error, [secret]);
  });
});
