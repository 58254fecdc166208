import { InvalidArgumentError, OAuthError } from '@x/core';
import { importJWK, importPKCS8, type JWK } from 'jose';
import {
  assertSigningAlgorithm,
  HMAC_MIN_KEY_BYTES,
  isSymmetricAlgorithm,
  type SigningAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js';
import { looksLikePem, parsePem, pkcs1ToPkcs8, sec1ToPkcs8 } from './pem.js';

/**
 * Signing keys: imported once through jose (or WebCrypto for HMAC secrets),
 * checked against the algorithm, and cached, so a client that signs an
 * assertion per request pays for the import only the first time.
 */

/**
 * A key to sign assertions with:
 * - a PEM private key: PKCS#8 `PRIVATE KEY`, or the legacy PKCS#1
 *   `RSA PRIVATE KEY` and SEC1 `EC PRIVATE KEY` (converted for you);
 * - a private JWK (an object, or its JSON text), or an `oct` JWK for HMAC;
 * - a `CryptoKey` (`private` for asymmetric algorithms, `secret` for HMAC);
 * - for HS256/384/512 only: a shared secret, as a string (its UTF-8 bytes)
 *   or bytes.
 */
export type SigningKey = string | JWK | CryptoKey | Uint8Array;

/** A key ready for jose: a non-extractable `CryptoKey`, and the `kid` the key itself names. */
export interface ImportedSigningKey {
  /** The key, checked against `alg`. */
  readonly key: CryptoKey;
  /** The algorithm it was imported for. */
  readonly alg: SigningAlgorithm;
  /** The JWK's `kid`, when the key is a JWK that has one. */
  readonly kid: string | undefined;
}

type Cache = Map<SigningAlgorithm, Promise<ImportedSigningKey>>;
/** Imports of keys given as objects (JWK, CryptoKey, bytes), per object. */
const byObject = new WeakMap<object, Cache>();
/** Imports of keys given as strings (PEM, JWK JSON, secrets): the most recent few. */
const byString = new Map<string, Cache>();
const MAX_STRING_KEYS = 32;

const utf8 = new TextEncoder();
const HASH_BITS: Record<string, string> = { '256': 'SHA-256', '384': 'SHA-384', '512': 'SHA-512' };

function hashOf(alg: SigningAlgorithm): string {
  return HASH_BITS[alg.slice(2)] ?? 'SHA-256';
}

const CURVE_OF: Readonly<Record<'ES256' | 'ES384' | 'ES512', string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

/** The WebCrypto algorithm a key must have to sign with `alg`. */
function subtleNameOf(alg: SigningAlgorithm): string {
  if (isSymmetricAlgorithm(alg)) return 'HMAC';
  if (alg.startsWith('RS')) return 'RSASSA-PKCS1-v1_5';
  if (alg.startsWith('PS')) return 'RSA-PSS';
  if (alg.startsWith('ES')) return 'ECDSA';
  return 'Ed25519';
}

const needsSecret = (alg: SigningAlgorithm): InvalidArgumentError =>
  new InvalidArgumentError(
    `${alg} is an HMAC algorithm and needs a shared secret, but the key is an asymmetric key; ` +
      'use an asymmetric alg (RS256, PS256, ES256, EdDSA, ...) with a private key',
  );
const needsPrivateKey = (alg: SigningAlgorithm): InvalidArgumentError =>
  new InvalidArgumentError(
    `${alg} needs a private key (PEM, JWK or CryptoKey), but the key is a shared secret; ` +
      'use HS256, HS384 or HS512 with a secret',
  );

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

function isJwk(value: unknown): value is JWK {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { kty?: unknown }).kty === 'string'
  );
}

/** The private members of a JWK, to keep them out of errors. */
function jwkSecrets(jwk: JWK): string[] {
  return [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi, jwk.k].filter(
    (v): v is string => typeof v === 'string',
  );
}

/** Refuses an HMAC secret shorter than the hash output (RFC 7518 3.2). */
function checkSecretLength(alg: SymmetricAlgorithm, length: number): void {
  const min = HMAC_MIN_KEY_BYTES[alg];
  if (length < min) {
    throw new InvalidArgumentError(
      `${alg} needs a secret of at least ${min} bytes (RFC 7518 3.2); this one has ${length}`,
    );
  }
}

/**
 * Checks that a `CryptoKey` can sign with `alg`: a private key of the right
 * type (curve, hash, RSA modulus of 2048 bits or more) for asymmetric
 * algorithms, an HMAC secret of the right hash and length for HS*.
 */
