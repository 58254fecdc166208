import type { Clock } from '@x/core';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * Shared test pieces: the recording transport of @x/testing (the adapters are
 * tested on their own), a clock the test moves, and id_tokens signed with jose.
 */

export { recordingTransport, type SentRequest } from '@x/testing';

/** A clock the test can move forward. */
export function movableClock(
  start: number = Date.now(),
): Clock & { advance(seconds: number): void } {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/** A signing key pair with its public JWK (kid, alg, use set). */
export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  alg: string;
}

let counter = 0;

/** A fresh key pair for `alg` (RS256 by default). */
export async function testKey(
  alg: string = 'RS256',
  kid: string = `key-${++counter}`,
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicKey, publicJwk, kid, alg };
}

const encoder = new TextEncoder();

/** Base64url of a string or bytes. */
export function b64u(value: string | Uint8Array): string {
  return Buffer.from(typeof value === 'string' ? encoder.encode(value) : value).toString(
    'base64url',
  );
}

/**
 * Signs `payload` as a compact JWS with `key` and exactly `header` (alg and
 * kid default to the key's). `crit` headers are allowed through.
 */
export async function sign(
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
  header: Record<string, unknown>,
): Promise<string> {
  const crit = Array.isArray(header.crit)
    ? Object.fromEntries((header.crit as string[]).map((name) => [name, true]))
    : undefined;
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key, crit === undefined ? undefined : { crit });
}

/** Now, in whole seconds, per `clock`. */
export function seconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
