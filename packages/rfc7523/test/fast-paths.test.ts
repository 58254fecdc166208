import { randomBytes } from 'node:crypto';
import {
  cloneRequest,
  formDecode,
  formEncode,
  type HttpRequest,
  InvalidArgumentError,
  isFormContentType,
} from '@x/core';
import { setFormParams } from '@x/oauth2';
import fc from 'fast-check';
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  type JWTHeaderParameters,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE, signAssertion, withClientAssertion } from '../src/index.js';
import { rejectionOf } from './support.js';

// The per-request paths were made cheaper (one form pass, jose's CompactSign
// for the claims we set, pooled jti bytes). These tests hold them to what the
// straightforward versions did, byte for byte.

/** withClientAssertion as first written: the secret dropped, then setFormParams. */
function referenceWithClientAssertion(
  request: HttpRequest,
  clientId: string,
  assertion: string,
): HttpRequest {
  let base = request;
  if (request.body && isFormContentType(request.headers.get('content-type'))) {
    const kept = formDecode(request.body).filter(([name]) => name !== 'client_secret');
    base = cloneRequest(request, { body: formEncode(kept) });
  }
  const out = setFormParams(base, [
    ['client_id', clientId],
    ['client_assertion_type', CLIENT_ASSERTION_TYPE],
    ['client_assertion', assertion],
  ]);
  out.headers.delete('authorization');
  return out;
}

type Outcome =
  | {
      ok: true;
      request: HttpRequest;
      headers: Array<[string, string]>;
      form: Array<[string, string]> | undefined;
    }
  | { ok: false; name: string; message: string };

/**
 * What a call gave. The body is compared as the parameters it carries, in
 * order: a form with none of the replaced parameters is kept as it was sent
 * (`a%20b`), where the reference re-encoded it (`a+b`).
 */
function outcome(run: () => HttpRequest): Outcome {
  try {
    const request = run();
    return {
      ok: true,
      request: { ...request, headers: new Headers(), body: undefined },
      headers: [...request.headers],
      form: request.body === undefined ? undefined : formDecode(request.body),
    };
  } catch (error) {
    return { ok: false, name: (error as Error).name, message: (error as Error).message };
  }
}

const names = fc.constantFrom(
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'client%5Fsecret', // percent-escaped names still name the replaced parameters
  '%63lient_id',
  'a b',
  '?x',
  '#y',
  '',
);
const values = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('a+b', '%20', '%zz', '&', '='),
);
const formBodies = fc.oneof(
  fc.array(fc.tuple(names, values), { maxLength: 6 }).map((pairs) => formEncode(pairs)),
  fc
    .array(fc.tuple(names, values), { maxLength: 6 })
    .map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&')),
  fc.string(),
);
const bodies = fc.oneof(
  formBodies,
  formBodies.map((body) => `?${body}`),
  formBodies.map((body) => `#${body}`),
  formBodies.map((body) => `??${body}`),
  fc.constant(''),
  fc.constant(undefined),
);
const contentTypes = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded;charset=UTF-8',
  'Application/X-WWW-Form-Urlencoded ; charset=utf-8',
  'application/json',
  'text/plain',
  undefined,
);
const assertions = fc.oneof(
  fc.constant('eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJjIn0.c2lnbmF0dXJl'),
  fc.stringMatching(/^[A-Za-z0-9._-]*$/),
  fc.string(),
  fc.constantFrom('a+b', 'a b', 'x&client_secret=leak', '*', '~'),
);

