/**
 * The demo's OAuth 2.0 authorization server and OpenID Provider:
 * oidc-provider on http://127.0.0.1:<free port>, with one registered client
 * per way of authenticating at its token endpoint, the JWT-bearer grant, and
 * a small protected API next to it; given a PKI, also on an https listener
 * that requires client certificates (mutual TLS, oidc-mtls.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationServerMetadata } from '@x/oauth2';
import { JWT_BEARER_GRANT_TYPE } from '@x/rfc7523';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata, type ProviderClient } from 'oidc-provider';
import { ACCOUNTS } from './accounts.js';
import { type Listening, listen, listenMutualTls } from './http.js';
import { registerJwtBearerGrant } from './jwt-bearer-grant.js';
import {
  type MutualTlsEndpoints,
  mtlsClientMetadata,
  mtlsClients,
  mtlsFeature,
  requestThumbprint,
} from './oidc-mtls.js';
import {
  handleInteraction,
  INTERACTION_PATH,
  logoutSource,
  postLogoutSuccessSource,
  renderError,
} from './oidc-pages.js';
import { memoryStorage } from './oidc-storage.js';
import type { DemoPki } from './pki.js';

/** Where the terminal demo's clients are sent back to; the scripted user agent stops there. */
export const DEMO_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Options of {@link startOpenIDProvider}. */
export interface OpenIDProviderOptions {
  /** Redirect URIs of the `web-app` client. @defaultValue [DEMO_REDIRECT_URI] */
  redirectUris?: string[] | undefined;
  /** Where the `web-app` client may send users after sign-out (RP-initiated logout). */
  postLogoutRedirectUris?: string[] | undefined;
  /** Lifetime of access tokens in seconds. @defaultValue 3600 */
  accessTokenTTL?: number | undefined;
  /** Certificates for mutual TLS: with them the provider also listens on https (`mtls`). */
  pki?: DemoPki | undefined;
}

/** A client registered with the provider, and the credentials it holds. */
export interface RegisteredClient {
  clientId: string;
  /** Its secret; for `private_key_jwt` clients, the private key (PKCS#8 PEM), Authlib style. */
  clientSecret?: string | undefined;
}

/** A running provider. */
export interface OpenIDProvider {
  /** `http://127.0.0.1:<port>`: the issuer, and where discovery starts. */
  issuer: string;
  /**
   * Its RFC 8414 metadata (what discovery returns, the OAuth 2.0 part):
   * issuer, authorization, token, revocation and introspection endpoints.
   */
  metadata: AuthorizationServerMetadata;
  /** A protected API next to the provider: `GET` answers whom the bearer token is for. */
  api: string;
  clients: {
    /** A web server app: `client_secret_basic`, code + refresh + client credentials. */
    webApp: RegisteredClient;
    /** A service: `client_secret_post`, client credentials only. */
    reportingService: RegisteredClient;
    /** A native app: public (`none`), code with PKCE + refresh. */
    mobileApp: RegisteredClient;
    /** `client_secret_jwt`, client credentials. */
    secretJwt: RegisteredClient;
    /** `private_key_jwt` (RS256), client credentials; `clientSecret` is its private key. */
    keyJwt: RegisteredClient;
    /** The JWT-bearer grant's client (identified by `client_id`, the assertion is the credential). */
    serviceAccount: RegisteredClient;
  };
  /** A service account whose assertions the provider trusts (the JWT-bearer grant). */
  serviceAccount: { issuer: string; privateKeyPem: string; alg: 'ES256' };
  /** The mutual-TLS listener and its clients, when started with a `pki`. */
  mtls: MutualTlsEndpoints | undefined;
  /** Errors oidc-provider reported as server errors (there should be none). */
  serverErrors: unknown[];
  close(): Promise<void>;
}

const secret = (): string => randomBytes(32).toString('base64url');

