import { REDACTED, redact } from './redact.js';

/**
 * Every code an `@x/*` package can throw. A closed union: `switch (err.code)`
 * narrows, and a new code is a deliberate, documented change.
 */
export type OAuthErrorCode =
  /** The caller passed an option or argument that cannot work. */
  | 'ERR_INVALID_ARGUMENT'
  /** An endpoint answered with something that is not a valid protocol response. */
  | 'ERR_INVALID_RESPONSE'
  /** An endpoint answered with an OAuth error (RFC 6749 5.2, RFC 6750 3). */
  | 'ERR_OAUTH_RESPONSE'
  /** A plain-http URL where https is required. */
  | 'ERR_INSECURE_TRANSPORT'
  /** A redirect from https to http, or to a scheme other than http(s). */
  | 'ERR_INSECURE_REDIRECT'
  /** More redirects than allowed, or a redirect where none may be followed. */
  | 'ERR_REDIRECT'
  /** The request did not complete within its timeout. */
  | 'ERR_TIMEOUT'
  /** The caller aborted the request. */
  | 'ERR_ABORTED'
  /** The connection failed (refused, reset, DNS, TLS). */
  | 'ERR_NETWORK'
  /** The session was closed. */
  | 'ERR_SESSION_CLOSED'
  /** A token was needed and none is available. */
  | 'ERR_MISSING_TOKEN'
  /** The `state` in an authorization response is missing or not the one sent. */
  | 'ERR_MISMATCHING_STATE'
  /**
   * A server-side verifier rejected an incoming request: an OAuth 1 signature,
   * nonce, timestamp or protocol parameter that does not verify (RFC 5849 3.2).
   */
  | 'ERR_REQUEST_REJECTED'
  // OpenID Connect id_token validation (OIDC Core 3.1.3.7): one code per check.
  /** A token response to an authentication request has no id_token (OIDC Core 3.1.3.3). */
  | 'ERR_ID_TOKEN_MISSING'
  /** The id_token is longer than allowed; refused before decoding. */
  | 'ERR_ID_TOKEN_TOO_LARGE'
  /** The id_token is not a compact JWS with a JSON header and a JSON object payload. */
  | 'ERR_ID_TOKEN_MALFORMED'
  /** The header `alg` is `none` or not the expected algorithm (algorithm confusion). */
  | 'ERR_ID_TOKEN_ALG'
  /** The header has a `crit` member this client does not understand. */
  | 'ERR_ID_TOKEN_CRIT'
  /** No key of the provider's key set (or no client secret, for HS*) fits the token. */
  | 'ERR_ID_TOKEN_KEY'
  /** The signature does not verify. */
  | 'ERR_ID_TOKEN_SIGNATURE'
  /** `iss` is not the expected issuer. */
  | 'ERR_ID_TOKEN_ISS'
  /** `aud` does not contain the client id. */
  | 'ERR_ID_TOKEN_AUD'
  /** `azp` is not the client id, or missing with several audiences. */
  | 'ERR_ID_TOKEN_AZP'
  /** `exp` is missing or past. */
  | 'ERR_ID_TOKEN_EXP'
  /** `iat` is missing or in the future. */
  | 'ERR_ID_TOKEN_IAT'
  /** `nbf` is in the future. */
  | 'ERR_ID_TOKEN_NBF'
  /** `sub` is missing, or not the subject it must be. */
  | 'ERR_ID_TOKEN_SUB'
  /** `nonce` is not the one sent, missing, or present though none was sent. */
  | 'ERR_ID_TOKEN_NONCE'
  /** `auth_time` is missing though required, or older than `max_age` allows. */
  | 'ERR_ID_TOKEN_AUTH_TIME'
  /** `at_hash` does not match the access token, or is missing where required. */
  | 'ERR_ID_TOKEN_AT_HASH'
  /** `c_hash` does not match the code, or is missing where required. */
  | 'ERR_ID_TOKEN_C_HASH'
  /** An id_token from a refresh changed `iss`, `sub`, `aud`, `azp` or `auth_time` (OIDC Core 12.2). */
  | 'ERR_ID_TOKEN_REFRESH'
  /** The userinfo response's `sub` is not the id_token's (OIDC Core 5.3.2). */
  | 'ERR_USERINFO_SUB';

const BRAND = Symbol.for('@x/core.OAuthError');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
/** Secrets per error, out of reach of callers (no property, enumerable or not, holds them). */
const SECRETS = new WeakMap<OAuthError, readonly string[]>();
const secretsOf = (error: OAuthError): readonly string[] => SECRETS.get(error) ?? [];

