import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { ALPHANUMERIC, generateToken, randomBase64Url, randomBytes } from '../src/random.js';

describe('randomBytes', () => {
  it('returns the requested number of bytes', () => {
    for (const n of [0, 1, 16, 32, 1000]) {
      const bytes = randomBytes(n);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes.length).toBe(n);
    }
  });
});

describe('generateToken', () => {
  it('defaults to 30 alphanumeric characters (Authlib generate_token)', () => {
    expect(ALPHANUMERIC).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    expect(generateToken()).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('honours length and alphabet', () => {
    for (const length of [1, 2, 7, 43, 128, 1000]) {
      expect(generateToken(length)).toHaveLength(length);
    }
    expect(generateToken(200, '01')).toMatch(/^[01]{200}$/);
    expect(generateToken(50, '-._~')).toMatch(/^[-._~]{50}$/);
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(0x100 + i)).join('');
    const token = generateToken(500, all);
    expect(token).toHaveLength(500);
    for (const char of token) expect(all).toContain(char);
  });

  it.each([
    ['zero length', 0, undefined],
    ['negative length', -1, undefined],
    ['fractional length', 1.5, undefined],
    ['NaN length', Number.NaN, undefined],
    ['infinite length', Number.POSITIVE_INFINITY, undefined],
    ['empty alphabet', 10, ''],
    ['one-character alphabet', 10, 'a'],
    ['257-character alphabet', 10, 'x'.repeat(257)],
  ])('rejects a %s', (_what, length, alphabet) => {
    expect(() => generateToken(length, alphabet)).toThrow(InvalidArgumentError);
  });

  it('is close to uniform over the default alphabet (no modulo bias)', () => {
    // 62 symbols, 1000 expected each. A modulo-biased generator (256 % 62 = 8
    // symbols 25% likelier) scores about 400; a fair one about 61 +/- 11.
    const sample = generateToken(62_000);
    const counts = new Map<string, number>();
    for (const char of sample) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    let chiSquare = 0;
    for (const count of counts.values()) chiSquare += (count - 1000) ** 2 / 1000;
    expect(chiSquare).toBeLessThan(200);
  });

  it('is close to uniform over a small alphabet', () => {
    // 3 symbols (256 % 3 = 1): 30,000 draws, 10,000 expected each.
    const sample = generateToken(30_000, 'abc');
    for (const char of 'abc') {
      const count = sample.split(char).length - 1;
      expect(Math.abs(count - 10_000)).toBeLessThan(700); // > 8 standard deviations
    }
  });

  it('does not repeat in 10,000 tokens', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => generateToken()));
    expect(tokens.size).toBe(10_000);
  });
});

describe('randomBase64Url', () => {
  it('defaults to 32 bytes: 43 base64url characters', () => {
    const value = randomBase64Url();
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
  });

  it('has the unpadded base64url length for every byte length', () => {
    for (let n = 0; n <= 64; n++) {
      const value = randomBase64Url(n);
      expect(value).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(value).toHaveLength(Math.ceil((n * 4) / 3));
      expect(Buffer.from(value, 'base64url')).toHaveLength(n);
    }
  });

  it('does not repeat in 10,000 values', () => {
    const values = new Set(Array.from({ length: 10_000 }, () => randomBase64Url(16)));
    expect(values.size).toBe(10_000);
  });
});

describe('random: argument errors are typed', () => {
  it('refuses negative or fractional byte counts with InvalidArgumentError', () => {
    expect(() => randomBytes(-1)).toThrow(InvalidArgumentError);
    expect(() => randomBase64Url(1.5)).toThrow(InvalidArgumentError);
  });
  it('fills buffers larger than one getRandomValues call', () => {
    const bytes = randomBytes(70_000);
    expect(bytes.length).toBe(70_000);
    expect(bytes.subarray(65_536).some((b) => b !== 0)).toBe(true);
    expect(generateToken(70_000)).toHaveLength(70_000);
  });
});
