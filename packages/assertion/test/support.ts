import type { Transport } from '@x/core';
import { testTransport } from '@x/testing';

/**
 * Test plumbing, from @x/testing: a fetch transport, a clock moved by hand,
 * and a loopback JWT-bearer token endpoint (`startTokenServer`) that verifies
 * every assertion: RS256 against `publicKey`, `iss`, `aud` = its own URL,
 * `exp` by `clock`; it issues `at-1`, `at-2`, ...; `/resource` answers 200 for
 * the newest token and 401 `invalid_token` for any other.
 */

export {
  type AssertionServer as TokenServer,
  type Behaviour,
  expectNoSecrets,
  getRequest as get,
  JWT_BEARER,
  ManualClock,
  type RsaKey,
  rejectionOf,
  rsaKey,
  startAssertionServer as startTokenServer,
  type TokenCall,
} from '@x/testing';

/** A {@link Transport} on global fetch that never follows redirects. */
export const transport: Transport = testTransport();
