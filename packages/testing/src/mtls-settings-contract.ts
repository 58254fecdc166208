import { globalAgent } from 'node:https';
import { inspect } from 'node:util';
import { InvalidArgumentError, OAuthError, TransportError } from '@x/core';
import type { ClientCertificate, NodeTlsOptions } from '@x/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPki,
  type MtlsProvider,
  type MtlsServer,
  startMtlsProvider,
  startMtlsServer,
  type TestPki,
} from './certificates.js';
import type { TlsStackDriver } from './mtls-driver.js';
import type { OAuth2SessionInit, OAuth2SessionLike } from './oauth2-session-contract.js';
import { settled, thrownBy } from './rejections.js';
import type { SessionDriver } from './session-driver.js';

/**
 * The contract of each adapter's mTLS pool (`mtlsDispatcher`, `mtlsAgent`):
 * every TLS failure is a TransportError whose message says what to fix,
 * certificate problems are found at construction, and nothing process-wide
 * changes.
 */

/** An adapter's drivers, with its `OAuth2Session` class. */
export interface MtlsSettingsDriver<B, A, S extends B> extends SessionDriver<B, A>, TlsStackDriver {
  OAuth2Session: new (options: NoInfer<OAuth2SessionInit & A>) => S;
}

/** The rejection of `promise`, which must be a TransportError ERR_NETWORK; resolves its message. */
async function networkError(promise: Promise<unknown>): Promise<string> {
  const error = await settled(promise);
  expect(TransportError.isInstance(error)).toBe(true);
  expect((error as TransportError).code).toBe('ERR_NETWORK');
  return (error as TransportError).message;
}

/**
 * Registers the mTLS settings table for one adapter.
 *
 * @example
 * describeMtlsSettingsContract({ ...driver, ...tlsDriver, OAuth2Session })
 */
