import { OAuthError } from '@x/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertCodeVerifier,
  createCodeChallenge,
  generateCodeVerifier,
  generateState,
} from '../src/index.js';

describe('PKCE (RFC 7636)', () => {
  it('matches the RFC 7636 Appendix B example', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(await createCodeChallenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(await createCodeChallenge(verifier, 'S256')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('plain returns the verifier itself, only when asked', async () => {
    const verifier = generateCodeVerifier();
    expect(await createCodeChallenge(verifier, 'plain')).toBe(verifier);
    expect(await createCodeChallenge(verifier)).not.toBe(verifier);
  });

  it('refuses verifiers outside 43..128 characters of the unreserved alphabet', async () => {
    for (const bad of [
      'short',
      'a'.repeat(42),
      'a'.repeat(129),
      `${'a'.repeat(43)} `,
      `${'a'.repeat(43)}+`,
    ]) {
      expect(() => assertCodeVerifier(bad)).toThrow(/43 to 128/);
      await expect(createCodeChallenge(bad)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    expect(() => assertCodeVerifier('a'.repeat(128))).not.toThrow();
    expect(() => assertCodeVerifier(`${'a'.repeat(40)}-._~`)).not.toThrow();
  });

  it('refuses an unknown method', async () => {
    // @ts-expect-error: not a method
    await expect(createCodeChallenge(generateCodeVerifier(), 'S512')).rejects.toSatisfy((e) =>
      OAuthError.isInstance(e),
    );
  });

  it('generated verifiers carry 256 bits: 43 base64url characters, all distinct', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), (n) => {
        const verifiers = Array.from({ length: n }, generateCodeVerifier);
        for (const v of verifiers) {
          expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
          expect(() => assertCodeVerifier(v)).not.toThrow();
        }
        expect(new Set(verifiers).size).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it('challenges are 43 base64url characters and differ per verifier', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9\-._~]{43,128}$/), async (verifier) => {
        const challenge = await createCodeChallenge(verifier);
        expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(await createCodeChallenge(verifier)).toBe(challenge);
      }),
      { numRuns: 100 },
    );
  });
});

describe('state generation', () => {
  it('is 43 alphanumeric characters, unique across calls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100 }), (n) => {
        const states = Array.from({ length: n }, generateState);
        for (const s of states) expect(s).toMatch(/^[A-Za-z0-9]{43}$/);
        expect(new Set(states).size).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it('uses the whole alphabet (no modulo bias towards a subset)', () => {
    const seen = new Set(Array.from({ length: 400 }, generateState).join(''));
    expect(seen.size).toBe(62);
  });
});
