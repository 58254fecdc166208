/**
 * Every server the terminal demo talks to, started together on free
 * loopback ports and closed together. The certificates for mutual TLS are
 * made first (pki.ts).
 */
import { type FirstPartyServer, startFirstPartyServer } from './first-party.js';
import { type OAuth1Provider, startOAuth1Provider } from './oauth1-provider.js';
import type { MtlsClient, MutualTlsEndpoints } from './oidc-mtls.js';
import { type OpenIDProvider, startOpenIDProvider } from './oidc-provider.js';
import { createDemoPki } from './pki.js';

export { DEMO_REDIRECT_URI } from './oidc-provider.js';
export type { FirstPartyServer, MtlsClient, MutualTlsEndpoints, OAuth1Provider, OpenIDProvider };

/** The running servers. */
export interface DemoServers {
  /** oidc-provider: OAuth 2.0 and OpenID Connect. */
  oidc: OpenIDProvider;
  /** The OAuth 1.0a provider. */
  oauth1: OAuth1Provider;
  /** The first-party server with its own token endpoint (password grant, a legacy quirk). */
  firstParty: FirstPartyServer;
  /** oidc-provider's https listener requiring client certificates (mutual TLS, RFC 8705). */
  mtls: MutualTlsEndpoints;
  close(): Promise<void>;
}

/** Starts every server; if one fails to start, the others are closed again. */
export async function startServers(): Promise<DemoServers> {
  const pki = await createDemoPki();
  const started = await Promise.allSettled([
    startOpenIDProvider({ pki }),
    startOAuth1Provider(),
    startFirstPartyServer(),
  ] as const);
  const close = async () => {
    await Promise.all(
      started.map((s) => (s.status === 'fulfilled' ? s.value.close() : Promise.resolve())),
    );
  };
  const [oidc, oauth1, firstParty] = started;
  if (
    oidc.status === 'rejected' ||
    oauth1.status === 'rejected' ||
    firstParty.status === 'rejected'
  ) {
    await close();
    const failed = started.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    throw failed.reason;
  }
  const { mtls } = oidc.value;
  if (mtls === undefined) {
    await close();
    throw new Error('oidc-provider started without its mutual TLS listener');
  }
  return { oidc: oidc.value, oauth1: oauth1.value, firstParty: firstParty.value, mtls, close };
}
