/**
 * OAuth1Auth's nonces: 30 letters and digits from a pooled CSPRNG, never
 * repeated, covering the whole alphabet, across many pool refills.
 */
import { ALPHANUMERIC } from '@x/core';
import { describe, expect, it, vi } from 'vitest';
import { generateNonce } from '../src/lib/nonce.js';

describe('generateNonce', () => {
  it('draws 30 alphanumeric characters, all distinct nonces, over many pool refills', () => {
    const nonces = Array.from({ length: 5000 }, () => generateNonce());
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
    const seen = new Set(nonces.join(''));
    expect(seen.size).toBe(ALPHANUMERIC.length);
  });

  it('is roughly uniform over the alphabet', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      for (const char of generateNonce()) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 120,000 characters: about 1,935 each; a modulo bias would skew the first
    // eight characters by about 25 %.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1600);
      expect(count).toBeLessThan(2300);
    }
  });

  it('fills its pool from crypto.getRandomValues, once per 2 KiB', () => {
    const fill = vi.spyOn(crypto, 'getRandomValues');
    for (let i = 0; i < 200; i++) generateNonce();
    // About 32 bytes per nonce: 6,400 bytes, 3 or 4 refills.
    expect(fill.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(fill.mock.calls.length).toBeLessThanOrEqual(5);
    for (const [array] of fill.mock.calls) expect((array as Uint8Array).length).toBe(2048);
  });

  it('honours another length', () => {
    expect(generateNonce(64)).toMatch(/^[A-Za-z0-9]{64}$/);
  });
});
