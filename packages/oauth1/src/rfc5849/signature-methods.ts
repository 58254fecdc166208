/**
 * Signature methods (RFC 5849 3.4.2-3.4.4) and their registry: HMAC-SHA1,
 * RSA-SHA1 and PLAINTEXT from the RFC, HMAC-SHA256/512 and RSA-SHA256/512
 * as providers deploy them, and any custom method registered with
 * {@link registerSignatureMethod}. Web Crypto, or node:crypto on Node (the
 * `#signer` subpath import picks one; signatures are byte-identical).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 */
import { InvalidArgumentError } from '@x/core';
import { hmacBase64, rsaBase64 } from '#signer';
import { bytesFromBase64, timingSafeEqual, utf8Bytes } from '../lib/bytes.js';
import type { BodyHashAlgorithm } from './body-hash.js';
import { percentEncode } from './encoding.js';
import {
  type HashAlgorithm,
  importRsaPrivateKey,
  importRsaPublicKey,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
} from './keys.js';

/** What a client signs with. Secrets are the empty string when there is none. */
export interface SigningKeys {
  clientSecret: string;
  tokenSecret: string;
  /** The client's RSA private key, for RSA methods. */
  rsaKey?: RsaPrivateKeyInput | undefined;
}

/** What a server verifies with. Secrets are the empty string when there is none. */
export interface VerificationKeys {
  clientSecret: string;
  tokenSecret: string;
  /** The client's RSA public key, for RSA methods. */
  rsaPublicKey?: RsaPublicKeyInput | undefined;
}

/**
 * A signature method: how `oauth_signature` is computed from the signature
 * base string, and checked.
 */
export interface SignatureMethod {
  /** Computes `oauth_signature` (before any transport encoding). */
  sign(baseString: string, keys: SigningKeys): Promise<string> | string;
  /**
   * Checks a received `oauth_signature`, in constant time. Without it,
   * {@link verifySignature} rejects the method.
   */
  verify?(
    baseString: string,
    signature: string,
    keys: VerificationKeys,
  ): Promise<boolean> | boolean;
  /** The digest `oauth_body_hash` uses with this method; none when absent. */
  readonly bodyHash?: BodyHashAlgorithm | undefined;
  /** The signature reveals the secrets (PLAINTEXT): only ever sent over https. */
  readonly requiresSecureTransport?: boolean | undefined;
  /** The method signs with `rsaKey` rather than the shared secrets. */
  readonly usesRsaKey?: boolean | undefined;
}

/** The methods this package implements. */
export type BuiltinSignatureMethod =
  | 'HMAC-SHA1'
  | 'HMAC-SHA256'
  | 'HMAC-SHA512'
  | 'RSA-SHA1'
  | 'RSA-SHA256'
  | 'RSA-SHA512'
  | 'PLAINTEXT';

/** A built-in method name, or the name of a method added with {@link registerSignatureMethod}. */
export type SignatureMethodName = BuiltinSignatureMethod | (string & {});

/**
 * The shared-secret key of HMAC and PLAINTEXT (RFC 5849 3.4.2): the encoded
 * client secret, `&`, the encoded token secret (the `&` even when both are
 * empty).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2
 * @example signingKey('kd94hf93k423kf44', '') // 'kd94hf93k423kf44&'
 */
export function signingKey(clientSecret: string, tokenSecret: string): string {
  return `${percentEncode(clientSecret)}&${percentEncode(tokenSecret)}`;
}

