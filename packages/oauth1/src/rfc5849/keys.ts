/**
 * Key import for the signature methods, done once per key and cached.
 *
 * - RSA private keys (RSA-SHA1/256/512 clients): PEM PKCS#8
 *   (`BEGIN PRIVATE KEY`), PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`, wrapped in a
 *   PKCS#8 envelope since Web Crypto cannot import PKCS#1), a JWK, or a
 *   `CryptoKey`.
 * - RSA public keys (the verifier): PEM SPKI (`BEGIN PUBLIC KEY`), PEM PKCS#1
 *   (`BEGIN RSA PUBLIC KEY`), a PEM X.509 certificate, a JWK, or a `CryptoKey`.
 * - HMAC keys: one per (client secret, token secret, hash), kept in a
 *   bounded LRU cache so that no request pays for an import.
 *
 * Web Crypto binds the hash to an RSA key at import, so a key is imported
 * once per hash it is used with.
 */
import { InvalidArgumentError } from '@x/core';
import { bytesFromBase64, utf8Bytes } from '../lib/bytes.js';
import { pkcs1PrivateToPkcs8, pkcs1PublicToSpki, spkiFromCertificate } from '../lib/der.js';
import { LruCache } from '../lib/lru.js';

/** The hash functions the built-in signature methods use. */
export type HashAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** An RSA private key: PEM (PKCS#8 or PKCS#1), a private JWK, or a `CryptoKey`. */
export type RsaPrivateKeyInput = string | JsonWebKey | CryptoKey;

/** An RSA public key: PEM (SPKI, PKCS#1 or an X.509 certificate), a public JWK, or a `CryptoKey`. */
export type RsaPublicKeyInput = string | JsonWebKey | CryptoKey;

const RSA = 'RSASSA-PKCS1-v1_5';

/**
 * How many PEM and HMAC keys stay imported (each cache is an LRU).
 *
 * @example KEY_CACHE_SIZE // 100
 */
export const KEY_CACHE_SIZE = 100;

const pemKeys = new LruCache<string, Promise<CryptoKey>>(KEY_CACHE_SIZE);
const objectKeys = new WeakMap<object, Map<string, Promise<CryptoKey>>>();
const hmacKeys = new LruCache<string, Promise<CryptoKey>>(KEY_CACHE_SIZE);

type Kind = 'private' | 'public';

function isCryptoKey(value: unknown): value is CryptoKey {
  if (typeof CryptoKey === 'function') return value instanceof CryptoKey;
  return (
    typeof value === 'object' &&
    value !== null &&
    'algorithm' in value &&
    'usages' in value &&
    'type' in value
  );
}

interface Pem {
  label: string;
  der: Uint8Array<ArrayBuffer>;
}

function readPem(text: string): Pem {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) throw new InvalidArgumentError('the RSA key is not PEM, a JWK or a CryptoKey');
  const body = match[2] as string;
  if (body.includes(':')) {
    throw new InvalidArgumentError('encrypted PEM keys are not supported; decrypt the key first');
  }
  const der = bytesFromBase64(body.replace(/\s+/g, ''));
  if (!der) throw new InvalidArgumentError(`the PEM ${match[1]} block is not valid base64`);
  return { label: match[1] as string, der };
}

function importFailed(kind: Kind, hash: HashAlgorithm, cause: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    `the RSA ${kind} key could not be imported for RSASSA-PKCS1-v1_5 with ${hash}` +
      ' (check the key type, and a JWK `alg` or `key_ops` that does not fit)',
    { cause },
  );
}

async function importPem(text: string, kind: Kind, hash: HashAlgorithm): Promise<CryptoKey> {
  const { label, der } = readPem(text);
  const algorithm = { name: RSA, hash };
  if (kind === 'private') {
    if (label === 'ENCRYPTED PRIVATE KEY') {
      throw new InvalidArgumentError('encrypted PEM keys are not supported; decrypt the key first');
    }
    if (label !== 'PRIVATE KEY' && label !== 'RSA PRIVATE KEY') {
      throw new InvalidArgumentError(`a PEM ${label} is not an RSA private key`);
    }
    const pkcs8 = label === 'RSA PRIVATE KEY' ? pkcs1PrivateToPkcs8(der) : der;
    return crypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  }
  let spki: Uint8Array<ArrayBuffer>;
  if (label === 'PUBLIC KEY') spki = der;
  else if (label === 'RSA PUBLIC KEY') spki = pkcs1PublicToSpki(der);
  else if (label === 'CERTIFICATE') spki = spkiFromCertificate(der);
  else throw new InvalidArgumentError(`a PEM ${label} is not an RSA public key`);
  return crypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
}

