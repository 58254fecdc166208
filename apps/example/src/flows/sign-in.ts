/**
 * The authorization code flow in three lines, for the flows that need a
 * signed-in user before they show something else (authorization-code.ts
 * shows it in full).
 */
import type { OAuth2Token } from '@x/core';
import type { OAuth2Client } from '@x/oauth2';
import { authorizeAs } from '../user-agent.js';

/** Signs alice in with `client` (`session.client` of either adapter's `OAuth2Session`). */
export async function signIn(client: OAuth2Client): Promise<OAuth2Token> {
  const { url } = await client.createAuthorizationUrl();
  const callbackUrl = await authorizeAs(url, { callback: client.redirectUri ?? '' });
  return client.fetchToken({ authorizationResponse: callbackUrl });
}
