/**
 * The slice of `oidc-provider` (which ships no types) that the test harness
 * uses. Pulled in by oidc-provider.ts with a triple-slash reference, so every
 * program that imports `@x/testing` sees it.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Provider configuration; see the oidc-provider docs/configuration.md. */
  export type Configuration = Record<string, unknown>;

  /** Client metadata in its registered (RFC 7591, snake_case) form. */
  export type ClientMetadata = Record<string, unknown> & { client_id: string };

  /** A pending login or consent step. */
  export interface Interaction {
    uid: string;
    prompt: {
      name: string;
      reasons: string[];
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
        [detail: string]: unknown;
      };
    };
    params: Record<string, unknown> & { client_id: string };
    session?: { accountId: string } | undefined;
    grantId?: string | undefined;
    returnTo: string;
  }

  /** The result of an interaction, handed back to the authorization endpoint. */
  export type InteractionResults = Record<string, unknown>;

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantModel {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  /** What oidc-provider passes to configuration functions about a client. */
  export interface ProviderClient {
    clientId: string;
    clientAuthMethod: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  /** A stored token (access, client credentials, refresh). */
  export interface StoredToken {
    clientId: string;
    destroy(): Promise<void>;
  }

  export interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<StoredToken | undefined>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Koa's setting: trust X-Forwarded-* headers. */
    proxy: boolean;
    readonly Grant: GrantModel;
    readonly AccessToken: TokenModel;
    readonly ClientCredentials: TokenModel;
    readonly RefreshToken: TokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default Provider;
}
