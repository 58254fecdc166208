import { type Clock, systemClock } from './clock.js';
import { InvalidResponseError, safeJson } from './errors.js';
import { REDACTED } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The members of an OAuth 2.0 token, with their wire names (RFC 6749 5.1). */
export interface OAuth2TokenFields {
  access_token: string;
  /** `Bearer` for nearly every provider; compared case-insensitively. */
  token_type?: string | undefined;
  /** Lifetime in seconds, as the server sent it. */
  expires_in?: number | undefined;
  /** Expiry as whole seconds since the Unix epoch; computed when the response arrived. */
  expires_at?: number | undefined;
  refresh_token?: string | undefined;
  scope?: string | undefined;
  id_token?: string | undefined;
  /** Unknown members are kept as the server sent them. */
  [member: string]: unknown;
}

/** Names a server's member may not take: the prototype and the class's own methods. */
const SHADOWING = new Set(['__proto__', 'constructor', 'isExpired', 'with', 'toJSON']);

const STRING_MEMBERS = ['token_type', 'refresh_token', 'scope', 'id_token'] as const;

/** Reads a lifetime: a non-negative finite number, or a numeric string. */
function parseSeconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  throw new InvalidResponseError(`token member ${name} must be a non-negative number`);
}

function validate(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidResponseError('token must be a JSON object');
  }
  const fields: Record<string, unknown> = { ...input };
  if (typeof fields.access_token !== 'string' || fields.access_token.length === 0) {
    throw new InvalidResponseError('token has no access_token string');
  }
  for (const name of STRING_MEMBERS) {
    if (fields[name] === null) delete fields[name];
    else if (fields[name] !== undefined && typeof fields[name] !== 'string') {
      throw new InvalidResponseError(`token member ${name} must be a string`);
    }
  }
  return fields;
}

/**
 * An OAuth 2.0 token: the server's members under their wire names, plus
 * `expires_at` (seconds since the epoch), so a stored token survives
 * `JSON.stringify` / {@link OAuth2Token.from} unchanged.
 *
 * `util.inspect` shows it with the access, refresh and id tokens masked;
 * `JSON.stringify` does not mask (that is how you store it).
 *
 * @example
 * const token = OAuth2Token.fromResponse(await res.json(), { receivedAt: Date.now() })
 * if (token.isExpired(60)) ...
 * localStorage.token = JSON.stringify(token)
 * const again = OAuth2Token.from(JSON.parse(localStorage.token))
 */
export class OAuth2Token {
  declare readonly access_token: string;
  declare readonly token_type?: string | undefined;
  declare readonly expires_in?: number | undefined;
  declare readonly expires_at?: number | undefined;
  declare readonly refresh_token?: string | undefined;
  declare readonly scope?: string | undefined;
  declare readonly id_token?: string | undefined;
  readonly [member: string]: unknown;

  /** Use {@link OAuth2Token.from} or {@link OAuth2Token.fromResponse}. */
  protected constructor(fields: Record<string, unknown>) {
    // Not Object.assign: it would make a JSON "__proto__" member the prototype.
    // Members named like a method are dropped so a hostile server cannot shadow them.
    for (const [key, value] of Object.entries(fields)) {
      if (SHADOWING.has(key)) continue;
      Object.defineProperty(this, key, { value, enumerable: true });
    }
    Object.freeze(this);
  }

  /**
   * Builds a token from a token endpoint's parsed JSON body.
   * `expires_at` is `receivedAt` (when the response arrived) plus `expires_in`.
   *
   * @throws InvalidResponseError when `access_token` is missing, a known
   * member has the wrong type, or `expires_in` is negative or not numeric.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
   */
  static fromResponse(
    body: unknown,
    options: { receivedAt?: number | undefined; clock?: Clock | undefined } = {},
  ): OAuth2Token {
    const fields = validate(body);
    const receivedAt = options.receivedAt ?? (options.clock ?? systemClock).now();
    const expiresIn = parseSeconds(fields.expires_in, 'expires_in');
    if (expiresIn === undefined) {
      delete fields.expires_in;
      // A server-sent expires_at is an absolute time; keep it only when numeric.
      const expiresAt = parseSeconds(fields.expires_at, 'expires_at');
      if (expiresAt === undefined) delete fields.expires_at;
      else fields.expires_at = expiresAt;
    } else {
      fields.expires_in = expiresIn;
      fields.expires_at = Math.floor(receivedAt / 1000) + Math.floor(expiresIn);
    }
    return new OAuth2Token(fields);
  }

  /**
   * Rehydrates a stored token (the output of `JSON.stringify(token)`, or
   * a token kept elsewhere). A token with `expires_in` but no `expires_at` is
   * taken to have been issued now.
   */
  static from(
    value: OAuth2Token | OAuth2TokenFields,
    options: { clock?: Clock | undefined } = {},
  ): OAuth2Token {
    if (value instanceof OAuth2Token) return value;
    const fields = validate(value);
    if (fields.expires_at !== undefined) {
      fields.expires_at = parseSeconds(fields.expires_at, 'expires_at');
      if (fields.expires_in !== undefined)
        fields.expires_in = parseSeconds(fields.expires_in, 'expires_in');
      return new OAuth2Token(fields);
    }
    return OAuth2Token.fromResponse(fields, { clock: options.clock });
  }

  /**
   * `true` when the token expires within `leeway` seconds. A token with no
   * known expiry is never considered expired.
   */
  isExpired(leeway = 0, clock: Clock = systemClock): boolean {
    if (this.expires_at === undefined) return false;
    return this.expires_at - leeway <= clock.now() / 1000;
  }

  /** A copy with some members changed (for example a refresh token carried over). */
  with(changes: Partial<OAuth2TokenFields>): OAuth2Token {
    return new OAuth2Token({ ...this, ...changes });
  }

  /** Every member, for storage. Contains the secrets. */
  toJSON(): OAuth2TokenFields {
    return { ...this } as OAuth2TokenFields;
  }
}

const MASKED = ['access_token', 'refresh_token', 'id_token'];
Object.defineProperty(OAuth2Token.prototype, INSPECT, {
  enumerable: false,
  value(
    this: OAuth2Token,
    _depth: number,
    options: object,
    inspect?: (v: unknown, o?: object) => string,
  ) {
    const shown: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      shown[key] = MASKED.includes(key) ? REDACTED : value;
    }
    // Some callers (test runners' diff printers) invoke the hook without `inspect`.
    return `OAuth2Token ${typeof inspect === 'function' ? inspect(shown, options) : safeJson(shown)}`;
  },
});
