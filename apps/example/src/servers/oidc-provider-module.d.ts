/**
 * The slice of `oidc-provider` (which ships no type declarations) that the
 * demo's OpenID Provider uses. See oidc-provider's docs/README.md.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Provider configuration (docs: "Configuration options"). */
  export type Configuration = Record<string, unknown>;

  /** Client metadata, registered (RFC 7591) names. */
  export type ClientMetadata = Record<string, unknown> & { client_id: string };

  /** A pending login or consent step. */
  export interface Interaction {
    uid: string;
    prompt: {
      name: string;
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
    };
    params: Record<string, unknown> & { client_id: string; scope?: string };
    session?: { accountId: string } | undefined;
    grantId?: string | undefined;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  /** What configuration callbacks are told about a client. */
  export interface ProviderClient {
    clientId: string;
    clientName?: string | undefined;
    clientAuthMethod: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  /** An access token or client-credentials token, as stored. */
  export interface StoredToken {
    clientId: string;
    accountId?: string | undefined;
    scope?: string | undefined;
    /** The certificate a certificate-bound token is bound to (RFC 8705 3). */
    'x5t#S256'?: string | undefined;
  }

  /** The Koa context a custom grant handler gets. */
  export interface GrantContext {
    oidc: { params: Record<string, string | undefined>; client: ProviderClient };
    status: number;
    body: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Client: { find(id: string): Promise<ProviderClient | undefined> };
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    readonly AccessToken: {
      new (properties: {
        accountId: string;
        client: ProviderClient;
        scope?: string | undefined;
        gty: string;
      }): { save(): Promise<string>; readonly expiration: number };
      find(value: string): Promise<StoredToken | undefined>;
    };
    readonly ClientCredentials: { find(value: string): Promise<StoredToken | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    registerGrantType(
      name: string,
      handler: (ctx: GrantContext) => Promise<void>,
      parameters: string[],
    ): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default Provider;
}
