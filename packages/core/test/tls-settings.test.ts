import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { loadTlsSettings, type NodeTlsOptions } from '../src/node/index.js';

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected loadTlsSettings to throw');
};

const load = (options: unknown) => () => loadTlsSettings(options as NodeTlsOptions);

describe('loadTlsSettings', () => {
  it('reduces origins to a set of https origins and defaults to verifying servers', () => {
    const settings = loadTlsSettings({
      origins: [
        'https://as.example.com/token',
        new URL('https://as.example.com:443/x'),
        'https://[::1]:8443',
      ],
    });
    expect([...settings.origins]).toEqual(['https://as.example.com', 'https://[::1]:8443']);
    expect(settings).toMatchObject({
      certificate: false,
      servername: undefined,
      rejectUnauthorized: true,
    });
    expect(typeof settings.secureContext.context).toBe('object');
  });

  it.each([
    [null, 'TLS options must be an object'],
    [{}, 'origins must list the https origins'],
    [{ origins: [] }, 'origins must list the https origins'],
    [{ origins: ['http://as.example.com'] }, 'every entry of origins must be an https URL'],
    [{ origins: ['as.example.com'] }, 'every entry of origins must be an https URL'],
    [{ origins: [42] }, 'every entry of origins must be an https URL'],
    [{ origins: ['https://a.test'], ca: 'not pem' }, 'ca must be PEM certificates'],
    [{ origins: ['https://a.test'], ca: [] }, 'ca must be PEM certificates'],
    [{ origins: ['https://a.test'], servername: '' }, 'servername must be a non-empty string'],
    [
      { origins: ['https://a.test'], rejectUnauthorized: 'no' },
      'rejectUnauthorized must be a boolean',
    ],
    [{ origins: ['https://a.test'], certificate: 'x' }, 'certificate must be { cert, key }'],
    [
      { origins: ['https://a.test'], certificate: {} },
      'certificate needs cert and key (PEM), or pfx',
    ],
    [
      { origins: ['https://a.test'], certificate: { pfx: 'p', cert: 'c' } },
      'certificate takes either pfx or cert and key, not both',
    ],
    [
      { origins: ['https://a.test'], certificate: { pfx: 42 } },
      'certificate.pfx must be the bytes',
    ],
    [
      { origins: ['https://a.test'], certificate: { pfx: 'p', passphrase: 1 } },
      'certificate.passphrase must be a string',
    ],
  ])('refuses unusable options: %j', (options, message) => {
    expect(messageOf(load(options))).toContain(message);
  });

  it('says which material could not be loaded, never with the key or passphrase', () => {
    const key =
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n';
    const cert =
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    let caught: unknown;
    try {
      loadTlsSettings({
        origins: ['https://a.test'],
        certificate: { cert, key, passphrase: 'hunter2-passphrase' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    const error = caught as InvalidArgumentError;
    expect(error.message).toMatch(/^the client certificate could not be loaded \(/);
    const shown = `${error.message} ${String(error)} ${JSON.stringify(error)} ${error.stack}`;
    expect(shown).not.toContain('hunter2-passphrase');
    expect(shown).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbA');
  });

  it('warns once per process when server verification is off, naming the origins', async () => {
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const settings = loadTlsSettings({
        origins: ['https://dev.test:8443'],
        rejectUnauthorized: false,
      });
      loadTlsSettings({ origins: ['https://other.test'], rejectUnauthorized: false });
      expect(settings.rejectUnauthorized).toBe(false);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
      const ours = warnings.filter((w) => w.code === 'X_TLS_REJECT_UNAUTHORIZED');
      expect(ours).toHaveLength(1);
      expect(ours[0]?.message).toContain('https://dev.test:8443');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