function checkCryptoKey(key: CryptoKey, alg: SigningAlgorithm): void {
  if (key.type === 'public') {
    throw new InvalidArgumentError('the key is a public key; signing needs the private key');
  }
  if (isSymmetricAlgorithm(alg) !== (key.type === 'secret')) {
    throw isSymmetricAlgorithm(alg) ? needsSecret(alg) : needsPrivateKey(alg);
  }
  const algorithm = key.algorithm as KeyAlgorithm & {
    hash?: { name?: string };
    namedCurve?: string;
    modulusLength?: number;
    length?: number;
  };
  const wanted = subtleNameOf(alg);
  if (algorithm.name !== wanted) {
    throw new InvalidArgumentError(
      `the key is a ${algorithm.name} key; ${alg} needs a ${wanted} key`,
    );
  }
  if (wanted === 'HMAC' || wanted.startsWith('RS')) {
    if (algorithm.hash?.name !== hashOf(alg)) {
      throw new InvalidArgumentError(
        `the key is bound to ${algorithm.hash?.name}; ${alg} needs ${hashOf(alg)}`,
      );
    }
  }
  if (wanted === 'HMAC' && typeof algorithm.length === 'number') {
    checkSecretLength(alg as SymmetricAlgorithm, Math.floor(algorithm.length / 8));
  }
  if (wanted === 'ECDSA') {
    const curve = CURVE_OF[alg as 'ES256' | 'ES384' | 'ES512'];
    if (algorithm.namedCurve !== curve) {
      throw new InvalidArgumentError(
        `the key is on ${algorithm.namedCurve}; ${alg} needs ${curve}`,
      );
    }
  }
  if (wanted.startsWith('RS') && (algorithm.modulusLength ?? 0) < 2048) {
    throw new InvalidArgumentError(`${alg} needs an RSA key of at least 2048 bits`);
  }
  if (!key.usages.includes('sign')) {
    throw new InvalidArgumentError('the key is not allowed to sign (its usages lack "sign")');
  }
}

/** An HMAC CryptoKey for the secret bytes (imported once, so jose does not re-import per signature). */
async function importSecret(alg: SigningAlgorithm, secret: Uint8Array): Promise<CryptoKey> {
  if (!isSymmetricAlgorithm(alg)) throw needsPrivateKey(alg);
  checkSecretLength(alg, secret.length);
  return crypto.subtle.importKey(
    'raw',
    secret.slice(),
    { name: 'HMAC', hash: hashOf(alg) },
    false,
    ['sign'],
  );
}

function importPem(pem: string, alg: SigningAlgorithm): Promise<CryptoKey> {
  const { label, der } = parsePem(pem);
  const asymmetric = !isSymmetricAlgorithm(alg);
  switch (label) {
    case 'PRIVATE KEY':
      if (!asymmetric) throw needsSecret(alg);
      return importPKCS8(pem, alg);
    case 'RSA PRIVATE KEY':
      if (!asymmetric) throw needsSecret(alg);
      if (!alg.startsWith('RS') && !alg.startsWith('PS')) {
        throw new InvalidArgumentError(`the key is an RSA key; ${alg} needs another key type`);
      }
      return importPKCS8(pkcs1ToPkcs8(der), alg);
    case 'EC PRIVATE KEY':
      if (!asymmetric) throw needsSecret(alg);
      if (alg !== 'ES256' && alg !== 'ES384' && alg !== 'ES512') {
        throw new InvalidArgumentError(`the key is an EC key; ${alg} needs another key type`);
      }
      return importPKCS8(sec1ToPkcs8(der, alg), alg);
    case 'ENCRYPTED PRIVATE KEY':
      throw new InvalidArgumentError(
        'the PEM key is encrypted; decrypt it first: openssl pkcs8 -in encrypted.pem -out key.pem',
      );
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
    case 'CERTIFICATE':
      throw new InvalidArgumentError(
        `the PEM block is a ${label.toLowerCase()}; signing needs the private key (PKCS#8 "PRIVATE KEY")`,
      );
    default:
      throw new InvalidArgumentError(
        `unsupported PEM block "${label}"; convert the key to PKCS#8: ` +
          'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem',
      );
  }
}

