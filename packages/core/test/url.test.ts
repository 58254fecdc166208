import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import {
  addParamsToFragment,
  addParamsToUrl,
  getFragmentParams,
  getQueryParams,
  paramsToRecord,
  parseUrl,
} from '../src/url.js';

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