/** Options every {@link OAuthError} accepts. */
export interface OAuthErrorOptions {
  /** The underlying error. It is redacted the same way as the message. */
  cause?: unknown;
  /** Values that must never appear in any rendering of this error. */
  secrets?: Iterable<string | undefined | null> | undefined;
}

type Inspect = (value: unknown, options?: object) => string;

/** JSON for an inspect fallback; never throws (cycles, bigints). */
export function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}

function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value instanceof Error) return redactError(value, secrets, depth);
  return value;
}

/** A redacted copy of an error (only when it actually contains a secret). */
function redactError(error: Error, secrets: readonly string[], depth: number): Error {
  if (OAuthError.isInstance(error)) return error; // already redacted at construction
  const message = redact(error.message, secrets);
  const stack = error.stack === undefined ? undefined : redact(error.stack, secrets);
  const cause =
    'cause' in error && depth < 8 ? redactValue(error.cause, secrets, depth + 1) : undefined;
  if (message === error.message && stack === error.stack && cause === error.cause) return error;
  const copy = new Error(message, cause === undefined ? undefined : { cause });
  copy.name = error.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}

function chainNames(ctor: unknown): string[] {
  const names: string[] = [];
  let proto = (ctor as { prototype?: unknown }).prototype;
  while (proto && proto !== Error.prototype && proto !== Object.prototype) {
    const name = (proto as { name?: unknown }).name;
    if (typeof name === 'string' && Object.hasOwn(proto, 'name')) names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/**
 * The base class of every error thrown by the `@x/*` packages.
 *
 * Secrets never leak: the message, `stack`, `toString()`, `toJSON()`,
 * `util.inspect` and the `cause` chain are all scrubbed of the secrets given
 * at construction and of anything that looks like a credential.
 *
 * Use {@link OAuthError.isInstance} rather than `instanceof` when two copies
 * of `@x/core` may be installed side by side.
 *
 * @example
 * try { await client.fetchToken() } catch (err) {
 *   if (OAuthError.isInstance(err)) switch (err.code) { case 'ERR_TIMEOUT': ... }
 * }
 */
export class OAuthError extends Error {
  static {
    OAuthError.prototype.name = 'OAuthError';
  }

  /** A stable identifier of what went wrong. */
  readonly code: OAuthErrorCode;

  constructor(code: OAuthErrorCode, message: string, options: OAuthErrorOptions = {}) {
    const secrets = [...(options.secrets ?? [])].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const cause = options.cause === undefined ? undefined : redactValue(options.cause, secrets);
    super(redact(message, secrets), cause === undefined ? undefined : { cause });
    this.code = code;
    SECRETS.set(this, Object.freeze(secrets));
    Object.defineProperty(this, BRAND, { value: chainNames(new.target), enumerable: false });
  }

  /**
   * `true` when `value` is an instance of this class (or a subclass), also
   * across duplicate installs of `@x/core`.
   */
  static isInstance<T extends abstract new (...args: never[]) => OAuthError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    const names = (value as { [BRAND]?: unknown })[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass isInstance was called on.
    const own = (this as unknown as { prototype: { name: string } }).prototype.name;
    return Array.isArray(names) && names.includes(own);
  }

  /** Redacts `text` with this error's secrets; for subclasses that store strings. */
  protected scrub(text: string): string;
  protected scrub(text: string | undefined): string | undefined;
  protected scrub(text: string | undefined): string | undefined {
    return text === undefined ? undefined : redact(text, secretsOf(this));
  }

  /** A JSON rendering with no secret in it. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'code' || key === 'message' || key === 'stack') continue;
      json[key] = typeof value === 'string' ? redact(value, secretsOf(this)) : value;
    }
    if (this.cause !== undefined) {
      json.cause =
        this.cause instanceof Error
          ? { name: this.cause.name, message: redact(this.cause.message, secretsOf(this)) }
          : REDACTED;
    }
    return json;
  }
}

// util.inspect (Node, Deno, Bun) shows the redacted rendering; defined off the
// class body so the public type stays free of a runtime-specific symbol.
Object.defineProperty(OAuthError.prototype, INSPECT, {
  enumerable: false,
  value(this: OAuthError, _depth: number, options: object, inspect?: Inspect): string {
    const secrets = secretsOf(this);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) fields[key] = value;
    if (this.cause !== undefined) fields.cause = this.cause;
    const stack = this.stack ?? `${this.name}: ${this.message}`;
    // Some callers (test runners' diff printers) invoke the hook without `inspect`.
    const shown = typeof inspect === 'function' ? inspect(fields, options) : safeJson(fields);
    return redact(`${stack} ${shown}`, secrets);
  },
});

/** Fields of an OAuth 2.0 error response (RFC 6749 5.2). */
export interface OAuth2ErrorFields {
  error: string;
  error_description?: string | undefined;
  error_uri?: string | undefined;
}

/**
 * An OAuth 2.0 error answered by a server: a token endpoint's error body
 * (RFC 6749 5.2) or a resource server's `WWW-Authenticate` challenge
 * (RFC 6750 3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuth2ResponseError extends OAuthError {
  static {
    OAuth2ResponseError.prototype.name = 'OAuth2ResponseError';
  }
  /** The `error` code, e.g. `invalid_grant`. */
  readonly error: string;
  /** Human-readable text from the server (redacted). */
  readonly error_description: string | undefined;
  /** A page about the error, when the server gives one. */
  readonly error_uri: string | undefined;
  /** The HTTP status of the response. */
  readonly status: number;

  constructor(fields: OAuth2ErrorFields, status: number, options: OAuthErrorOptions = {}) {
    const description = fields.error_description ? `: ${fields.error_description}` : '';
    super('ERR_OAUTH_RESPONSE', `${fields.error}${description} (HTTP ${status})`, options);
    this.error = fields.error;
    this.error_description = this.scrub(fields.error_description);
    this.error_uri = fields.error_uri;
    this.status = status;
  }

  /**
   * Reads an RFC 6749 5.2 error out of a parsed response body, or returns
   * `undefined` when the body has no string `error` member.
   */
  static fromBody(
    body: unknown,
    status: number,
    options?: OAuthErrorOptions,
  ): OAuth2ResponseError | undefined {
    if (typeof body !== 'object' || body === null) return undefined;
    const { error, error_description, error_uri } = body as Record<string, unknown>;
    if (typeof error !== 'string' || error.length === 0) return undefined;
    return new OAuth2ResponseError(
      {
        error,
        error_description: typeof error_description === 'string' ? error_description : undefined,
        error_uri: typeof error_uri === 'string' ? error_uri : undefined,
      },
      status,
      options,
    );
  }
}

/** A plain-http (or otherwise unacceptable) URL where https is required. */
export class InsecureTransportError extends OAuthError {
  static {
    InsecureTransportError.prototype.name = 'InsecureTransportError';
  }
  constructor(message: string, options?: OAuthErrorOptions) {
    super('ERR_INSECURE_TRANSPORT', message, options);
  }
}

/** An endpoint's response could not be used: wrong status, not JSON, missing fields. */
export class InvalidResponseError extends OAuthError {
  static {
    InvalidResponseError.prototype.name = 'InvalidResponseError';
  }
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: OAuthErrorOptions) {
    super('ERR_INVALID_RESPONSE', message, options);
    this.status = status;
  }
}

/** Codes of {@link TransportError}. */
export type TransportErrorCode = Extract<
  OAuthErrorCode,
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_NETWORK'
  | 'ERR_REDIRECT'
  | 'ERR_INSECURE_REDIRECT'
  | 'ERR_SESSION_CLOSED'
>;

/** A request that did not produce a usable HTTP response. */
export class TransportError extends OAuthError {
  static {
    TransportError.prototype.name = 'TransportError';
  }
  declare readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: OAuthErrorOptions) {
    super(code, message, options);
  }
}

/** No token is available for a request that needs one. */
export class MissingTokenError extends OAuthError {
  static {
    MissingTokenError.prototype.name = 'MissingTokenError';
  }
  constructor(message = 'no token is available', options?: OAuthErrorOptions) {
    super('ERR_MISSING_TOKEN', message, options);
  }
}

/** The `state` returned by the authorization server is missing or not the one sent (CSRF). */
export class MismatchingStateError extends OAuthError {
  static {
    MismatchingStateError.prototype.name = 'MismatchingStateError';
  }
  constructor(message = 'state mismatch: possible CSRF attack', options?: OAuthErrorOptions) {
    super('ERR_MISMATCHING_STATE', message, options);
  }
}

/** Turns a thrown value into an `ERR_INVALID_ARGUMENT` error. */
export class InvalidArgumentError extends OAuthError {
  static {
    InvalidArgumentError.prototype.name = 'InvalidArgumentError';
  }
  constructor(message: string, options?: OAuthErrorOptions) {
    super('ERR_INVALID_ARGUMENT', message, options);
  }
}
