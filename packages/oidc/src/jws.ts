import { InvalidArgumentError, OAuthError } from '@x/core';
import { compactVerify, errors } from 'jose';
import { algorithmSpec, isSymmetric } from './algorithms.js';
import { IdTokenError } from './errors.js';
import type { KeySet } from './jwks.js';

/**
 * Verifying a compact JWS the way an OpenID Connect client must: size first,
 * then structure, then `alg` (exactly the expected one; never `none`), then
 * `crit`, then the key (from the key set by `kid`/`alg` only, or the client
 * secret for HS*), then the signature with jose's `compactVerify`. Internal.
 */

/** The default maximum length of a JWS, in characters. */
export const DEFAULT_MAX_TOKEN_LENGTH = 32_768;

/** What {@link verifyCompactJws} needs. */
export interface VerifyJwsOptions {
  expectedAlg: string;
  keys?: KeySet | undefined;
  clientSecret?: string | undefined;
  maxTokenLength: number;
  signal?: AbortSignal | undefined;
  /** Names the token in messages: `id_token`, `userinfo response`. */
  what: string;
}

/** A verified JWS: its protected header and payload object. */
export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one base64url segment to a JSON object, or `undefined`. */
function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const value: unknown = JSON.parse(utf8.decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Checks an expected algorithm option. */
export function assertExpectedAlg(alg: unknown, name: string): string {
  if (typeof alg !== 'string' || algorithmSpec(alg) === undefined) {
    throw new InvalidArgumentError(
      `${name} must be a supported JWS algorithm (RS*, PS*, ES*, EdDSA, Ed25519, HS*), not ${JSON.stringify(alg)}`,
    );
  }
  return alg;
}

/**
 * Verifies a compact JWS and returns its header and payload.
 *
 * @throws IdTokenError (`ERR_ID_TOKEN_TOO_LARGE`, `_MALFORMED`, `_ALG`,
 * `_CRIT`, `_KEY`, `_SIGNATURE`); whatever the key set throws when it cannot
 * fetch the keys (TransportError, InvalidResponseError).
 */
export async function verifyCompactJws(
  token: unknown,
  options: VerifyJwsOptions,
): Promise<VerifiedJws> {
  const { what, expectedAlg } = options;
  const secrets = { secrets: [typeof token === 'string' ? token : undefined] };
  if (typeof token !== 'string') {
    throw new IdTokenError('ERR_ID_TOKEN_MALFORMED', 'format', `the ${what} is not a string`);
  }
  if (token.length > options.maxTokenLength) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_TOO_LARGE',
      'size',
      `the ${what} is ${token.length} characters long, more than the ${options.maxTokenLength} allowed`,
      secrets,
    );
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    const hint = parts.length === 5 ? ' (encrypted tokens are not supported)' : '';
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'format',
      `the ${what} is not a compact JWS${hint}`,
      secrets,
    );
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonSegment(headerPart);
  if (header === undefined) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'format',
      `the ${what} header is not a base64url JSON object`,
      secrets,
    );
  }
  const { alg } = header;
  if (typeof alg !== 'string') {
    throw new IdTokenError('ERR_ID_TOKEN_MALFORMED', 'format', `the ${what} has no alg`, secrets);
  }
  if (alg.toLowerCase() === 'none') {
    throw new IdTokenError('ERR_ID_TOKEN_ALG', 'alg-none', `unsigned ${what} (alg none) refused`, {
      ...secrets,
    });
  }
  if (alg !== expectedAlg) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_ALG',
      'alg',
      `the ${what} is signed with ${JSON.stringify(alg).slice(0, 40)}, not the expected ${expectedAlg}`,
      secrets,
    );
  }
  if (header.crit !== undefined) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_CRIT',
      'crit',
      `the ${what} has a crit header with extensions this client does not understand`,
      secrets,
    );
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new IdTokenError('ERR_ID_TOKEN_MALFORMED', 'format', `the ${what} kid is not a string`, {
      ...secrets,
    });
  }
  if (!SEGMENT.test(payloadPart) || !SEGMENT.test(signaturePart) || signaturePart === '') {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'format',
      `the ${what} payload or signature is not base64url`,
      secrets,
    );
  }

  let candidates: Array<CryptoKey | Uint8Array>;
  if (isSymmetric(alg)) {
    if (options.clientSecret === undefined) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_KEY',
        'key',
        `the ${what} uses ${alg}, which needs the client secret`,
        secrets,
      );
    }
    candidates = [new TextEncoder().encode(options.clientSecret)];
  } else {
    if (options.keys === undefined) {
      throw new InvalidArgumentError(`verifying a ${alg} ${what} needs the provider's keys`);
    }
    const kid = header.kid as string | undefined;
    candidates = await options.keys.keysFor({ alg, kid }, { signal: options.signal });
    if (candidates.length === 0) {
      const which =
        kid === undefined ? `no ${alg} key` : `no ${alg} key with kid ${JSON.stringify(kid)}`;
      throw new IdTokenError(
        'ERR_ID_TOKEN_KEY',
        'key',
        `${which} in the provider's key set verifies the ${what}`,
        secrets,
      );
    }
  }

  let failure: unknown;
  for (const key of candidates) {
    try {
      const { payload } = await compactVerify(token, key, { algorithms: [expectedAlg] });
      const claims = decodePayload(payload);
      if (claims === undefined) {
        throw new IdTokenError(
          'ERR_ID_TOKEN_MALFORMED',
          'format',
          `the ${what} payload is not a JSON object`,
          secrets,
        );
      }
      return { header, payload: claims };
    } catch (error) {
      if (OAuthError.isInstance(error)) throw error;
      if (error instanceof errors.JWSInvalid) {
        throw new IdTokenError('ERR_ID_TOKEN_MALFORMED', 'format', `the ${what} is malformed`, {
          ...secrets,
          cause: error,
        });
      }
      failure = error; // this key does not verify it: try the next one
    }
  }
  throw new IdTokenError(
    'ERR_ID_TOKEN_SIGNATURE',
    'signature',
    `the ${what} signature does not verify`,
    { ...secrets, cause: failure },
  );
}

function decodePayload(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
