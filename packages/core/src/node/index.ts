/// <reference types="node" />
/**
 * `@x/core/node`: the Node-only part of the core, for the adapters' `/node`
 * subpaths (mutual TLS, RFC 8705): TLS options, their validation and
 * loading, and TLS failure messages. The main entry `@x/core` stays Web APIs
 * only; nothing here is reachable from it.
 */
export { type ErrorWithCode, explainTlsError, explainTlsErrors } from './tls-error.js';
export {
  type ClientCertificate,
  loadTlsSettings,
  type NodeTlsOptions,
  type PemInput,
  type TlsSettings,
} from './tls-settings.js';
