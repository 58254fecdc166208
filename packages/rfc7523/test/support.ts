import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Test plumbing: key pairs in every format the package reads, and the shared
 * recording transport and error helpers of @x/testing.
 */

export {
  expectNoSecrets,
  recordingTransport,
  rejectionOf,
  type SentRequest,
  thrownBy,
} from '@x/testing';

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

/** The distinctive middle of a PEM (its body's first line), to look for in error renderings. */
export function pemBody(pem: string): string {
  return pem.split('\n')[1] ?? pem;
}