async function adoptCryptoKey(key: CryptoKey, kind: Kind, hash: HashAlgorithm): Promise<CryptoKey> {
  const usage = kind === 'private' ? 'sign' : 'verify';
  if (key.type !== kind || key.algorithm.name !== RSA || !key.usages.includes(usage)) {
    throw new InvalidArgumentError(
      `the CryptoKey must be an ${RSA} ${kind} key usable to ${usage}`,
    );
  }
  const keyHash = (key.algorithm as RsaHashedKeyAlgorithm).hash.name;
  if (keyHash === hash) return key;
  if (!key.extractable) {
    throw new InvalidArgumentError(
      `the CryptoKey was imported for ${keyHash}, not ${hash}, and cannot be re-imported`,
    );
  }
  const jwk = await crypto.subtle.exportKey('jwk', key);
  delete jwk.alg;
  return crypto.subtle.importKey('jwk', jwk, { name: RSA, hash }, false, [usage]);
}

async function importRsa(
  key: RsaPrivateKeyInput,
  kind: Kind,
  hash: HashAlgorithm,
): Promise<CryptoKey> {
  try {
    if (typeof key === 'string') return await importPem(key, kind, hash);
    if (isCryptoKey(key)) return await adoptCryptoKey(key, kind, hash);
    if (typeof key !== 'object' || key === null || key.kty !== 'RSA') {
      throw new InvalidArgumentError('the RSA key is not PEM, an RSA JWK or a CryptoKey');
    }
    if ((kind === 'private') !== (key.d !== undefined)) {
      throw new InvalidArgumentError(`the JWK is not an RSA ${kind} key`);
    }
    const usage = kind === 'private' ? 'sign' : 'verify';
    return await crypto.subtle.importKey('jwk', key, { name: RSA, hash }, false, [usage]);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) throw error;
    throw importFailed(kind, hash, error);
  }
}

function cachedRsa(key: RsaPrivateKeyInput, kind: Kind, hash: HashAlgorithm): Promise<CryptoKey> {
  const id = `${kind} ${hash}`;
  if (typeof key === 'string') {
    const cacheKey = `${id}\n${key}`;
    let imported = pemKeys.get(cacheKey);
    if (!imported) {
      imported = importRsa(key, kind, hash);
      pemKeys.set(cacheKey, imported);
      imported.catch(() => pemKeys.delete(cacheKey));
    }
    return imported;
  }
  if (typeof key !== 'object' || key === null) {
    return Promise.reject(new InvalidArgumentError('the RSA key is not PEM, a JWK or a CryptoKey'));
  }
  let byHash = objectKeys.get(key);
  if (!byHash) {
    byHash = new Map();
    objectKeys.set(key, byHash);
  }
  let imported = byHash.get(id);
  if (!imported) {
    const map = byHash;
    imported = importRsa(key, kind, hash);
    map.set(id, imported);
    imported.catch(() => map.delete(id));
  }
  return imported;
}

/**
 * Imports an RSA private key for RSASSA-PKCS1-v1_5 signing with `hash`, once:
 * later calls with the same PEM string (or the same JWK / CryptoKey object)
 * and hash return the cached key.
 *
 * @throws InvalidArgumentError when the key is not a usable RSA private key.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3
 * @example const key = await importRsaPrivateKey(fs.readFileSync('client.pem', 'utf8'), 'SHA-256')
 */
export function importRsaPrivateKey(
  key: RsaPrivateKeyInput,
  hash: HashAlgorithm,
): Promise<CryptoKey> {
  return cachedRsa(key, 'private', hash);
}

/**
 * Imports an RSA public key (SPKI or PKCS#1 PEM, an X.509 certificate PEM, a
 * JWK, or a CryptoKey) for RSASSA-PKCS1-v1_5 verification with `hash`, once.
 *
 * @throws InvalidArgumentError when the key is not a usable RSA public key.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3
 * @example const key = await importRsaPublicKey(client.publicKeyPem, 'SHA-1')
 */
export function importRsaPublicKey(
  key: RsaPublicKeyInput,
  hash: HashAlgorithm,
): Promise<CryptoKey> {
  return cachedRsa(key, 'public', hash);
}

/**
 * The HMAC key for an already-built RFC 5849 3.4.2 key string
 * (`encode(client secret)&encode(token secret)`), imported once per key and
 * hash and kept in an LRU cache of {@link KEY_CACHE_SIZE} entries.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2
 * @example const key = await importHmacKey(signingKey(clientSecret, tokenSecret), 'SHA-1')
 */
export function importHmacKey(key: string, hash: HashAlgorithm): Promise<CryptoKey> {
  const cacheKey = `${hash}\n${key}`;
  let imported = hmacKeys.get(cacheKey);
  if (!imported) {
    imported = crypto.subtle.importKey('raw', utf8Bytes(key), { name: 'HMAC', hash }, false, [
      'sign',
    ]);
    hmacKeys.set(cacheKey, imported);
    imported.catch(() => hmacKeys.delete(cacheKey));
  }
  return imported;
}