describe('withClientAssertion', () => {
  it('gives exactly what the two-pass version gave, or the same refusal', () => {
    fc.assert(
      fc.property(
        bodies,
        contentTypes,
        fc.boolean(),
        fc.option(fc.constant('Basic Yzpz'), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.string({ minLength: 1 }),
        assertions,
        (body, contentType, withOtherHeader, authorization, opaqueBody, clientId, assertion) => {
          const headers = new Headers();
          if (contentType !== undefined) headers.set('content-type', contentType);
          if (withOtherHeader) headers.set('x-trace', '1');
          if (authorization !== undefined) headers.set('authorization', authorization);
          const request: HttpRequest = {
            method: 'POST',
            url: 'https://as.example.com/token',
            headers,
            ...(body === undefined ? {} : { body }),
            ...(opaqueBody === undefined ? {} : { opaqueBody }),
          };
          const before = [...request.headers];
          const actual = outcome(() => withClientAssertion(request, clientId, assertion));
          const expected = outcome(() =>
            referenceWithClientAssertion(request, clientId, assertion),
          );
          expect(actual).toEqual(expected);
          expect([...request.headers]).toEqual(before); // the input is left alone
          expect(request.body).toBe(body);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('encodes each client id, however they follow one another', () => {
    const request: HttpRequest = {
      method: 'POST',
      url: 'https://as.example.com/token',
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'grant_type=client_credentials',
    };
    for (const clientId of ['a', 'b c', 'a', 'ü&=+', 'ü&=+', 'client_id', 'a']) {
      expect(withClientAssertion(request, clientId, 'x.y.z').body).toBe(
        referenceWithClientAssertion(request, clientId, 'x.y.z').body,
      );
    }
  });

  it('still refuses a body that is not a form, and an opaque one', () => {
    const json = {
      method: 'POST',
      url: 'https://as.example.com/token',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: '{}',
    };
    expect(() => withClientAssertion(json, 'c', 'a.b.c')).toThrow(InvalidArgumentError);
    const opaque = {
      ...json,
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'a=1',
      opaqueBody: true,
    };
    expect(() => withClientAssertion(opaque, 'c', 'a.b.c')).toThrow(InvalidArgumentError);
  });
});

describe('signAssertion', () => {
  const secret = randomBytes(32).toString('hex');
  const key = new TextEncoder().encode(secret);
  const clock = { now: () => 1_700_000_123_456 };

  /** What SignJWT signs for the same claims (HS256 is deterministic: the JWS must be identical). */
  async function viaSignJWT(jwt: string): Promise<string> {
    const header = decodeProtectedHeader(jwt) as JWTHeaderParameters; // in its order, alg included
    return new SignJWT(decodeJwt(jwt)).setProtectedHeader(header).sign(key);
  }

  it('signs the same JWS SignJWT signs, with and without extra claims and headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        fc.option(
          fc.dictionary(
            fc
              .string()
              .filter(
                (n) =>
                  !/^\d+$/.test(n) &&
                  !['iss', 'sub', 'aud', 'exp', 'iat', 'jti', '__proto__'].includes(n),
              ),
            fc.jsonValue(),
            { maxKeys: 4 },
          ),
          { nil: undefined },
        ),
        fc.option(fc.constantFrom({ typ: 'JWT' }, { kid: 'k-1' }, { typ: 'JWT', cty: 'x' }), {
          nil: undefined,
        }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.option(fc.constant('kid-option'), { nil: undefined }),
        async (subject, claims, headers, expiresIn, kid) => {
          const jwt = await signAssertion({
            issuer: 'client-1',
            subject,
            audience: 'https://as.example.com/token',
            key: secret,
            alg: 'HS256',
            claims,
            headers,
            expiresIn,
            kid,
            clock,
          });
          expect(jwt).toBe(await viaSignJWT(jwt));
          const payload = decodeJwt(jwt);
          expect(Object.keys(payload).slice(0, subject === undefined ? 5 : 6)).toEqual(
            subject === undefined
              ? ['iss', 'aud', 'iat', 'exp', 'jti']
              : ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
          );
          expect(payload.iat).toBe(1_700_000_123);
          expect(payload.exp).toBe(1_700_000_123 + expiresIn);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a clock that gives no finite time, as SignJWT did', async () => {
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await rejectionOf(
        signAssertion({
          issuer: 'c',
          audience: 'https://as.example.com/token',
          key: secret,
          alg: 'HS256',
          clock: { now: () => now },
        }),
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        'signing the assertion with HS256 failed: "iat" claim must be a finite number',
      );
    }
  });

  it('refuses extra claims JSON or structured cloning cannot carry, as before', async () => {
    for (const claims of [{ fn: () => 1 }, { nbf: Number.POSITIVE_INFINITY }, { big: 1n }]) {
      const error = await rejectionOf(
        signAssertion({
          issuer: 'c',
          audience: 'https://as.example.com/token',
          key: secret,
          alg: 'HS256',
          claims,
        }),
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^signing the assertion with HS256 failed: /);
    }
  });

  it('draws 24 fresh CSPRNG bytes for each jti, across pool refills', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { jti } = decodeJwt(
        await signAssertion({
          issuer: 'c',
          audience: 'https://a.example/t',
          key: secret,
          alg: 'HS256',
        }),
      );
      expect(jti).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(base64url.decode(jti as string)).toHaveLength(24);
      seen.add(jti as string);
    }
    expect(seen.size).toBe(600);
  });
});
