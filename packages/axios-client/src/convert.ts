import type { CallSignal, OAuthError } from '@x/core';
import { AxiosHeaders, type AxiosRequestConfig, isAxiosError } from 'axios';

/** Header, error and per-call-state translation between axios and `@x/core` (internal). */

/** A copy of `config` with our per-call state under `__xAuth` (mergeConfig keeps class instances). */
export function withState(config: AxiosRequestConfig, state: object | symbol): AxiosRequestConfig {
  return Object.assign({ ...config }, { __xAuth: state });
}

/** Reads a header bag from axios (AxiosHeaders or a plain object; arrays appended one by one). */
export function fromAxiosHeaders(headers: object | undefined | null): Headers {
  const out = new Headers();
  const bag = headers as { toJSON?: () => Record<string, unknown> } | undefined | null;
  const entries = Object.entries(typeof bag?.toJSON === 'function' ? bag.toJSON() : (bag ?? {}));
  for (const [name, value] of entries) {
    if (Array.isArray(value)) for (const item of value) out.append(name, String(item));
    else if (value !== undefined && value !== null && value !== false) out.set(name, String(value));
  }
  return out;
}

/** Writes `Headers` as AxiosHeaders. */
export function toAxiosHeaders(headers: Headers): AxiosHeaders {
  return new AxiosHeaders(Object.fromEntries(headers));
}

/**
 * Maps what axios threw to a TransportError. The AxiosError is replaced by a
 * plain Error with its name, code and message only: its `config` holds the
 * request headers, credentials included.
 */
export function toTransportError(error: unknown, call: CallSignal): OAuthError {
  if (!isAxiosError(error)) return call.error(error);
  const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
  const cause = new Error(
    error.message,
    error.cause === undefined ? undefined : { cause: error.cause },
  );
  cause.name = 'AxiosError';
  Object.defineProperty(cause, 'code', { value: error.code, enumerable: true });
  return call.error(cause, timedOut ? 'ERR_TIMEOUT' : 'ERR_NETWORK');
}
