import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuth2ResponseError } from '../src/errors.js';
import { bearerChallengeError, parseWWWAuthenticate } from '../src/www-authenticate.js';

/** Challenges as plain objects, so toEqual ignores the null prototype of params. */
const parse = (header: string | null | undefined) =>
  parseWWWAuthenticate(header).map((c) => ({ ...c, params: { ...c.params } }));

describe('parseWWWAuthenticate', () => {
  it.each(['', null, undefined, '   ', ' , ,\t,'])('returns no challenge for %j', (header) => {
    expect(parseWWWAuthenticate(header)).toEqual([]);
  });

  it('parses a scheme without parameters', () => {
    expect(parse('Bearer')).toEqual([{ scheme: 'bearer', params: {} }]);
  });

  it('parses the RFC 6750 3 examples', () => {
    expect(parse('Bearer realm="example"')).toEqual([
      { scheme: 'bearer', params: { realm: 'example' } },
    ]);
    expect(
      parse(
        'Bearer realm="example",\n error="invalid_token",\n error_description="The access token expired"'.replace(
          /\n/g,
          '',
        ),
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'example',
          error: 'invalid_token',
          error_description: 'The access token expired',
        },
      },
    ]);
    expect(parse('Bearer error="insufficient_scope", scope="read write"')).toEqual([
      { scheme: 'bearer', params: { error: 'insufficient_scope', scope: 'read write' } },
    ]);
  });

  it('parses the RFC 9110 11.6.1 example: two challenges, escaped quotes', () => {
    expect(
      parse('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'),
    ).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
  });

  it('keeps commas, equals signs and escaped backslashes inside quoted strings', () => {
    expect(
      parse(
        'Bearer error_description="a, b=c, Basic realm=\\"x\\"", realm="r\\\\s", Basic realm=q',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { error_description: 'a, b=c, Basic realm="x"', realm: 'r\\s' },
      },
      { scheme: 'basic', params: { realm: 'q' } },
    ]);
  });

  it('parses token68 challenges', () => {
    expect(parse('Negotiate abc==')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc==' },
    ]);
    expect(parse('Basic YWxhZGRpbjpvcGVuc2VzYW1l, Bearer realm="api"')).toEqual([
      { scheme: 'basic', params: {}, token68: 'YWxhZGRpbjpvcGVuc2VzYW1l' },
      { scheme: 'bearer', params: { realm: 'api' } },
    ]);
    expect(parse('Negotiate a-b._~+/c')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'a-b._~+/c' },
    ]);
  });

  it('treats scheme and parameter names case-insensitively, values as written', () => {
    expect(parse('BEARER Realm="Example", ERROR="Invalid_Token"')).toEqual([
      { scheme: 'bearer', params: { realm: 'Example', error: 'Invalid_Token' } },
    ]);
    expect(parse('dPoP algs="ES256 PS256"')).toEqual([
      { scheme: 'dpop', params: { algs: 'ES256 PS256' } },
    ]);
  });

  it('tolerates spaces around = and missing spaces after commas', () => {
    expect(parse('Bearer realm = "x",error=invalid_token,,scope="a"')).toEqual([
      { scheme: 'bearer', params: { realm: 'x', error: 'invalid_token', scope: 'a' } },
    ]);
  });

  it('keeps the first of duplicate parameters', () => {
    expect(parse('Bearer error="first", error="second"')).toEqual([
      { scheme: 'bearer', params: { error: 'first' } },
    ]);
  });

  it('gives params a null prototype, so "constructor" and "__proto__" are ordinary names', () => {
    const [challenge] = parseWWWAuthenticate('Bearer constructor="c", __proto__="p", realm="r"');
    expect(Object.getPrototypeOf(challenge?.params)).toBeNull();
    expect({ ...challenge?.params }).toEqual({ constructor: 'c', ['__proto__']: 'p', realm: 'r' });
  });

  it('drops a malformed tail instead of throwing', () => {
    expect(parse('Bearer realm="x", error="unterminated')).toEqual([
      { scheme: 'bearer', params: { realm: 'x' } },
    ]);
    expect(parse('Bearer realm="x", "junk", Basic realm="y"')).toEqual([
      { scheme: 'bearer', params: { realm: 'x' } },
    ]);
  });

  it('never throws and always terminates on arbitrary input', () => {
    const check = (header: string): void => {
      const challenges = parseWWWAuthenticate(header);
      expect(Array.isArray(challenges)).toBe(true);
      expect(challenges.length).toBeLessThanOrEqual(header.length);
      for (const c of challenges) {
        expect(c.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
        for (const name of Object.keys(c.params)) {
          expect(name).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
        }
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), {
      numRuns: 500,
    });
    // Biased towards the grammar's own characters, where parser bugs live.
    const grammar = fc.string({
      unit: fc.constantFrom(...'Bearer realm error = " \\ , \t = abc==/+~'.split('')),
      maxLength: 80,
    });
    fc.assert(fc.property(grammar, check), { numRuns: 1000 });
  });

  it('parses what a well-formed header generator produces', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/);
    const value = fc.string({ unit: fc.constantFrom(...'ab ,="\\=;'.split('')), maxLength: 12 });
    const challenge = fc.record({
      scheme: token,
      params: fc.uniqueArray(fc.tuple(token, value), {
        maxLength: 4,
        selector: ([name]) => name.toLowerCase(),
      }),
    });
    fc.assert(
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), (challenges) => {
        const header = challenges
          .map(
            ({ scheme, params }) =>
              `${scheme} ${params
                .map(([n, v]) => `${n}="${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)
                .join(', ')}`,
          )
          .join(', ');
        expect(parse(header)).toEqual(
          challenges.map(({ scheme, params }) => ({
            scheme: scheme.toLowerCase(),
            params: Object.fromEntries(params.map(([n, v]) => [n.toLowerCase(), v])),
          })),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('bearerChallengeError', () => {
  const response = (status: number, header?: string) => ({
    status,
    headers: new Headers(header === undefined ? {} : { 'WWW-Authenticate': header }),
  });

  it('reads the RFC 6750 3 invalid_token challenge', () => {
    const error = bearerChallengeError(
      response(
        401,
        'Bearer realm="example", error="invalid_token", error_description="The access token expired", error_uri="https://rs.test/e"',
      ),
    );
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect(error?.code).toBe('ERR_OAUTH_RESPONSE');
    expect(error?.error).toBe('invalid_token');
    expect(error?.error_description).toBe('The access token expired');
    expect(error?.error_uri).toBe('https://rs.test/e');
    expect(error?.status).toBe(401);
  });

  it('finds the Bearer challenge among several', () => {
    const error = bearerChallengeError(
      response(403, 'Basic realm="x", Bearer error="insufficient_scope", scope="admin"'),
    );
    expect(error?.error).toBe('insufficient_scope');
    expect(error?.status).toBe(403);
  });

  it('returns undefined without a header, without an error, or for another scheme', () => {
    expect(bearerChallengeError(response(401))).toBeUndefined();
    expect(bearerChallengeError(response(401, 'Bearer realm="example"'))).toBeUndefined();
    expect(bearerChallengeError(response(401, 'Bearer error=""'))).toBeUndefined();
    expect(bearerChallengeError(response(401, 'Basic error="invalid_token"'))).toBeUndefined();
    expect(bearerChallengeError(response(401, 'garbage ==='))).toBeUndefined();
  });

  it('reads another scheme when asked (DPoP, RFC 9449 7.1)', () => {
    const header = 'DPoP algs="ES256", error="invalid_dpop_proof", Bearer error="invalid_token"';
    expect(bearerChallengeError(response(401, header), 'dpop')?.error).toBe('invalid_dpop_proof');
    expect(bearerChallengeError(response(401, header))?.error).toBe('invalid_token');
  });

  // Regression: the scheme argument was compared with the lower-cased scheme as
  // given, so the natural spelling 'DPoP' never matched.
  it('compares the scheme argument case-insensitively', () => {
    const header = 'DPoP error="use_dpop_nonce"';
    expect(bearerChallengeError(response(401, header), 'DPoP')?.error).toBe('use_dpop_nonce');
    expect(bearerChallengeError(response(401, 'bearer error="x"'), 'Bearer')?.error).toBe('x');
  });
});