function hmac(hash: HashAlgorithm): SignatureMethod {
  // The last key built: a client signs request after request with the same secrets.
  let last = { clientSecret: '', tokenSecret: '', key: signingKey('', '') };
  const keyOf = ({ clientSecret, tokenSecret }: SigningKeys): string => {
    if (clientSecret !== last.clientSecret || tokenSecret !== last.tokenSecret) {
      last = { clientSecret, tokenSecret, key: signingKey(clientSecret, tokenSecret) };
    }
    return last.key;
  };
  // Synchronous on Node (`#signer` resolves to node:crypto there), a promise elsewhere.
  const sign = (baseString: string, keys: SigningKeys): Promise<string> | string =>
    hmacBase64(keyOf(keys), baseString, hash);
  return {
    bodyHash: hash,
    sign,
    async verify(baseString, signature, keys) {
      return timingSafeEqual(await sign(baseString, keys), signature);
    },
  };
}

function rsa(hash: HashAlgorithm): SignatureMethod {
  return {
    bodyHash: hash,
    usesRsaKey: true,
    async sign(baseString, keys) {
      if (keys.rsaKey === undefined) {
        throw new InvalidArgumentError(`RSA-${hash.replace('-', '')} needs the client's rsaKey`);
      }
      const key = await importRsaPrivateKey(keys.rsaKey, hash);
      return rsaBase64(key, baseString, hash);
    },
    async verify(baseString, signature, keys) {
      if (keys.rsaPublicKey === undefined) {
        throw new InvalidArgumentError(
          `RSA-${hash.replace('-', '')} needs the client's RSA public key`,
        );
      }
      const bytes = bytesFromBase64(signature);
      if (!bytes) return false;
      const key = await importRsaPublicKey(keys.rsaPublicKey, hash);
      return crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, bytes, utf8Bytes(baseString));
    },
  };
}

const plaintext: SignatureMethod = {
  requiresSecureTransport: true,
  sign: (_baseString, keys) => signingKey(keys.clientSecret, keys.tokenSecret),
  verify: (_baseString, signature, keys) =>
    timingSafeEqual(signingKey(keys.clientSecret, keys.tokenSecret), signature),
};

const registry = new Map<string, SignatureMethod>([
  ['HMAC-SHA1', hmac('SHA-1')],
  ['HMAC-SHA256', hmac('SHA-256')],
  ['HMAC-SHA512', hmac('SHA-512')],
  ['RSA-SHA1', rsa('SHA-1')],
  ['RSA-SHA256', rsa('SHA-256')],
  ['RSA-SHA512', rsa('SHA-512')],
  ['PLAINTEXT', plaintext],
]);

/**
 * The built-in method names, in the order of the RFC and then by strength.
 *
 * @example BUILTIN_SIGNATURE_METHODS.includes('RSA-SHA256') // true
 */
export const BUILTIN_SIGNATURE_METHODS: readonly BuiltinSignatureMethod[] = Object.freeze([
  'HMAC-SHA1',
  'HMAC-SHA256',
  'HMAC-SHA512',
  'RSA-SHA1',
  'RSA-SHA256',
  'RSA-SHA512',
  'PLAINTEXT',
]);

/**
 * Adds a signature method under `name` (case-sensitive, sent as
 * `oauth_signature_method`), or replaces one, for every client, `OAuth1Auth`
 * and verifier in the process. Authlib's
 * `ClientAuth.register_signature_method`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 * @example
 * registerSignatureMethod('HMAC-SHA384', {
 *   async sign(baseString, { clientSecret, tokenSecret }) { ... },
 * })
 * new OAuth1Auth({ clientId, clientSecret, signatureMethod: 'HMAC-SHA384' })
 */
export function registerSignatureMethod(name: string, method: SignatureMethod): void {
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new InvalidArgumentError('a signature method name must be a non-empty token');
  }
  if (typeof method?.sign !== 'function') {
    throw new InvalidArgumentError('a signature method needs a sign function');
  }
  registry.set(name, method);
}

/**
 * The method registered under `name`, or `undefined`.
 *
 * @example getSignatureMethod('HMAC-SHA1')?.sign(baseString, { clientSecret, tokenSecret: '' })
 */
export function getSignatureMethod(name: string): SignatureMethod | undefined {
  return registry.get(name);
}
