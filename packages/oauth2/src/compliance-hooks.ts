import { type HttpRequest, type HttpResponse, InvalidArgumentError } from '@x/core';
import type { FetchTokenParams, RefreshTokenParams } from './options.js';

/**
 * Compliance hooks (Authlib's `register_compliance_hook`): typed points
 * where a user fixes a provider that does not follow the RFCs, without
 * forking the client. Request hooks take and return an `HttpRequest`;
 * response hooks take and return an `HttpResponse`, and also receive the
 * {@link TokenResponseContext} of the call. Hooks of a type run in
 * registration order; each may be async.
 */

/** Changes an outgoing request. Return a new request (or the same one). */
export type RequestHook = (request: HttpRequest) => HttpRequest | Promise<HttpRequest>;

/**
 * The call a token response answers, as response hooks receive it (read-only).
 *
 * @example
 * client.registerComplianceHook('accessTokenResponse', (response, { grantType, hookContext }) => {
 *   if (grantType === 'client_credentials') console.log('service token for', hookContext)
 *   return response
 * })
 */
export interface TokenResponseContext {
  /**
   * The grant of the request: `authorization_code`, `implicit`,
   * `client_credentials`, `password`, `refresh_token`, or an extension grant URI.
   */
  readonly grantType: string;
  /**
   * The parameters the caller passed to `fetchToken` (or `refreshToken`),
   * as given; for an automatic client-credentials renewal, those of the
   * `fetchToken` call being repeated.
   */
  readonly params: Readonly<FetchTokenParams> | Readonly<RefreshTokenParams>;
  /**
   * The call's `hookContext` option, passed through as is (`undefined`
   * when none): how a caller or a subclass hands per-call data to its hooks.
   */
  readonly hookContext: unknown;
}

/**
 * Changes a token response before the client validates it. The second
 * argument describes the call; a hook may ignore it.
 */
export type ResponseHook = (
  response: HttpResponse,
  context: TokenResponseContext,
) => HttpResponse | Promise<HttpResponse>;

/**
 * Every hook point and the hook it takes.
 *
 * - `accessTokenResponse`: the token endpoint's response to `fetchToken`
 *   (and the implicit grant's fragment, presented as a JSON response).
 * - `refreshTokenRequest` / `refreshTokenResponse`: the refresh request
 *   before client authentication is added, and its response.
 * - `revokeTokenRequest` / `introspectTokenRequest`: those requests, before
 *   client authentication is added.
 * - `protectedRequest`: every request the client authorizes, after the
 *   token has been placed (as Authlib does).
 */
export interface ComplianceHookMap {
  accessTokenResponse: ResponseHook;
  refreshTokenRequest: RequestHook;
  refreshTokenResponse: ResponseHook;
  revokeTokenRequest: RequestHook;
  introspectTokenRequest: RequestHook;
  protectedRequest: RequestHook;
}

/** The name of a hook point. */
export type ComplianceHookType = keyof ComplianceHookMap;

/** The hook a point takes. */
export type ComplianceHook<T extends ComplianceHookType> = ComplianceHookMap[T];

/** The value a point's hooks take and return. */
export type ComplianceHookValue<T extends ComplianceHookType> = Parameters<ComplianceHookMap[T]>[0];

/** What a point's hooks take after the value: `[TokenResponseContext]` for responses, `[]` for requests. */
export type ComplianceHookExtraArgs<T extends ComplianceHookType> =
  Parameters<ComplianceHookMap[T]> extends [unknown, ...infer Rest] ? Rest : [];

const REQUEST_TYPES: ReadonlySet<string> = new Set([
  'refreshTokenRequest',
  'revokeTokenRequest',
  'introspectTokenRequest',
  'protectedRequest',
]);

/** Every hook point, in the order a token's life meets them. */
export const COMPLIANCE_HOOK_TYPES: readonly ComplianceHookType[] = [
  'accessTokenResponse',
  'refreshTokenRequest',
  'refreshTokenResponse',
  'revokeTokenRequest',
  'introspectTokenRequest',
  'protectedRequest',
];

/**
 * Anything hooks can be registered on: an `OAuth2Client`, or an adapter's
 * `OAuth2Session` built on one. The ready-made fixes in `compliance` take one.
 */
export interface ComplianceHookTarget {
  registerComplianceHook<T extends ComplianceHookType>(type: T, hook: ComplianceHook<T>): void;
}

/**
 * The hooks of one client, by point.
 *
 * @example
 * const hooks = new ComplianceHookRegistry()
 * hooks.register('accessTokenResponse', (res) => ({ ...res, body: res.body.trim() }))
 * const fixed = await hooks.run('accessTokenResponse', response, {
 *   grantType: 'client_credentials', params: {}, hookContext: undefined,
 * })
 */
export class ComplianceHookRegistry implements ComplianceHookTarget {
  readonly #hooks = new Map<ComplianceHookType, Array<(value: never, context: never) => unknown>>();

  /** Adds a hook at the end of its point's list. */
  register<T extends ComplianceHookType>(type: T, hook: ComplianceHook<T>): void {
    if (!COMPLIANCE_HOOK_TYPES.includes(type)) {
      throw new InvalidArgumentError(
        `unknown compliance hook type ${JSON.stringify(type)}; one of ${COMPLIANCE_HOOK_TYPES.join(', ')}`,
      );
    }
    if (typeof hook !== 'function')
      throw new InvalidArgumentError('a compliance hook is a function');
    const list = this.#hooks.get(type) ?? [];
    list.push(hook as (value: never, context: never) => unknown);
    this.#hooks.set(type, list);
  }

  /** Same as {@link ComplianceHookRegistry.register}. */
  registerComplianceHook<T extends ComplianceHookType>(type: T, hook: ComplianceHook<T>): void {
    this.register(type, hook);
  }

  /** `true` when at least one hook is registered at `type`. */
  has(type: ComplianceHookType): boolean {
    return (this.#hooks.get(type)?.length ?? 0) > 0;
  }

  /**
   * Runs the hooks of `type` in order, each on the previous one's result;
   * response hooks all receive the same `context`.
   */
  async run<T extends ComplianceHookType>(
    type: T,
    value: ComplianceHookValue<T>,
    ...extra: ComplianceHookExtraArgs<T>
  ): Promise<ComplianceHookValue<T>> {
    let current: unknown = value;
    const context = extra[0] === undefined ? undefined : Object.freeze({ ...extra[0] });
    for (const hook of this.#hooks.get(type) ?? []) {
      current = await hook(current as never, context as never);
      if (!isShaped(current, REQUEST_TYPES.has(type))) {
        throw new InvalidArgumentError(
          `a ${type} compliance hook must return ${REQUEST_TYPES.has(type) ? 'an HttpRequest' : 'an HttpResponse'}`,
        );
      }
    }
    return current as ComplianceHookValue<T>;
  }
}

function isShaped(value: unknown, request: boolean): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (!(v.headers instanceof Headers)) return false;
  return request
    ? typeof v.url === 'string' && typeof v.method === 'string'
    : typeof v.status === 'number' && typeof v.body === 'string';
}
