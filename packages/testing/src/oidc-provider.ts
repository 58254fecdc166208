/// <reference path="./oidc-provider-module.d.ts" />
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import Provider, {
  type ClientMetadata,
  type Configuration,
  type ProviderClient,
} from 'oidc-provider';
import { createMemoryAdapter } from './oidc-adapter.js';
import { handleInteraction, INTERACTION_PATH } from './oidc-interaction.js';
import { type AuthorizeOptions, driveAuthorization } from './oidc-user-agent.js';

export type { AuthorizeOptions } from './oidc-user-agent.js';

/**
 * A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider)
 * running inside the test process on `http://127.0.0.1:<random port>`.
 *
 * Registered clients (see {@link AuthorizationServer.clients}):
 * - `basic`: confidential, `client_secret_basic`; authorization_code,
 *   refresh_token, client_credentials.
 * - `post`: the same with `client_secret_post`.
 * - `public`: `none` (a native app), authorization_code + refresh_token,
 *   PKCE required.
 *
 * Behaviour: refresh tokens are issued to every client allowed the
 * refresh_token grant (no `offline_access` needed) and rotated on every use;
 * reusing a rotated refresh token fails with `invalid_grant` and revokes the
 * whole grant (oidc-provider's replay detection). Access tokens are opaque and
 * can be introspected and revoked. Redirect URIs are never requested:
 * {@link AuthorizationServer.authorize} returns the callback URL.
 */

/** The redirect URI every built-in client registers. Nothing listens there. */
export const TEST_REDIRECT_URI = 'http://127.0.0.1/cb';

/** Scopes the server knows unless `scopes` says otherwise. */
export const TEST_SCOPES: readonly string[] = ['openid', 'offline_access', 'api:read', 'api:write'];

/** A registered client, as tests use it. */
export interface TestClient {
  /** The key of this client in {@link AuthorizationServer.clients}. */
  name: string;
  client_id: string;
  /** Absent for public clients. */
  client_secret?: string | undefined;
  /** `client_secret_basic`, `client_secret_post`, `none`, or what an extra client registered. */
  token_endpoint_auth_method: string;
  /** The first registered redirect URI. */
  redirect_uri: string;
  /** Everything registered with the provider (RFC 7591 names). */
  metadata: Readonly<ClientMetadata>;
}

/** Options of {@link startAuthorizationServer}. */
export interface AuthorizationServerOptions {
  /**
   * Lifetime in seconds of access tokens from every grant (authorization
   * code, refresh, client credentials). Use a small value to let tokens expire.
   * @defaultValue 3600
   */
  accessTokenTTL?: number | undefined;
  /** Lifetime in seconds of refresh tokens. @defaultValue 86400 */
  refreshTokenTTL?: number | undefined;
  /**
   * More clients, by name, registered next to the built-in ones (e.g. a
   * `client_secret_jwt` or `private_key_jwt` client with its `jwks`).
   * Missing `grant_types`, `response_types` and `redirect_uris` get the
   * built-in confidential client's values.
   */
  clients?: Record<string, ClientMetadata> | undefined;
  /** Scopes the server knows. @defaultValue {@link TEST_SCOPES} */
  scopes?: readonly string[] | undefined;
  /**
   * Raw oidc-provider configuration laid over the harness's; `features` is
   * merged one level deep (so `{ features: { mTLS: {...} } }` keeps the rest).
   */
  configuration?: Configuration | undefined;
}

/** Endpoint URLs of the server. */
export interface AuthorizationServerEndpoints {
  discovery: string;
  authorization: string;
  token: string;
  revocation: string;
  introspection: string;
  jwks: string;
  userinfo: string;
}

