/**
 * The percent-encoding used for signatures (RFC 5849 3.6) takes a fast path
 * through encodeURIComponent; it must equal core's byte-wise encoder on every
 * string, lone surrogates included, and the signature code's shortcuts must
 * equal the public functions they stand for.
 */
import { percentEncode as coreEncode } from '@x/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorizationHeader, normalizeParameters, signatureBaseString } from '../src/index.js';
import { baseStringOf, encodePair, normalizeEncoded } from '../src/rfc5849/base-string.js';
import { percentEncode } from '../src/rfc5849/encoding.js';
import { authorizationHeaderOf } from '../src/rfc5849/parameters.js';

const anyUtf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map(String.fromCharCode) });
const text = fc.oneof(
  anyUtf16,
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(..."!'()*~-._ %+=&/?#[]@:;,$aZ09é☃😀\ud800\udc00") }),
);
// A realm is a quoted-string: no control characters (both functions refuse them).
const realmText = fc.string({ unit: fc.constantFrom(...'aZ0 "\\,=☃') });
const pairs = fc.array(fc.tuple(text, text), { maxLength: 8 });

describe('percentEncode', () => {
  it('matches the fixed cases', () => {
    expect(percentEncode('a b*~')).toBe('a%20b%2A~');
    expect(percentEncode("!'()*")).toBe('%21%27%28%29%2A');
    expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
    expect(percentEncode('☃')).toBe('%E2%98%83');
    expect(percentEncode('\ud800')).toBe('%EF%BF%BD');
    expect(percentEncode('')).toBe('');
  });

  it('equals core’s byte-wise encoder on any string', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(percentEncode(value)).toBe(coreEncode(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the pre-encoded shortcuts equal the public functions', () => {
  it('normalizeEncoded, baseStringOf and authorizationHeaderOf', () => {
    fc.assert(
      fc.property(pairs, fc.option(realmText, { nil: undefined }), (params, realm) => {
        const encoded = params.map(([name, value]) => encodePair(name, value));
        expect(normalizeEncoded([...encoded])).toBe(normalizeParameters(params));
        const url = 'https://api.example.com/a%20b';
        expect(baseStringOf('post', url, normalizeParameters(params))).toBe(
          signatureBaseString('post', url, params),
        );
        expect(authorizationHeaderOf(encoded, realm)).toBe(authorizationHeader(params, realm));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves oauth_signature out of the normalized parameters', () => {
    expect(normalizeEncoded([encodePair('oauth_signature', 'x'), encodePair('a', 'b')])).toBe(
      'a=b',
    );
  });

  it('builds the header exactly as before, realm first', () => {
    expect(authorizationHeaderOf([], undefined)).toBe('OAuth ');
    expect(authorizationHeaderOf([], 'R "x"')).toBe('OAuth realm="R \\"x\\""');
    expect(authorizationHeaderOf([encodePair('a b', 'c')], 'R')).toBe('OAuth realm="R", a%20b="c"');
    expect(authorizationHeaderOf([encodePair('a', ''), encodePair('b', '1')])).toBe(
      'OAuth a="", b="1"',
    );
  });
});
