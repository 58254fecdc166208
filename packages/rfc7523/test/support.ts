import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import type { HttpRequest, Transport } from '@x/core';
import { TransportError } from '@x/core';
import type { JWK } from 'jose';
import { expect } from 'vitest';

/**
 * Test plumbing: a fetch transport that records what it sent, key pairs in
 * every format the package reads, and a no-secret assertion for errors.
 */

/** A request the client sent. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  params: URLSearchParams;
}

/** A {@link Transport} on global fetch that never follows redirects and logs every request. */
export function recordingTransport(): { transport: Transport; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const transport: Transport = async (request: HttpRequest, options) => {
    sent.push({
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      params: new URLSearchParams(request.body ?? ''),
    });
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(options?.signal === undefined ? {} : { signal: options.signal }),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch (cause) {
      throw new TransportError('ERR_NETWORK', 'request failed', { cause });
    }
  };
  return { transport, sent };
}

/** A key pair in the formats tests need. */
export interface TestKeyPair {
  /** PKCS#8 PEM. */
  privatePem: string;
  /** SPKI PEM. */
  publicPem: string;
  /** Private JWK (no kid). */
  privateJwk: JWK;
  /** Public JWK (no kid). */
  publicJwk: JWK;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function pair(privateKey: KeyObject, publicKey: KeyObject): TestKeyPair {
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    privateJwk: privateKey.export({ format: 'jwk' }) as JWK,
    publicJwk: publicKey.export({ format: 'jwk' }) as JWK,
    privateKey,
    publicKey,
  };
}

export function rsaKeyPair(modulusLength = 2048): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return pair(privateKey, publicKey);
}

export function ecKeyPair(namedCurve: 'P-256' | 'P-384' | 'P-521' = 'P-256'): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return pair(privateKey, publicKey);
}

export function ed25519KeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return pair(privateKey, publicKey);
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The error a function throws (fails the test when it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Asserts that no secret appears in any rendering of an error. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  const renderings = [
    inspect(error, { depth: 8 }),
    String(error),
    JSON.stringify(error),
    (error as Error).stack ?? '',
  ];
  for (const rendering of renderings) {
    for (const secret of secrets) expect(rendering).not.toContain(secret);
  }
}

/** The distinctive middle of a PEM (its body's first line), to look for in error renderings. */
export function pemBody(pem: string): string {
  return pem.split('\n')[1] ?? pem;
}
