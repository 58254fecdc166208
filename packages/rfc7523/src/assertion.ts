import { type Clock, epochSeconds, InvalidArgumentError, OAuthError, systemClock } from '@x/core';
import { CompactSign, type JWTHeaderParameters, SignJWT } from 'jose';
import { randomJti } from './jti.js';
import { importSigningKey, type SigningKey } from './keys.js';

/**
 * The JWT assertion of RFC 7523 3: its claims, and signing it with jose.
 * Client authentication (`ClientSecretJWT`, `PrivateKeyJWT`) and the
 * JWT-bearer grant both come here.
 */

/** Claims the assertion sets itself; give them through the options, not `claims`. */
export const RESERVED_CLAIMS: readonly string[] = Object.freeze([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'jti',
]);

/** The default lifetime of an assertion, in seconds. */
export const DEFAULT_ASSERTION_LIFETIME = 60;

/** The longest lifetime accepted (a day): a larger `expiresIn` is almost surely milliseconds. */
const MAX_LIFETIME = 86_400;

/** What {@link signAssertion} signs, and with what. */
export interface SignAssertionOptions {
  /** `iss`: who made the assertion (the client id for client authentication). */
  issuer: string;
  /** `sub`: whom it is about. Omitted when absent. */
  subject?: string | undefined;
  /** `aud`: the one recipient (token endpoint or issuer), a single string. */
  audience: string;
  /** The signing key (PEM, JWK, CryptoKey, or an HMAC secret). */
  key: SigningKey;
  /** @defaultValue 'RS256' */
  alg?: string | undefined;
  /** `kid` header; defaults to the JWK's `kid` or `headers.kid`. */
  kid?: string | undefined;
  /** More claims (e.g. `scope`). May not set `iss`, `sub`, `aud`, `exp`, `iat` or `jti`. */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** More JOSE header parameters (e.g. `typ`). May not set `alg`. */
  headers?: Readonly<Record<string, unknown>> | undefined;
  /** Seconds from `iat` to `exp`. @defaultValue 60 */
  expiresIn?: number | undefined;
  /** The source of `iat`. */
  clock?: Clock | undefined;
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string`);
  }
  return value;
}

const utf8 = new TextEncoder();

/** True when `object` has no own enumerable keys, strings or symbols (what `Object.assign` copies). */
function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return Object.getOwnPropertySymbols(object).length === 0;
}

/**
 * A signer for the claims: jose's `SignJWT`, or, for the claims we set
 * ourselves (strings and whole seconds, nothing from the caller), jose's
 * `CompactSign` over the same JSON, which skips `SignJWT`'s defensive
 * `structuredClone`. Both refuse a non-finite `iat`/`exp` with the same error.
 */
function signerFor(payload: Record<string, unknown>, extra: object): SignJWT | CompactSign {
  if (!isEmpty(extra)) return new SignJWT(payload);
  for (const claim of ['iat', 'exp']) {
    if (!Number.isFinite(payload[claim])) {
      throw new TypeError(`"${claim}" claim must be a finite number`);
    }
  }
  return new CompactSign(utf8.encode(JSON.stringify(payload)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks extra claims: a plain object that sets none of the
 * {@link RESERVED_CLAIMS}.
 *
 * @throws InvalidArgumentError
 * @example assertExtraClaims({ scope: 'read' })
 */
export function assertExtraClaims(claims: unknown): Readonly<Record<string, unknown>> {
  if (claims === undefined) return {};
  if (!isRecord(claims)) throw new InvalidArgumentError('claims must be an object');
  for (const name of RESERVED_CLAIMS) {
    if (name in claims) {
      throw new InvalidArgumentError(
        `claims may not set "${name}": it comes from the options (issuer, subject, audience, expiresIn) or is generated`,
      );
    }
  }
  return claims;
}

/**
 * Checks extra JOSE header parameters: a plain object without `alg`
 * (the algorithm is the `alg` option, so it cannot be confused).
 *
 * @throws InvalidArgumentError
 * @example assertExtraHeaders({ typ: 'JWT' })
 */
export function assertExtraHeaders(headers: unknown): Readonly<Record<string, unknown>> {
  if (headers === undefined) return {};
  if (!isRecord(headers)) throw new InvalidArgumentError('headers must be an object');
  if ('alg' in headers)
    throw new InvalidArgumentError('headers may not set "alg"; use the alg option');
  if (headers.kid !== undefined && typeof headers.kid !== 'string') {
    throw new InvalidArgumentError('headers.kid must be a string');
  }
  return headers;
}

/**
 * Checks an assertion lifetime: whole seconds, at least 1, at most a day.
 *
 * @throws InvalidArgumentError
 * @example assertLifetime(60) // 60
 */
export function assertLifetime(expiresIn: unknown): number {
  if (expiresIn === undefined) return DEFAULT_ASSERTION_LIFETIME;
  if (
    typeof expiresIn !== 'number' ||
    !Number.isInteger(expiresIn) ||
    expiresIn < 1 ||
    expiresIn > MAX_LIFETIME
  ) {
    throw new InvalidArgumentError(
      `expiresIn must be a whole number of seconds from 1 to ${MAX_LIFETIME}`,
    );
  }
  return expiresIn;
}

/**
 * Signs a JWT assertion (RFC 7523 3): `iss`, `sub` (when given), `aud` (a
 * single string), `iat` from the clock, `exp` = `iat` + `expiresIn`, a `jti`
 * of 192 CSPRNG bits, then any extra claims; `alg` and `kid` in the header.
 * Every call makes a new assertion; the key is imported once and cached.
 *
 * @throws InvalidArgumentError for a bad option, a refused algorithm or a
 * key that does not fit it — never with the key in it.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @example
 * const jwt = await signAssertion({
 *   issuer: 'client-id', subject: 'client-id', audience: 'https://as.example.com/token',
 *   key: privateKeyPem, alg: 'ES256',
 * })
 */
export async function signAssertion(options: SignAssertionOptions): Promise<string> {
  if (!isRecord(options)) throw new InvalidArgumentError('signAssertion needs an options object');
  const issuer = nonEmpty(options.issuer, 'issuer');
  if (Array.isArray(options.audience)) {
    throw new InvalidArgumentError('audience must be a single string (RFC 7523 3), not a list');
  }
  const audience = nonEmpty(options.audience, 'audience');
  const subject = options.subject === undefined ? undefined : nonEmpty(options.subject, 'subject');
  const claims = assertExtraClaims(options.claims);
  const headers = assertExtraHeaders(options.headers);
  const lifetime = assertLifetime(options.expiresIn);
  if (options.kid !== undefined) nonEmpty(options.kid, 'kid');

  const imported = await importSigningKey(options.key, options.alg ?? 'RS256');
  const iat = epochSeconds(options.clock ?? systemClock);
  const payload: Record<string, unknown> = { iss: issuer };
  if (subject !== undefined) payload.sub = subject;
  payload.aud = audience;
  payload.iat = iat;
  payload.exp = iat + lifetime;
  payload.jti = randomJti();
  Object.assign(payload, claims);

  const kid = options.kid ?? (headers.kid as string | undefined) ?? imported.kid;
  // Object.assign, not spreads: V8 is slow to add properties after a spread (per assertion).
  const header: JWTHeaderParameters = Object.assign({}, headers, { alg: imported.alg });
  if (kid !== undefined) header.kid = kid;
  try {
    return await signerFor(payload, claims).setProtectedHeader(header).sign(imported.key);
  } catch (error) {
    if (OAuthError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`signing the assertion with ${imported.alg} failed: ${reason}`, {
      secrets: typeof options.key === 'string' ? [options.key] : [],
    });
  }
}
