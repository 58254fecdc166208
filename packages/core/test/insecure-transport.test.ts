import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsecureTransportError, InvalidArgumentError } from '../src/errors.js';
import {
  assertSecureTransport,
  checkSecureTransport,
  isLoopbackUrl,
  type TransportSecurityOptions,
} from '../src/insecure-transport.js';

const ALLOW = { allowInsecureTransport: true };

function refusal(url: string, options: TransportSecurityOptions = ALLOW): InsecureTransportError {
  try {
    assertSecureTransport(url, options);
  } catch (error) {
    if (InsecureTransportError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${url} was not refused`);
}

describe('assertSecureTransport', () => {
  it('accepts https and returns the parsed URL', () => {
    const url = assertSecureTransport('https://as.test/token?x=1');
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe('https://as.test/token?x=1');
    expect(assertSecureTransport(new URL('https://127.0.0.1:8443/')).port).toBe('8443');
  });

  it('refuses http by default, even to loopback', () => {
    for (const url of ['http://as.test/token', 'http://localhost:8080/', 'http://127.0.0.1/']) {
      const error = refusal(url, {});
      expect(error.code).toBe('ERR_INSECURE_TRANSPORT');
    }
    expect(refusal('http://localhost/', {}).message).toContain('allowInsecureTransport');
    expect(refusal('http://localhost/', { allowInsecureTransport: false }).code).toBe(
      'ERR_INSECURE_TRANSPORT',
    );
  });

  it.each([
    'http://localhost.evil.test/',
    'http://localhost@evil.test/',
    'http://127.0.0.1@evil.test/',
    'http://evil.test#@localhost',
    'http://evil.test?@localhost',
    'http://evil.test\\@localhost/',
    'http://127.0.0.1.nip.io/',
    'http://localhost./',
    'http://evillocalhost/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::2]/',
    'http://[::ffff:128.0.0.1]/',
    'http://[::ffff:7f:1]/', // ::ffff:0.127.0.1, not 127.x
    'http://128.0.0.1/',
    'http://10.0.0.1/',
  ])('refuses %s even with allowInsecureTransport', (url) => {
    expect(refusal(url).code).toBe('ERR_INSECURE_TRANSPORT');
  });

  it.each([
    'http://localhost/',
    'http://LOCALHOST:3000/cb',
    'http://localhost:8080/',
    'http://127.0.0.1:9999/token',
    'http://127.0.0.2/',
    'http://127.255.255.254/',
    'http://127.1/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::1]:8080/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:127.9.8.7]/',
  ])('allows %s with allowInsecureTransport', (url) => {
    expect(assertSecureTransport(url, ALLOW).protocol).toBe('http:');
  });

  it.each([
    'ftp://localhost/',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'file:///etc/passwd',
    'ws://localhost/',
    'wss://as.test/',
  ])('refuses the scheme of %s', (url) => {
    const error = refusal(url);
    expect(error.message).toContain('unsupported URL scheme');
  });

  it.each(['/token', 'as.test/token', '', '//as.test/token'])(
    'throws InvalidArgumentError for the non-absolute URL %j',
    (url) => {
      expect(() => assertSecureTransport(url, ALLOW)).toThrow(InvalidArgumentError);
    },
  );

  it('does not put URL credentials in its message', () => {
    const error = refusal('http://user:hunter2pass@evil.test/token?access_token=abc');
    expect(error.message).not.toContain('hunter2pass');
    expect(error.message).not.toContain('abc');
    expect(error.message).toContain('http://evil.test');
  });
});

describe('isLoopbackUrl', () => {
  it('judges the WHATWG-parsed host', () => {
    expect(isLoopbackUrl('http://127.1')).toBe(true);
    expect(isLoopbackUrl('https://[::1]/')).toBe(true);
    expect(isLoopbackUrl(new URL('http://localhost'))).toBe(true);
    expect(isLoopbackUrl('http://localhost@evil.test')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1.nip.io')).toBe(false);
    expect(isLoopbackUrl('https://as.test')).toBe(false);
  });
});

describe('checkSecureTransport (the per-request check, remembering the last origin allowed)', () => {
  /** What assertSecureTransport says of a URL: allowed, or the error's class name. */
  const verdict = (check: () => unknown): string => {
    try {
      check();
      return 'allowed';
    } catch (error) {
      return (error as Error).name;
    }
  };

  it('says what assertSecureTransport says, whatever was allowed before', () => {
    // Strings that share a prefix with an origin allowed just before, and are not of it.
    const urls = fc.constantFrom(
      'https://api.test/a',
      'https://api.test/b?x=1',
      'https://api.test:8443/a',
      'https://api.test.evil/a',
      'https://api.test@evil.test/a',
      'http://api.test/a',
      'http://127.0.0.1:8080/a',
      'http://127.0.0.1:8080/b',
      'http://127.0.0.1:8080@evil.test/',
      'http://127.0.0.1:80800/',
      'http://127.0.0.1:8080\\@evil.test/',
      'http://127.0.0.1.nip.io:8080/a',
      'http://localhost:8080/a',
      'http://[::1]:8080/a',
      'ftp://127.0.0.1:8080/a',
      'not a url',
      '/relative',
    );
    const options = fc.constantFrom<TransportSecurityOptions>({}, ALLOW);
    fc.assert(
      fc.property(fc.array(fc.tuple(urls, options), { minLength: 1, maxLength: 8 }), (calls) => {
        for (const [url, opts] of calls) {
          expect(verdict(() => checkSecureTransport(url, opts))).toBe(
            verdict(() => assertSecureTransport(url, opts)),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses loopback http without allowInsecureTransport right after allowing it with it', () => {
    checkSecureTransport('http://127.0.0.1:9/a', ALLOW);
    expect(() => checkSecureTransport('http://127.0.0.1:9/b', {})).toThrow(InsecureTransportError);
    checkSecureTransport('https://api.test/a');
    expect(() => checkSecureTransport('http://api.test/a', ALLOW)).toThrow(InsecureTransportError);
  });
});