export function describeMtlsSettingsContract<B, A, S extends B & OAuth2SessionLike>(
  driver: MtlsSettingsDriver<B, A, S>,
): void {
  let pki: TestPki;
  let provider: MtlsProvider;
  /** An mTLS server whose certificate is issued for other.test only. */
  let otherHost: MtlsServer;

  const clientPem = (): ClientCertificate => ({ cert: pki.client.cert, key: pki.client.key });
  const session = (clientId: string, tls: NodeTlsOptions, extra: Partial<OAuth2SessionInit> = {}) =>
    new driver.OAuth2Session({
      clientId,
      ...extra,
      ...driver.pool({ tls }).options,
    } as OAuth2SessionInit & A);

  describe(`mTLS settings (${driver.name})`, () => {
    beforeAll(async () => {
      pki = await createTestPki();
      provider = await startMtlsProvider(pki);
      otherHost = await startMtlsServer((_request, res) => void res.end('hello'), {
        ...pki.otherHostServer,
        ca: pki.ca.cert,
      });
    });
    afterAll(async () => {
      await provider?.close();
      await otherHost?.close();
      await pki?.cleanup();
    });

    describe('failures are TransportError ERR_NETWORK with a message that says what to fix', () => {
      it('no client certificate for a server that requires one', async () => {
        await using oauth = session(
          'ca-client',
          { origins: [provider.server.origin], ca: pki.ca.cert },
          { tokenEndpointAuthMethod: 'tls_client_auth', metadata: provider.metadata },
        );
        const message = await networkError(oauth.fetchToken({ grantType: 'client_credentials' }));
        const explanation =
          /https:\/\/127\.0\.0\.1:\d+ requires a TLS client certificate \(mutual TLS\) and none was presented \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\): set `certificate`/;
        const prefix = `the request failed: ${driver.failurePrefix}`.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        );
        expect(message).toMatch(new RegExp(`^${prefix}${explanation.source}`));
      });

      it('a client certificate the server does not trust', async () => {
        const certificate = { cert: pki.untrustedClient.cert, key: pki.untrustedClient.key };
        const message = await networkError(
          driver.transportGet(provider.resource, {
            origins: [provider.server.origin],
            certificate,
            ca: pki.ca.cert,
          }),
        );
        expect(message).toMatch(/may have refused the client certificate|refused the TLS client/);
        expect(message).toContain(provider.server.origin);
      });

      it('a server certificate the client does not trust (no `ca`)', async () => {
        const message = await networkError(
          driver.transportGet(provider.resource, {
            origins: [provider.server.origin],
            certificate: clientPem(),
          }),
        );
        expect(message).toMatch(
          /the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted: pass the CA that issued it as `ca`/,
        );
        expect(message).toContain('SELF_SIGNED_CERT_IN_CHAIN');
      });

      it('a server certificate for another host name, and `servername` to check the right one', async () => {
        const options = { origins: [otherHost.origin], certificate: clientPem(), ca: pki.ca.cert };
        const message = await networkError(driver.transportGet(`${otherHost.origin}/`, options));
        expect(message).toMatch(/is not issued for this host name/);
        expect(message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
        const named = { ...options, servername: 'other.test' };
        expect(await driver.transportGet(`${otherHost.origin}/`, named)).toBe(200);
        expect(otherHost.requests.at(-1)?.certificate?.thumbprint).toBe(pki.client.thumbprint);
      });
    });

    describe('certificates and options are checked at construction (InvalidArgumentError)', () => {
      const origins = ['https://as.example.com'];

      it('a wrong PKCS#12 passphrase, never shown', async () => {
        const passphrase = 'wrong-passphrase-42';
        const error = thrownBy(() =>
          driver.tlsPool({ origins, certificate: { pfx: pki.pfx.pfx, passphrase } }),
        );
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(
          /^the client certificate could not be loaded \(.*mac verify failure.*\): wrong passphrase\?$/,
        );
        for (const rendering of [
          String(error),
          JSON.stringify(error),
          inspect(error, { depth: 5 }),
        ]) {
          expect(rendering).not.toContain(passphrase);
        }
        // No passphrase at all fails the same way, and the right one loads.
        expect(() => driver.tlsPool({ origins, certificate: { pfx: pki.pfx.pfx } })).toThrow(
          InvalidArgumentError,
        );
        const ok = driver.tlsPool({
          origins,
          certificate: { pfx: pki.pfx.pfx, passphrase: pki.pfx.passphrase },
        });
        await ok.close();
      });

      it('a key that does not belong to the certificate, never shown', () => {
        const certificate = { cert: pki.client.cert, key: pki.otherClient.key };
        const error = thrownBy(() => driver.tlsPool({ origins, certificate }));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(/the key does not belong to the certificate$/);
        expect(inspect(error, { depth: 5 })).not.toContain(pki.otherClient.key.split('\n')[1]);
      });

      it('unusable options', () => {
        const cases: unknown[] = [
          undefined,
          {},
          { origins: [] },
          { origins: ['http://as.example.com'] },
          { origins: ['as.example.com'] },
          { origins, certificate: { cert: pki.client.cert } },
          { origins, certificate: { key: pki.client.key } },
          { origins, certificate: { pfx: pki.pfx.pfx, cert: pki.client.cert } },
          { origins, certificate: { pfx: pki.pfx.pfx, key: pki.client.key } },
          { origins, certificate: { ...clientPem(), passphrase: 42 } },
          { origins, certificate: 'client.pem' },
          { origins, ca: 42 },
          { origins, ca: 'not a certificate' },
          { origins, servername: '' },
          { origins, servername: 42 },
          { origins, rejectUnauthorized: 'no' },
          { origins, rejectUnauthorized: 0 },
        ];
        for (const options of cases) {
          expect(() => driver.tlsPool(options as NodeTlsOptions), JSON.stringify(options)).toThrow(
            InvalidArgumentError,
          );
        }
      });
    });

    describe('process-wide TLS settings are never touched', () => {
      it('rejectUnauthorized: false is per pool and per origin, warns once, changes nothing global', async () => {
        const poolBefore = driver.globalPool();
        const agentOptions = structuredClone(globalAgent.options);
        const envBefore = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        const warnings: Error[] = [];
        const onWarning = (warning: Error) => warnings.push(warning);
        process.on('warning', onWarning);
        try {
          const insecure: NodeTlsOptions = {
            origins: [provider.server.origin],
            certificate: clientPem(),
            rejectUnauthorized: false,
          };
          // No `ca`, yet the configured origin answers; twice, with one warning.
          expect(await driver.transportGet(provider.resource, insecure)).toBe(401); // no token sent
          expect(await driver.transportGet(provider.resource, insecure)).toBe(401);
          // Other origins keep full verification.
          await networkError(driver.transportGet(`${provider.other.origin}/landing`, insecure));
          // The stack's defaults do not trust the server because of it.
          await expect(driver.defaultGet(provider.resource)).rejects.toThrow(driver.untrusted);

          await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
          const ours = warnings.filter(
            (w) => (w as { code?: string }).code === 'X_TLS_REJECT_UNAUTHORIZED',
          );
          expect(ours).toHaveLength(1);
          expect(ours[0]?.message).toContain(provider.server.origin);
          expect(ours[0]?.message).toMatch(/local development only/);
        } finally {
          process.off('warning', onWarning);
        }
        expect(driver.globalPool()).toBe(poolBefore);
        expect(globalAgent.options).toEqual(agentOptions);
        expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBe(envBefore);
      });

      it('a session that owns its pool closes it with it', async () => {
        const pool = driver.pool({ tls: { origins: [provider.server.origin], ca: pki.ca.cert } });
        const oauth = new driver.OAuth2Session({ clientId: 'x', ...pool.options });
        await oauth.close();
        expect(await pool.closed()).toBe(true);
      });

      it('errors are OAuthErrors also through the authorized stack', async () => {
        const error = await settled(
          driver.tlsGet(
            provider.resource,
            { origins: [provider.server.origin], certificate: clientPem() },
            { authorize: async (request) => request },
          ),
        );
        expect(OAuthError.isInstance(error)).toBe(true);
        expect((error as OAuthError).message).toMatch(/is not trusted/);
      });
    });
  });
}