/** A running test authorization server. */
export interface AuthorizationServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, also the `iss` of everything it issues. */
  issuer: string;
  /** An absolute URL on the server. */
  url(path: string): string;
  endpoints: AuthorizationServerEndpoints;
  /** Registered clients by name: `basic`, `post`, `public`, then the extra ones. */
  clients: Readonly<Record<string, TestClient>>;
  /**
   * The first client registered with this token endpoint auth method.
   * @throws Error when there is none.
   */
  findClient(method: string): TestClient;
  /** The oidc-provider instance (a Koa app). */
  provider: Provider;
  /** Errors the provider reported as server errors (500s); tests may assert it stays empty. */
  serverErrors: unknown[];
  /**
   * Plays the user for an authorization request: signs in as `login`,
   * consents (or denies), and returns the URL the server redirected to at the
   * client's `redirect_uri` (not requested).
   */
  authorize(authorizationUrl: string | URL, options?: AuthorizeOptions): Promise<string>;
  /**
   * Makes the server forget one access, client-credentials or refresh token
   * and nothing else (its grant and sibling tokens stay valid), as if it had
   * expired early. Resolves `false` when the server does not know the token.
   * Use it to provoke a 401 `invalid_token` and test refresh-and-retry:
   * revoking an access token through the revocation endpoint would also
   * revoke its refresh token.
   */
  invalidateToken(value: string): Promise<boolean>;
  /**
   * How many requests the server received for `path` (e.g. `/jwks`), since
   * it started, whatever their method or query.
   */
  countRequests(path: string): number;
  /**
   * Rotates the signing key as a provider does: a new RS256 key signs
   * everything from now on and is published first in the JWKS, the previous
   * keys stay published after it. Clients, grants, sessions and tokens
   * survive (the provider is rebuilt on the same storage); {@link provider}
   * is the new instance afterwards. Resolves the new key's `kid`.
   */
  rotateSigningKey(): Promise<string>;
  /** Stops the server and ends every open connection. */
  close(): Promise<void>;
}

/** The part of oidc-provider's Koa context the policies read. */
interface OidcContext {
  oidc: { client: ProviderClient };
}

const CONFIDENTIAL_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'];

function secret(): string {
  return randomBytes(32).toString('base64url');
}

function builtInClients(): Record<string, ClientMetadata> {
  const confidential = {
    grant_types: CONFIDENTIAL_GRANTS,
    response_types: ['code'],
    redirect_uris: [TEST_REDIRECT_URI],
  };
  return {
    basic: {
      ...confidential,
      client_id: 'basic-client',
      client_secret: secret(),
      token_endpoint_auth_method: 'client_secret_basic',
    },
    post: {
      ...confidential,
      client_id: 'post-client',
      client_secret: secret(),
      token_endpoint_auth_method: 'client_secret_post',
    },
    public: {
      client_id: 'public-client',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [TEST_REDIRECT_URI],
    },
  };
}

function toTestClient(name: string, metadata: ClientMetadata): TestClient {
  const redirectUris = metadata.redirect_uris;
  const method = metadata.token_endpoint_auth_method;
  return {
    name,
    client_id: metadata.client_id,
    client_secret: typeof metadata.client_secret === 'string' ? metadata.client_secret : undefined,
    token_endpoint_auth_method: typeof method === 'string' ? method : 'client_secret_basic',
    redirect_uri:
      Array.isArray(redirectUris) && typeof redirectUris[0] === 'string'
        ? redirectUris[0]
        : TEST_REDIRECT_URI,
    metadata: Object.freeze({ ...metadata }),
  };
}

/** A signing key for id_tokens and JWT responses, new for every server. */
async function signingKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: secret().slice(0, 16),
    alg: 'RS256',
    use: 'sig',
  };
}

/**
 * Starts oidc-provider on 127.0.0.1 with a random port. Close it in
 * `afterAll`/`afterEach` (or `await using`).
 *
 * @example
 * const as = await startAuthorizationServer({ accessTokenTTL: 2 })
 * const { client_id, client_secret } = as.clients.basic
 * const res = await fetch(as.endpoints.token, { method: 'POST', headers: { authorization: 'Basic ' + btoa(`${client_id}:${client_secret}`) }, body: new URLSearchParams({ grant_type: 'client_credentials' }) })
 * await as.close()
 */