/** Starts the provider. Close it with `close()`. */
export async function startOpenIDProvider(
  options: OpenIDProviderOptions = {},
): Promise<OpenIDProvider> {
  const redirectUris = options.redirectUris ?? [DEMO_REDIRECT_URI];
  const ttl = options.accessTokenTTL ?? 3600;

  // Keys: the provider's id_token signing key, the private_key_jwt client's
  // key pair and the service account's, as if registered beforehand.
  const signing = await generateKeyPair('RS256', { extractable: true });
  const clientKey = await generateKeyPair('RS256', { extractable: true });
  const serviceKey = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = async (key: CryptoKey, kid: string): Promise<JWK> => ({
    ...(await exportJWK(key)),
    kid,
    use: 'sig',
  });

  const clients = {
    webApp: { clientId: 'web-app', clientSecret: secret() },
    reportingService: { clientId: 'reporting-service', clientSecret: secret() },
    mobileApp: { clientId: 'mobile-app' },
    secretJwt: { clientId: 'secret-jwt-client', clientSecret: secret() },
    keyJwt: { clientId: 'key-jwt-client', clientSecret: await exportPKCS8(clientKey.privateKey) },
    serviceAccount: { clientId: 'service-account-client' },
  };
  const serviceAccount = {
    issuer: 'reporting@service-accounts.example',
    privateKeyPem: await exportPKCS8(serviceKey.privateKey),
    alg: 'ES256' as const,
  };
  const metadata: ClientMetadata[] = [
    {
      client_id: clients.webApp.clientId,
      client_secret: clients.webApp.clientSecret,
      client_name: 'Demo web app',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
      scope: 'openid profile email api:read',
    },
    {
      client_id: clients.reportingService.clientId,
      client_secret: clients.reportingService.clientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    {
      client_id: clients.mobileApp.clientId,
      client_name: 'Demo mobile app',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [DEMO_REDIRECT_URI],
      scope: 'openid profile api:read',
    },
    {
      client_id: clients.secretJwt.clientId,
      client_secret: clients.secretJwt.clientSecret,
      token_endpoint_auth_method: 'client_secret_jwt',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    {
      client_id: clients.keyJwt.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [await publicJwk(clientKey.publicKey, 'key-jwt-client-1')] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    {
      client_id: clients.serviceAccount.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: [JWT_BEARER_GRANT_TYPE],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    ...(options.pki === undefined ? [] : mtlsClientMetadata(options.pki)),
  ];

  // The issuer needs the port: listen first, with a handler that waits for the provider.
  let route: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http = await listen((req, res) => {
    if (route) route(req, res);
    else res.writeHead(503).end();
  });
  const issuer = http.origin;
  const listeners: Listening[] = [http];

  const provider = new Provider(issuer, {
    adapter: memoryStorage(),
    clients: metadata,
    jwks: { keys: [{ ...(await exportJWK(signing.privateKey)), kid: 'demo-1', alg: 'RS256' }] },
    clientAuthMethods: [
      ...['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      'none',
      ...(options.pki === undefined ? [] : ['tls_client_auth', 'self_signed_tls_client_auth']),
    ],
    cookies: { keys: [secret(), secret()] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx: unknown, id: string) {
      const account = ACCOUNTS.get(id);
      if (account === undefined) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          name: account.name,
          email: account.email,
          email_verified: true,
        }),
      };
    },
    interactions: { url: (_ctx: unknown, { uid }: { uid: string }) => `${INTERACTION_PATH}${uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Confidential clients may introspect any token; public clients their own.
        allowedPolicy: async (
          ctx: { oidc: { client: ProviderClient } },
          client: ProviderClient,
          token: { clientId: string },
        ) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: ProviderClient, token: { clientId: string }) =>
          token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      ...(options.pki === undefined ? {} : { mTLS: mtlsFeature }),
    },
    // A refresh token for every client allowed the grant (rotated on each use).
    issueRefreshToken: async (_ctx: unknown, client: ProviderClient) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 86_400,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
    },
    renderError,
    clientBasedCORS: () => false,
  });
  const serverErrors: unknown[] = [];
  provider.on('server_error', (_ctx, error) => serverErrors.push(error));
  registerJwtBearerGrant(provider, `${issuer}/token`, [
    { issuer: serviceAccount.issuer, publicKey: serviceKey.publicKey, alg: serviceAccount.alg },
  ]);

  const api = `${issuer}/api/me`;
  const oidc = provider.callback();
  const router = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const handled =
      path === '/api/me'
        ? serveApi(provider, req, res).then(() => true)
        : handleInteraction(provider, req, res);
    handled.then(
      (done) => {
        if (!done) oidc(req, res);
      },
      (error: unknown) => {
        // Typically an interaction that expired, or its cookie is gone: say so, do not crash.
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`the request could not be handled: ${(error as Error).message}`);
      },
    );
  };
  route = router;

  // Mutual TLS: the same provider on https, client certificate required. Its
  // token and introspection endpoints are the metadata's mtls_endpoint_aliases.
  let mtls: MutualTlsEndpoints | undefined;
  if (options.pki !== undefined) {
    const { pki } = options;
    const https = await listenMutualTls(router, {
      ...pki.server,
      // The demo CA's certificates, and the self-signed one registered as it is.
      ca: [pki.ca.cert, pki.selfSigned.cert],
    }).catch(async (error: unknown) => {
      await http.close();
      throw error;
    });
    listeners.push(https);
    mtls = {
      origin: https.origin,
      api: `${https.origin}/api/me`,
      ca: pki.ca.cert,
      clients: mtlsClients(pki),
    };
  }

  return {
    issuer,
    metadata: {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/token/revocation`,
      introspection_endpoint: `${issuer}/token/introspection`,
      ...(mtls === undefined
        ? {}
        : {
            tls_client_certificate_bound_access_tokens: true,
            mtls_endpoint_aliases: {
              token_endpoint: `${mtls.origin}/token`,
              revocation_endpoint: `${mtls.origin}/token/revocation`,
              introspection_endpoint: `${mtls.origin}/token/introspection`,
            },
          }),
    },
    api,
    clients,
    serviceAccount,
    mtls,
    serverErrors,
    async close() {
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}

/**
 * The protected API: a bearer token the provider issued (to a user or to a
 * client) gets `{ sub, client_id, scope }`; anything else a 401 with an
 * RFC 6750 challenge. A certificate-bound token (RFC 8705 3) only counts on
 * a TLS connection with the certificate it is bound to.
 */
async function serveApi(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const value = /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const found =
    (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  const bound = found?.['x5t#S256'];
  const token = bound === undefined || bound === requestThumbprint(req) ? found : undefined;
  if (token === undefined) {
    res.writeHead(401, {
      'www-authenticate': value
        ? 'Bearer realm="api", error="invalid_token"'
        : 'Bearer realm="api"',
    });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ sub: token.accountId ?? null, client_id: token.clientId, scope: token.scope }),
  );
}
