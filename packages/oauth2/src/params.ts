import { InvalidArgumentError, type ParamList } from '@x/core';

/**
 * Request parameters as callers give them: a scope as a string or a list,
 * extra parameters as strings, numbers, booleans or lists (repeated).
 */

/** A value of an extra request parameter. A list repeats the parameter; `undefined`/`null` omit it. */
export type ParamValue = string | number | boolean | readonly string[] | null | undefined;

/** A scope: a space-separated string or a list of scope tokens. */
export type Scope = string | readonly string[];

/**
 * The wire form of a scope (RFC 6749 3.3): list entries joined with a space.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @example scopeToString(['openid', 'email']) // "openid email"
 */
export function scopeToString(scope: Scope | undefined): string | undefined {
  if (scope === undefined) return undefined;
  if (typeof scope === 'string') return scope;
  if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string')) {
    throw new InvalidArgumentError('scope must be a string or an array of strings');
  }
  return scope.join(' ');
}

/**
 * Appends caller-supplied extra parameters to `list`, skipping the names in
 * `skip` (the options the caller already consumed).
 *
 * @throws InvalidArgumentError for a value that is not a string, number,
 * boolean or string array.
 */
export function appendExtraParams(
  list: ParamList,
  extra: Readonly<Record<string, unknown>>,
  skip: ReadonlySet<string>,
): ParamList {
  for (const [name, value] of Object.entries(extra)) {
    if (skip.has(name) || value === undefined || value === null) continue;
    if (typeof value === 'string') list.push([name, value]);
    else if (typeof value === 'number' || typeof value === 'boolean') {
      list.push([name, String(value)]);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      for (const v of value as string[]) list.push([name, v]);
    } else {
      throw new InvalidArgumentError(
        `parameter ${name} must be a string, number, boolean or string array`,
      );
    }
  }
  return list;
}

/** Parameter names whose values are not secret (everything else is redacted from errors). */
const PUBLIC_PARAMS = new Set([
  'grant_type',
  'scope',
  'redirect_uri',
  'client_id',
  'token_type_hint',
  'response_type',
  'client_assertion_type',
  'state',
  'nonce',
]);

/** The values of a request's parameters that may be secret (codes, passwords, tokens, assertions). */
export function secretParamValues(params: Iterable<readonly [string, string]>): string[] {
  const out: string[] = [];
  for (const [name, value] of params) if (!PUBLIC_PARAMS.has(name)) out.push(value);
  return out;
}

/**
 * Splits `(url?, options?)` / `(options?)`, the shapes Authlib-style methods
 * accept, into the URL (as a string) and the options. Exported for subclasses
 * of `OAuth2Client` that override those methods (`OIDCClient`).
 *
 * @example splitArgs('https://as.example.com/token', { scope: 'a' }) // ['https://as.example.com/token', { scope: 'a' }]
 */
export function splitArgs<T extends object>(
  first: string | URL | T | undefined,
  second: T | undefined,
): [string | undefined, Partial<T>] {
  if (typeof first === 'string') return [first, second ?? {}];
  if (first instanceof URL) return [first.href, second ?? {}];
  if (first === undefined) return [undefined, second ?? {}];
  return [undefined, first];
}
