import type { Authenticator } from '@x/core';
import type { NodeTlsOptions } from '@x/core/node';
import type { SessionResponse } from './session-driver.js';

/**
 * How an adapter's `/node` subpath applies TLS settings (mutual TLS, a
 * trusted CA), for the mTLS tables: `describeMtlsFlowsContract` and
 * `describeMtlsSettingsContract`.
 */
export interface TlsStackDriver {
  /**
   * GETs `url` with these TLS settings through the adapter: authorized by
   * `authenticator` when given (fetch: `createAuthFetch`; axios:
   * `attachAuthenticator`), the plain stack otherwise; then ends the pool.
   * Any HTTP status resolves.
   */
  tlsGet(url: string, tls: NodeTlsOptions, authenticator?: Authenticator): Promise<SessionResponse>;
  /** GETs `url` through the adapter's `Transport` with these settings, then ends the pool; resolves the status. */
  transportGet(url: string, tls: NodeTlsOptions): Promise<number>;
  /** The adapter's mTLS pool (`mtlsDispatcher`, `mtlsAgent`), which checks the settings when built. */
  tlsPool(tls: NodeTlsOptions): { close(): Promise<void> };
  /** What the adapter's network errors say between `the request failed: ` and the explanation. */
  failurePrefix: string;
  /** The stack's process-wide default pool (undici's global dispatcher, `https.globalAgent`). */
  globalPool(): unknown;
  /** A GET with the stack's process-wide defaults, which must not trust the test CA. */
  defaultGet(url: string): Promise<unknown>;
  /** What {@link defaultGet} rejects with. */
  untrusted: RegExp;
}
