export * from './adapter-contract.js';
export * from './certificates.js';
export * from './fixtures.js';
export * from './oidc-provider.js';
export * from './servers.js';
