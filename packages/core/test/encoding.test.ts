import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Encode,
  base64urlEncode,
  formDecode,
  formDecodeToRecord,
  formEncode,
  isFormContentType,
  type ParamList,
  percentDecode,
  percentEncode,
  toParamList,
} from '../src/encoding.js';

const RUNS = { numRuns: 500 };

const hex = (char: string): string =>
  `%${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(2, '0')}`;

/** Independent RFC 3986 encoder: encodeURIComponent leaves `!'()*` alone, RFC 3986 does not. */
const referencePercentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, hex);

/** Independent form encoder (WHATWG urlencoded serializer): keeps `*-._`, space as `+`. */
const referenceFormEncode = (value: string): string =>
  encodeURIComponent(value)
    .replace(/[!'()~]/g, hex)
    .replace(/%20/g, '+');

/** Well-formed strings over all of Unicode, astral planes included. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

describe('percentEncode (RFC 3986 2.1, RFC 5849 3.6)', () => {
  it('encodes every reserved character (gen-delims and sub-delims)', () => {
    const reserved = ":/?#[]@!$&'()*+,;=";
    for (const char of reserved) expect(percentEncode(char), char).toBe(hex(char));
    expect(percentEncode(reserved)).toBe('%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D');
  });

  it('keeps exactly the unreserved characters', () => {
    const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
    expect(percentEncode(unreserved)).toBe(unreserved);
    for (let code = 0; code < 128; code++) {
      const char = String.fromCharCode(code);
      const expected = unreserved.includes(char) ? char : hex(char);
      expect(percentEncode(char), `U+${code.toString(16)}`).toBe(expected);
    }
  });

  it('encodes space as %20, + as %2B, * as %2A and keeps ~', () => {
    expect(percentEncode(' ')).toBe('%20');
    expect(percentEncode('+')).toBe('%2B');
    expect(percentEncode('*')).toBe('%2A');
    expect(percentEncode('~')).toBe('~');
    expect(percentEncode('%')).toBe('%25');
    expect(percentEncode('a b*~')).toBe('a%20b%2A~');
  });

  it('uses upper-case hex', () => {
    expect(percentEncode('\u00ff\n')).toBe('%C3%BF%0A');
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentEncode(text)).not.toMatch(/%[0-9A-F]?[a-f]/);
      }),
      RUNS,
    );
  });

  it('encodes multi-byte UTF-8, astral plane included', () => {
    expect(percentEncode('é')).toBe('%C3%A9');
    expect(percentEncode('☃')).toBe('%E2%98%83');
    expect(percentEncode('€')).toBe('%E2%82%AC');
    expect(percentEncode('😀')).toBe('%F0%9F%98%80');
    expect(percentEncode('𝄞a')).toBe('%F0%9D%84%9Ea');
  });

  it('encodes a lone surrogate as U+FFFD (TextEncoder), where encodeURIComponent throws', () => {
    expect(percentEncode('\uD800')).toBe('%EF%BF%BD');
    expect(percentEncode('a\uDC00b')).toBe('a%EF%BF%BDb');
    expect(percentEncode('\uDE00\uD83D')).toBe('%EF%BF%BD%EF%BF%BD'); // reversed pair
    expect(() => encodeURIComponent('\uD800')).toThrow(URIError);
  });

  it('matches well-known OAuth 1.0a encodings', () => {
    expect(percentEncode('Ladies + Gentlemen')).toBe('Ladies%20%2B%20Gentlemen');
    expect(percentEncode('An encoded string!')).toBe('An%20encoded%20string%21');
    expect(percentEncode('Dogs, Cats & Mice')).toBe('Dogs%2C%20Cats%20%26%20Mice');
  });

  it('reproduces the RFC 5849 3.4.1.3.2 normalized parameters and 3.4.1.1 base string', () => {
    // The decoded parameters of the RFC's example request (3.4.1.3.1).
    const params: ParamList = [
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['c2', ''],
      ['a3', '2 q'],
    ];
    const normalized = params
      .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
      .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    expect(normalized).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2' +
        '&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201' +
        '&oauth_token=kkk9d7dh3k39sjv7',
    );
    const base = ['POST', percentEncode('http://example.com/request'), percentEncode(normalized)];
    expect(base.join('&')).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D' +
        '%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce' +
        '%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26' +
        'oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('agrees with an independent encoder over arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentEncode(text)).toBe(referencePercentEncode(text));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (text) => {
        expect(percentEncode(text)).toBe(referencePercentEncode(text));
      }),
      RUNS,
    );
  });

  it('only ever outputs unreserved characters and %XX triplets', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentEncode(text)).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
      }),
      RUNS,
    );
  });
});

describe('percentDecode', () => {
  it('round-trips percentEncode over well-formed strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentDecode(percentEncode(text))).toBe(text);
      }),
      RUNS,
    );
  });

  it('decodes UTF-8 sequences and either hex case', () => {
    expect(percentDecode('%E2%98%83%e2%98%83')).toBe('☃☃');
    expect(percentDecode('%F0%9F%98%80')).toBe('😀');
  });

  it('keeps + as +', () => {
    expect(percentDecode('a+b%20c')).toBe('a+b c');
  });

  it('throws URIError on malformed sequences', () => {
    for (const bad of ['%', '%2', '%zz', '%E2%98', '%C3%28', '%FF']) {
      expect(() => percentDecode(bad), bad).toThrow(URIError);
    }
  });
});

describe('formEncode / formDecode', () => {
  const pairs = fc.array(fc.tuple(anyText, anyText), { maxLength: 8 });

  it('round-trips arbitrary pairs, duplicates and empty values included', () => {
    fc.assert(
      fc.property(pairs, (list) => {
        expect(formDecode(formEncode(list))).toEqual(list);
      }),
      RUNS,
    );
    const fixed: ParamList = [
      ['a', '1'],
      ['a', '2'],
      ['', ''],
      ['empty', ''],
      ['a', '1'],
    ];
    expect(formDecode(formEncode(fixed))).toEqual(fixed);
  });

  it('agrees with an independent form encoder', () => {
    fc.assert(
      fc.property(pairs, (list) => {
        const expected = list
          .map(([k, v]) => `${referenceFormEncode(k)}=${referenceFormEncode(v)}`)
          .join('&');
        expect(formEncode(list)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('encodes space as +, and +, = and & inside values', () => {
    expect(formEncode({ grant_type: 'client_credentials', scope: 'a b' })).toBe(
      'grant_type=client_credentials&scope=a+b',
    );
    expect(formEncode([['v', 'x=y&z+w']])).toBe('v=x%3Dy%26z%2Bw');
    expect(formDecode('v=x%3Dy%26z%2Bw')).toEqual([['v', 'x=y&z+w']]);
    expect(formEncode([['k', "*-._~!'()"]])).toBe('k=*-._%7E%21%27%28%29');
  });

  it('reads + as a space', () => {
    expect(formDecode('scope=openid+profile&x=a%2Bb')).toEqual([
      ['scope', 'openid profile'],
      ['x', 'a+b'],
    ]);
  });

  it('ignores a leading ? or #', () => {
    expect(formDecode('?a=1&b=2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(formDecode('#access_token=t&state=s')).toEqual([
      ['access_token', 't'],
      ['state', 's'],
    ]);
    expect(formDecode('')).toEqual([]);
  });

  it('keeps names without = as empty values, duplicates in order', () => {
    expect(formDecode('flag&a=1&a=2&b=')).toEqual([
      ['flag', ''],
      ['a', '1'],
      ['a', '2'],
      ['b', ''],
    ]);
  });

  it('accepts records (dropping undefined and null), pairs and URLSearchParams', () => {
    expect(formEncode({ a: 1, b: true, c: undefined, d: null, e: '' })).toBe('a=1&b=true&e=');
    expect(
      formEncode(
        new URLSearchParams([
          ['x', '1'],
          ['x', '2'],
        ]),
      ),
    ).toBe('x=1&x=2');
    expect(formEncode(new Map([['m', 'v w']]))).toBe('m=v+w');
    expect(toParamList({ a: 1, b: undefined })).toEqual([['a', '1']]);
  });
});

describe('formDecodeToRecord', () => {
  it('keeps the first value of a duplicate name', () => {
    expect({ ...formDecodeToRecord('a=1&b=2&a=3') }).toEqual({ a: '1', b: '2' });
  });

  it('has no prototype, so "__proto__" and "constructor" are ordinary names', () => {
    const record = formDecodeToRecord('__proto__=p&constructor=c');
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('p');
    expect(record.constructor).toBe('c');
    expect(formDecodeToRecord('a=1').toString).toBeUndefined();
  });
});

describe('isFormContentType', () => {
  it.each([
    ['application/x-www-form-urlencoded', true],
    ['application/x-www-form-urlencoded;charset=UTF-8', true],
    ['application/x-www-form-urlencoded; charset=utf-8', true],
    ['Application/X-WWW-Form-URLEncoded', true],
    ['  application/x-www-form-urlencoded  ; charset=ISO-8859-1', true],
    ['application/json', false],
    ['multipart/form-data; boundary=x', false],
    ['application/x-www-form-urlencoded-extra', false],
    ['text/plain; application/x-www-form-urlencoded', false],
    ['', false],
    [null, false],
    [undefined, false],
  ])('%j -> %s', (contentType, expected) => {
    expect(isFormContentType(contentType)).toBe(expected);
  });
});

describe('base64urlEncode (RFC 4648 5)', () => {
  it("agrees with Node's base64url over arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      RUNS,
    );
  });

  it('agrees with Node over inputs longer than one chunk (8 KiB), at every length around it', () => {
    const bytes = crypto.getRandomValues(new Uint8Array(3 * 0x2000 + 5));
    for (const length of [0x2000 - 1, 0x2000, 0x2000 + 1, 2 * 0x2000 + 2, bytes.length]) {
      const part = bytes.subarray(0, length);
      expect(base64urlEncode(part)).toBe(Buffer.from(part).toString('base64url'));
    }
  });

  it('has no padding and uses - and _', () => {
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64urlEncode(new Uint8Array([]))).toBe('');
    expect(base64urlEncode(new Uint8Array([0]))).toBe('AA');
  });

  it('reproduces the RFC 7636 appendix B code_verifier', () => {
    const octets = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
      105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    expect(base64urlEncode(new Uint8Array(octets))).toBe(
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    );
  });
});

describe('base64Encode', () => {
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 10 vector %j', (input, expected) => {
    expect(base64Encode(input)).toBe(expected);
  });

  it('encodes the UTF-8 form (RFC 7617 2.1: test:123£)', () => {
    expect(base64Encode('test:123£')).toBe('dGVzdDoxMjPCow==');
    expect(base64Encode('Aladdin:open sesame')).toBe('QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(base64Encode('😀')).toBe('8J+YgA==');
  });

  it("agrees with Node's UTF-8 base64 over arbitrary strings", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(base64Encode(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
      }),
      RUNS,
    );
  });
});
