import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import {
  absoluteUrl,
  addParamsToFragment,
  addParamsToUrl,
  getFragmentParams,
  getQueryParams,
  paramsToRecord,
  parseUrl,
} from '../src/url.js';

describe('absoluteUrl', () => {
  it('normalizes absolute URLs and refuses relative ones (no location outside browsers)', () => {
    expect(absoluteUrl('https://a.test/x/../y?q=1')).toBe('https://a.test/y?q=1');
    expect(absoluteUrl(new URL('https://a.test'))).toBe('https://a.test/');
    expect(() => absoluteUrl('/relative')).toThrow(InvalidArgumentError);
    expect(() => absoluteUrl('/relative')).toThrow(/not absolute/);
  });

  it('normalizes URLs on the origin it saw last, as the parser would', () => {
    expect(absoluteUrl('https://a.test/first')).toBe('https://a.test/first');
    // Each would be wrong if the remembered origin let it through unparsed.
    expect(absoluteUrl('https://a.test/x/../y')).toBe('https://a.test/y');
    expect(absoluteUrl('https://a.test/./y')).toBe('https://a.test/y');
    expect(absoluteUrl('https://a.test/../y')).toBe('https://a.test/y');
    expect(absoluteUrl('https://a.test/x/%2e%2E/y')).toBe('https://a.test/y');
    expect(absoluteUrl('https://a.test/a b?c d')).toBe('https://a.test/a%20b?c%20d');
    expect(absoluteUrl("https://a.test/x?it's")).toBe('https://a.test/x?it%27s');
    expect(absoluteUrl('https://a.test/x\\y')).toBe('https://a.test/x/y');
    expect(absoluteUrl('https://a.test/x\ty')).toBe('https://a.test/xy');
    expect(absoluteUrl('https://a.test/x#f g')).toBe('https://a.test/x#f%20g');
    expect(absoluteUrl('https://a.test/x/..')).toBe('https://a.test/');
    expect(absoluteUrl('https://a.test/x/.?q')).toBe('https://a.test/x/?q');
  });

  it('agrees with the URL parser on any string, whatever origin came before (property)', () => {
    const origins = [
      'https://a.test',
      'http://127.0.0.1:8080',
      'https://[::1]:8443',
      'https://user:pw@a.test',
      'HTTPS://A.test',
      'https://a.test:443',
    ];
    // Dot segments and the characters the parser rewrites, often enough to meet in 16 tokens.
    const tricky = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2E',
      '?',
      '#',
      "'",
      '\\',
      ' ',
      '\t',
      '%',
    );
    const plain = fc.constantFrom(...'aZ09-_~!$&*+,;=:@^|{}"<>`[]é');
    // And strings of only what the shortcut may accept, to probe its dot-segment rule.
    const accepted = fc.constantFrom('/', '.', '..', '?', 'a', '-', '~', '@', ':');
    const rest = fc
      .array(fc.oneof(fc.oneof(tricky, plain), accepted), { maxLength: 12 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.constantFrom(...origins),
        fc.constantFrom(...origins),
        rest,
        (seen, origin, path) => {
          absoluteUrl(`${seen}/`); // whatever origin the shortcut remembers
          const url = `${origin}/${path}`;
          expect(absoluteUrl(url)).toBe(new URL(url).href);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseUrl', () => {
  it('parses absolute URLs and copies URL objects', () => {
    const original = new URL('https://as.test/a?b=1');
    const copy = parseUrl(original);
    expect(copy.href).toBe(original.href);
    copy.searchParams.set('b', '2');
    expect(original.href).toBe('https://as.test/a?b=1');
  });

  it('throws InvalidArgumentError, naming what it was, for a non-absolute URL', () => {
    for (const bad of ['/relative', 'as.test/x', '', 'http://[::1']) {
      expect(() => parseUrl(bad, 'token endpoint'), bad).toThrow(InvalidArgumentError);
    }
    expect(() => parseUrl('/x', 'token endpoint')).toThrow('token endpoint is not an absolute URL');
  });
});

describe('addParamsToUrl', () => {
  it('matches its documented example', () => {
    expect(addParamsToUrl('https://as.test/authorize?a=1', { b: '2' })).toBe(
      'https://as.test/authorize?a=1&b=2',
    );
  });

  it('keeps the existing query and fragment', () => {
    expect(
      addParamsToUrl('https://as.test/authorize?a=1&a=2#frag', { b: 'x y', c: undefined }),
    ).toBe('https://as.test/authorize?a=1&a=2&b=x+y#frag');
  });

  // Regression: appending through URL.searchParams re-serialized the whole
  // query, so `?flag` became `?flag=` and `%zz` became `%25zz`.
  it('keeps the existing query byte for byte', () => {
    expect(addParamsToUrl('https://as.test/cb?flag&x=%20&y=%zz;z&q=a%2Bb#f', { b: '2' })).toBe(
      'https://as.test/cb?flag&x=%20&y=%zz;z&q=a%2Bb&b=2#f',
    );
  });

  it('adds a query where there is none (or an empty one), and nothing for no params', () => {
    expect(addParamsToUrl('https://as.test/cb', { a: '1' })).toBe('https://as.test/cb?a=1');
    expect(addParamsToUrl('https://as.test/cb?', { a: '1' })).toBe('https://as.test/cb?a=1');
    expect(addParamsToUrl('https://as.test/cb?x=1#f', {})).toBe('https://as.test/cb?x=1#f');
  });

  it('form-encodes the new parameters, duplicates kept in order', () => {
    const url = addParamsToUrl('https://as.test/cb?x=1', [
      ['redirect_uri', 'https://c.test/cb?a=b&c=d'],
      ['scope', 'openid profile'],
      ['scope', 'email'],
    ]);
    expect(getQueryParams(url)).toEqual([
      ['x', '1'],
      ['redirect_uri', 'https://c.test/cb?a=b&c=d'],
      ['scope', 'openid profile'],
      ['scope', 'email'],
    ]);
  });

  it('does not change a URL object it was given', () => {
    const input = new URL('https://as.test/a?x=1');
    addParamsToUrl(input, { y: '2' });
    expect(input.href).toBe('https://as.test/a?x=1');
  });

  it('round-trips arbitrary parameters through getQueryParams', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 6 }), (pairs) => {
        const url = addParamsToUrl('https://as.test/p?first=1#frag', pairs);
        expect(getQueryParams(url)).toEqual([['first', '1'], ...pairs]);
        expect(new URL(url).hash).toBe('#frag');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a relative URL', () => {
    expect(() => addParamsToUrl('/authorize', { a: '1' })).toThrow(InvalidArgumentError);
  });
});

describe('addParamsToFragment', () => {
  it('appends to the fragment, keeping the query and the fragment parameters', () => {
    const url = addParamsToFragment('https://c.test/cb?q=1#state=xyz', {
      access_token: 'a b',
      token_type: 'Bearer',
    });
    expect(url).toBe('https://c.test/cb?q=1#state=xyz&access_token=a+b&token_type=Bearer');
    expect(getFragmentParams(url)).toEqual([
      ['state', 'xyz'],
      ['access_token', 'a b'],
      ['token_type', 'Bearer'],
    ]);
    expect(getQueryParams(url)).toEqual([['q', '1']]);
  });

  it('creates a fragment where there is none', () => {
    expect(addParamsToFragment('https://c.test/cb', { a: '1' })).toBe('https://c.test/cb#a=1');
  });
});

describe('getQueryParams / getFragmentParams', () => {
  it('keeps duplicates and order, decodes + and %XX', () => {
    const url = 'https://c.test/cb?a=1&b=x+y&a=2&c=%E2%98%83&d#s=1&s=2&t=a+b&u=%26';
    expect(getQueryParams(url)).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '2'],
      ['c', '☃'],
      ['d', ''],
    ]);
    expect(getFragmentParams(url)).toEqual([
      ['s', '1'],
      ['s', '2'],
      ['t', 'a b'],
      ['u', '&'],
    ]);
  });

  it('returns nothing for a URL without query or fragment', () => {
    expect(getQueryParams('https://c.test/cb')).toEqual([]);
    expect(getFragmentParams('https://c.test/cb?a=1')).toEqual([]);
  });

  it('does not read the query as fragment parameters or the reverse', () => {
    expect(getFragmentParams('https://c.test/cb?code=c#')).toEqual([]);
    expect(getQueryParams('https://c.test/cb#code=c')).toEqual([]);
  });
});

describe('paramsToRecord', () => {
  it('keeps the first value of each name in a null-prototype record', () => {
    const record = paramsToRecord([
      ['state', 's1'],
      ['state', 's2'],
      ['constructor', 'c'],
    ]);
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect({ ...record }).toEqual({ state: 's1', constructor: 'c' });
  });
});
