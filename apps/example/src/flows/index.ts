/**
 * Every flow of the demo, in the order it runs them (each with both adapters).
 */
import { assertionSession } from './assertion-session.js';
import { authorizationCode } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import { clientSecretJwt } from './client-secret-jwt.js';
import { complianceHook } from './compliance-hook.js';
import type { Flow } from './flow.js';
import { introspect } from './introspect.js';
import { mtlsCaIssued, mtlsSelfSigned } from './mtls.js';
import { oauth1Auth } from './oauth1-auth.js';
import { oauth1ThreeLegged } from './oauth1-three-legged.js';
import { oidcLogin } from './oidc-login.js';
import { password } from './password.js';
import { privateKeyJwt } from './private-key-jwt.js';
import { refresh } from './refresh.js';
import { revoke } from './revoke.js';

export { ADAPTERS, type AdapterName, type Flow } from './flow.js';

/** The flows `pnpm demo` runs. */
export const FLOWS: readonly Flow[] = [
  oauth1ThreeLegged,
  oauth1Auth,
  authorizationCode,
  clientCredentials,
  refresh,
  revoke,
  introspect,
  password,
  complianceHook,
  clientSecretJwt,
  privateKeyJwt,
  assertionSession,
  oidcLogin,
  mtlsCaIssued,
  mtlsSelfSigned,
];
