import type { HttpRequest, Transport } from '@x/core';
import { TransportError } from '@x/core';
import type { AuthorizationServer, TestClient } from '@x/testing';
import {
  type AuthorizationServerMetadata,
  OAuth2Client,
  type OAuth2ClientOptions,
} from '../src/index.js';

/**
 * Shared pieces of the tests against a real oidc-provider: a transport on
 * global fetch (the adapters are tested on their own), a request log, and a
 * client factory for the harness's registered clients.
 */

/** A request the client sent, as the server received it. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  params: URLSearchParams;
}

/** A {@link Transport} on global fetch that never follows redirects and logs every request. */
export function recordingTransport(): { transport: Transport; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const transport: Transport = async (request: HttpRequest, options) => {
    sent.push({
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      params: new URLSearchParams(request.body ?? ''),
    });
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(options?.signal === undefined ? {} : { signal: options.signal }),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch (cause) {
      const aborted = options?.signal?.aborted === true;
      throw new TransportError(aborted ? 'ERR_ABORTED' : 'ERR_NETWORK', 'request failed', {
        cause,
      });
    }
  };
  return { transport, sent };
}

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
