import type { HttpResponse } from '@x/core';
import type { ComplianceHookTarget } from '../compliance-hooks.js';

/**
 * Shared plumbing of the ready-made fixes: rewrite a token response's JSON
 * object body, on both the access-token and the refresh-token response.
 */

/** Changes a parsed token response body; return the body to send on. */
export type TokenBodyFix = (body: Record<string, unknown>) => Record<string, unknown>;

/** The JSON object in a response body, or `undefined` when it is not one. */
export function jsonObjectOf(response: HttpResponse): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(response.body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON: leave it to the next hook or to validation
  }
  return undefined;
}

/** A copy of `response` with `body` as its JSON body. */
export function withJsonBody(response: HttpResponse, body: Record<string, unknown>): HttpResponse {
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json');
  return { ...response, headers, body: JSON.stringify(body) };
}

/** A response hook applying `fix` to JSON object bodies (others pass unchanged). */
export function tokenBodyHook(fix: TokenBodyFix): (response: HttpResponse) => HttpResponse {
  return (response) => {
    const body = jsonObjectOf(response);
    return body === undefined ? response : withJsonBody(response, fix(body));
  };
}

/** Registers `fix` on `accessTokenResponse` and `refreshTokenResponse`. */
export function registerTokenBodyFix(target: ComplianceHookTarget, fix: TokenBodyFix): void {
  const hook = tokenBodyHook(fix);
  target.registerComplianceHook('accessTokenResponse', hook);
  target.registerComplianceHook('refreshTokenResponse', hook);
}
