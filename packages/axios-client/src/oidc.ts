// Filled in by the OIDC session / mutual TLS work.
export {};