export async function startAuthorizationServer(
  options: AuthorizationServerOptions = {},
): Promise<AuthorizationServer> {
  const accessTokenTTL = options.accessTokenTTL ?? 3600;
  const refreshTokenTTL = options.refreshTokenTTL ?? 86_400;

  const registered: Record<string, ClientMetadata> = builtInClients();
  for (const [name, metadata] of Object.entries(options.clients ?? {})) {
    if (name in registered) throw new Error(`client name ${name} is taken by a built-in client`);
    registered[name] = {
      grant_types: CONFIDENTIAL_GRANTS,
      response_types: ['code'],
      redirect_uris: [TEST_REDIRECT_URI],
      ...metadata,
    };
  }
  const clients: Record<string, TestClient> = {};
  for (const [name, metadata] of Object.entries(registered)) {
    clients[name] = toTestClient(name, metadata);
  }

  let signingKeys = [await signingKey()];

  // The issuer needs the port, and the port needs a listening server: listen
  // first with a handler that waits for the provider.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const requestCounts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requestCounts.set(path, (requestCounts.get(path) ?? 0) + 1);
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const base: Configuration = {
    adapter: createMemoryAdapter(),
    clients: Object.values(registered),
    scopes: [...(options.scopes ?? TEST_SCOPES)],
    claims: { openid: ['sub'] },
    cookies: { keys: [secret(), secret()] },
    jwks: { keys: signingKeys },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // oidc-provider's default policies, restated so it does not print a notice.
      introspection: {
        enabled: true,
        // Confidential clients (resource servers) may introspect any token; public ones their own.
        allowedPolicy: async (
          ctx: OidcContext,
          client: ProviderClient,
          token: { clientId: string },
        ) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client.clientId,
      },
      revocation: {
        enabled: true,
        // A client may revoke only its own tokens (others: 200, nothing revoked).
        allowedPolicy: async (_ctx: unknown, client: ProviderClient, token: { clientId: string }) =>
          token.clientId === client.clientId,
      },
    },
    // Exact redirect_uri matching only: the client must always send it.
    allowOmittingSingleRegisteredRedirectUri: false,
    // A refresh token for every client allowed the grant, offline_access or not.
    issueRefreshToken: async (_ctx: unknown, client: ProviderClient) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    pkce: {
      required: (_ctx: unknown, client: ProviderClient) => client.clientAuthMethod === 'none',
    },
    ttl: {
      AccessToken: accessTokenTTL,
      ClientCredentials: accessTokenTTL,
      AuthorizationCode: 60,
      RefreshToken: refreshTokenTTL,
      IdToken: 3600,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
    },
    // Error pages as text, so the scripted user agent can report them.
    renderError: async (
      ctx: { type: string; body: string },
      out: { error?: string; error_description?: string },
    ) => {
      ctx.type = 'text/plain';
      ctx.body = `${out.error ?? 'error'}: ${out.error_description ?? ''}`;
    },
    clientBasedCORS: () => false,
  };
  const extra = options.configuration ?? {};
  const configuration: Configuration = {
    ...base,
    ...extra,
    features: {
      ...(base.features as Record<string, unknown>),
      ...((extra.features as Record<string, unknown> | undefined) ?? {}),
    },
  };

  const serverErrors: unknown[] = [];
  /** Builds the provider (again, after a key rotation: same storage, clients and cookie keys). */
  const startProvider = (config: Configuration): Provider => {
    const instance = new Provider(issuer, config);
    instance.on('server_error', (_ctx, error) => serverErrors.push(error));
    const callback = instance.callback();
    handle = (req, res) => {
      handleInteraction(instance, req, res).then(
        (handled) => {
          if (!handled) callback(req, res);
        },
        (error: unknown) => {
          serverErrors.push(error);
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    };
    return instance;
  };
  let provider: Provider;
  try {
    provider = startProvider(configuration);
  } catch (error) {
    server.close();
    throw error;
  }

  const url = (path: string): string => new URL(path, issuer).href;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closed;
  };

  return {
    issuer,
    url,
    endpoints: {
      discovery: url('/.well-known/openid-configuration'),
      authorization: url('/auth'),
      token: url('/token'),
      revocation: url('/token/revocation'),
      introspection: url('/token/introspection'),
      jwks: url('/jwks'),
      userinfo: url('/me'),
    },
    clients,
    findClient(method: string): TestClient {
      const found = Object.values(clients).find((c) => c.token_endpoint_auth_method === method);
      if (!found) throw new Error(`no test client uses ${method}`);
      return found;
    },
    get provider(): Provider {
      return provider;
    },
    serverErrors,
    authorize: (authorizationUrl, authorizeOptions) =>
      driveAuthorization(issuer, authorizationUrl, authorizeOptions),
    async invalidateToken(value: string): Promise<boolean> {
      for (const model of [
        provider.AccessToken,
        provider.ClientCredentials,
        provider.RefreshToken,
      ]) {
        const token = await model.find(value, { ignoreExpiration: true });
        if (token) {
          await token.destroy();
          return true;
        }
      }
      return false;
    },
    countRequests: (path: string) => requestCounts.get(path) ?? 0,
    async rotateSigningKey(): Promise<string> {
      const key = await signingKey();
      signingKeys = [key, ...signingKeys];
      provider = startProvider({ ...configuration, jwks: { keys: signingKeys } });
      return key.kid as string;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