async function importJwkKey(
  jwk: JWK,
  alg: SigningAlgorithm,
): Promise<{ key: CryptoKey; kid: string | undefined }> {
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new InvalidArgumentError(`the JWK is for alg ${jwk.alg}, not ${alg}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new InvalidArgumentError(`the JWK is for use "${jwk.use}", not "sig"`);
  }
  const kid = typeof jwk.kid === 'string' && jwk.kid.length > 0 ? jwk.kid : undefined;
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new InvalidArgumentError('the oct JWK has no "k"');
    let binary: string;
    try {
      binary = atob(jwk.k.replace(/-/g, '+').replace(/_/g, '/'));
    } catch {
      throw new InvalidArgumentError('the oct JWK\'s "k" is not base64url');
    }
    const secret = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return { key: await importSecret(alg, secret), kid };
  }
  if (isSymmetricAlgorithm(alg)) throw needsSecret(alg);
  const kty = alg.startsWith('ES') ? 'EC' : alg.startsWith('Ed') ? 'OKP' : 'RSA';
  if (jwk.kty !== kty) {
    throw new InvalidArgumentError(`the JWK is a ${jwk.kty} key; ${alg} needs an ${kty} key`);
  }
  const crv =
    kty === 'EC'
      ? CURVE_OF[alg as 'ES256' | 'ES384' | 'ES512']
      : kty === 'OKP'
        ? 'Ed25519'
        : undefined;
  if (crv !== undefined && jwk.crv !== crv) {
    throw new InvalidArgumentError(`the JWK is on curve ${jwk.crv}; ${alg} needs ${crv}`);
  }
  if (typeof jwk.d !== 'string') {
    throw new InvalidArgumentError('the JWK is a public key; signing needs the private key ("d")');
  }
  const key = await importJWK({ ...jwk, ext: false }, alg);
  if (!isCryptoKey(key)) throw new InvalidArgumentError(`the JWK cannot be used with ${alg}`);
  return { key, kid };
}

/** The JWK in a JSON text, or `undefined` when it is not one. */
function parseJwk(text: string): JWK | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJwk(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function load(source: SigningKey, alg: SigningAlgorithm): Promise<ImportedSigningKey> {
  let key: CryptoKey;
  let kid: string | undefined;
  if (typeof source === 'string') {
    const text = source.trim();
    const jwk = text.startsWith('{') ? parseJwk(text) : undefined;
    if (looksLikePem(text)) key = await importPem(text, alg);
    else if (jwk !== undefined) ({ key, kid } = await importJwkKey(jwk, alg));
    else if (text.startsWith('{') && !isSymmetricAlgorithm(alg)) {
      throw new InvalidArgumentError('the key starts with "{" but is not a JWK (JSON with "kty")');
    } else {
      if (source.length === 0) throw new InvalidArgumentError('the key is an empty string');
      key = await importSecret(alg, utf8.encode(source)); // the secret as given, untrimmed
    }
  } else if (source instanceof Uint8Array) {
    key = await importSecret(alg, source);
  } else if (isCryptoKey(source)) {
    key = source;
  } else if (isJwk(source)) {
    ({ key, kid } = await importJwkKey(source, alg));
  } else {
    throw new InvalidArgumentError(
      'the key must be a PEM string, a JWK, a CryptoKey, or (for HS*) a shared secret',
    );
  }
  checkCryptoKey(key, alg);
  return Object.freeze({ key, alg, kid });
}

function secretsOf(source: SigningKey): string[] {
  if (typeof source === 'string') return [source, source.trim()];
  return isJwk(source) ? jwkSecrets(source) : [];
}

/** Runs `load`, turning any failure into an `InvalidArgumentError` with no key material in it. */
async function loadSafely(source: SigningKey, alg: SigningAlgorithm): Promise<ImportedSigningKey> {
  try {
    return await load(source, alg);
  } catch (error) {
    const secrets = secretsOf(source);
    if (OAuthError.isInstance(error)) {
      throw new InvalidArgumentError(error.message, { secrets });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`the key cannot be used with ${alg}: ${reason}`, { secrets });
  }
}

function cacheFor(source: SigningKey): Cache {
  if (typeof source !== 'string') {
    const cache = byObject.get(source) ?? new Map();
    byObject.set(source, cache);
    return cache;
  }
  const found = byString.get(source);
  if (found !== undefined) return found;
  if (byString.size >= MAX_STRING_KEYS) {
    const oldest = byString.keys().next();
    if (oldest.done !== true) byString.delete(oldest.value);
  }
  const cache: Cache = new Map();
  byString.set(source, cache);
  return cache;
}

/**
 * Imports a signing key for `alg` and checks that they belong together;
 * the result is cached per key and algorithm (a failed import is not), so
 * call it as often as you like.
 *
 * Refused, with an `InvalidArgumentError` that never contains key material:
 * `none` and unknown algorithms; an HS* algorithm with a private key; an
 * asymmetric algorithm with a secret; an HMAC secret shorter than the hash
 * output (32/48/64 bytes, RFC 7518 3.2); a public key; an RSA key under 2048
 * bits; a key of the wrong type or curve; an encrypted PEM.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3
 * @example
 * const { key, kid } = await importSigningKey(process.env.PRIVATE_KEY_PEM!, 'RS256')
 */
export function importSigningKey(source: SigningKey, alg: string): Promise<ImportedSigningKey> {
  let algorithm: SigningAlgorithm;
  try {
    algorithm = assertSigningAlgorithm(alg);
  } catch (error) {
    return Promise.reject(error);
  }
  if (typeof source !== 'string' && (typeof source !== 'object' || source === null)) {
    return Promise.reject(
      new InvalidArgumentError(
        'the key must be a PEM string, a JWK, a CryptoKey, or (for HS*) a shared secret',
      ),
    );
  }
  const cache = cacheFor(source);
  let pending = cache.get(algorithm);
  if (pending === undefined) {
    pending = loadSafely(source, algorithm);
    cache.set(algorithm, pending);
    pending.catch(() => {
      if (cache.get(algorithm) === pending) cache.delete(algorithm);
    });
  }
  return pending;
}
