export { type AuthFetch, type AuthFetchOptions, createAuthFetch } from './auth-fetch.js';
export type { FetchClientOptions } from './send.js';
export { Session, type SessionOptions } from './session.js';
export { fetchTransport } from './transport.js';
