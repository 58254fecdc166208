import type { AuthorizationServer, SentRequest, TestClient } from '@x/testing';
import {
  type AuthorizationServerMetadata,
  OAuth2Client,
  type OAuth2ClientOptions,
} from '../src/index.js';

/**
 * Shared pieces of the tests against a real oidc-provider: the recording
 * transport of @x/testing (the adapters are tested on their own), and a
 * client factory for the harness's registered clients.
 */

export { recordingTransport, type SentRequest } from '@x/testing';

/** The server's RFC 8414 / OpenID discovery document, read with plain fetch. */
export async function discover(as: AuthorizationServer): Promise<AuthorizationServerMetadata> {
  const response = await fetch(as.endpoints.discovery);
  if (!response.ok) throw new Error(`discovery failed: ${response.status}`);
  return (await response.json()) as AuthorizationServerMetadata;
}

/** An OAuth2Client for one of the harness's clients, with its registered auth method. */
export function clientFor(
  client: TestClient,
  metadata: AuthorizationServerMetadata,
  options: Partial<OAuth2ClientOptions> & Pick<OAuth2ClientOptions, 'transport'>,
): OAuth2Client {
  return new OAuth2Client({
    clientId: client.client_id,
    ...(client.client_secret === undefined ? {} : { clientSecret: client.client_secret }),
    tokenEndpointAuthMethod: client.token_endpoint_auth_method,
    redirectUri: client.redirect_uri,
    scope: 'api:read',
    metadata,
    allowInsecureTransport: true,
    ...options,
  });
}

/** The requests sent to one endpoint (e.g. the token endpoint) with one grant type. */
export function grantRequests(sent: SentRequest[], grantType: string): SentRequest[] {
  return sent.filter((request) => request.params.get('grant_type') === grantType);
}
