import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import {
  BODY_HEADERS,
  CREDENTIAL_HEADERS,
  MAX_REDIRECTS,
  nextRedirect,
  REDIRECT_STATUSES,
  stripBodyHeaders,
  stripCredentials,
} from '../src/redirect.js';

const FROM = 'https://api.test/a/b?x=1';
const redirect = (status: number, location?: string) => ({
  status,
  headers: new Headers(location === undefined ? {} : { Location: location }),
});

function refusal(from: string, location: string): TransportError {
  try {
    nextRedirect({ url: from, method: 'GET' }, redirect(302, location));
  } catch (error) {
    if (TransportError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`redirect to ${location} was followed`);
}

describe('nextRedirect: method rewriting (fetch standard 4.4 HTTP-redirect fetch)', () => {
  // [status, method in, method out, body dropped], written out rather than derived.
  const table: Array<[number, string, string, boolean]> = [
    [301, 'GET', 'GET', false],
    [301, 'POST', 'GET', true],
    [301, 'PUT', 'PUT', false],
    [301, 'HEAD', 'HEAD', false],
    [302, 'GET', 'GET', false],
    [302, 'POST', 'GET', true],
    [302, 'PUT', 'PUT', false],
    [302, 'HEAD', 'HEAD', false],
    [303, 'GET', 'GET', false],
    [303, 'POST', 'GET', true],
    [303, 'PUT', 'GET', true],
    [303, 'HEAD', 'HEAD', false],
    [307, 'GET', 'GET', false],
    [307, 'POST', 'POST', false],
    [307, 'PUT', 'PUT', false],
    [307, 'HEAD', 'HEAD', false],
    [308, 'GET', 'GET', false],
    [308, 'POST', 'POST', false],
    [308, 'PUT', 'PUT', false],
    [308, 'HEAD', 'HEAD', false],
  ];
  it.each(table)('%i after %s -> %s (drop body: %s)', (status, method, expected, dropBody) => {
    const hop = nextRedirect({ url: FROM, method }, redirect(status, '/next'));
    expect(hop).toEqual({
      url: 'https://api.test/next',
      method: expected,
      dropBody,
      crossOrigin: false,
    });
  });

  it('upper-cases the method', () => {
    expect(nextRedirect({ url: FROM, method: 'post' }, redirect(307, '/n'))?.method).toBe('POST');
    expect(nextRedirect({ url: FROM, method: 'post' }, redirect(302, '/n'))?.dropBody).toBe(true);
  });

  it('follows exactly the fetch redirect statuses', () => {
    expect([...REDIRECT_STATUSES].sort()).toEqual([301, 302, 303, 307, 308]);
    for (const status of [200, 204, 300, 304, 305, 306, 309, 399, 401, 500]) {
      expect(nextRedirect({ url: FROM, method: 'GET' }, redirect(status, '/n')), `${status}`).toBe(
        undefined,
      );
    }
    expect(MAX_REDIRECTS).toBe(20);
  });
});

describe('nextRedirect: Location', () => {
  it.each([
    ['/next?y=2', 'https://api.test/next?y=2'],
    ['c', 'https://api.test/a/c'],
    ['../c', 'https://api.test/c'],
    ['?z=3', 'https://api.test/a/b?z=3'],
    ['https://api.test:443/d', 'https://api.test/d'],
    ['//api.test/e', 'https://api.test/e'],
  ])('resolves %j against the request URL', (location, expected) => {
    const hop = nextRedirect({ url: FROM, method: 'GET' }, redirect(302, location));
    expect(hop?.url).toBe(expected);
    expect(hop?.crossOrigin).toBe(false);
  });

  it('returns undefined when the Location is missing', () => {
    expect(nextRedirect({ url: FROM, method: 'GET' }, redirect(302))).toBeUndefined();
  });

  it('throws ERR_REDIRECT for an unparsable Location', () => {
    expect(refusal(FROM, 'http://[::1').code).toBe('ERR_REDIRECT');
  });

  it('refuses https -> http with ERR_INSECURE_REDIRECT', () => {
    expect(refusal(FROM, 'http://api.test/next').code).toBe('ERR_INSECURE_REDIRECT');
    expect(refusal('https://localhost/', 'http://localhost/').code).toBe('ERR_INSECURE_REDIRECT');
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'file:///etc/passwd',
    'ftp://api.test/x',
    'blob:https://api.test/uuid',
  ])('refuses a redirect to %s', (location) => {
    expect(refusal(FROM, location).code).toBe('ERR_INSECURE_REDIRECT');
    expect(refusal('http://localhost/', location).code).toBe('ERR_INSECURE_REDIRECT');
  });

  it('allows http -> http and http -> https', () => {
    const plain = nextRedirect({ url: 'http://localhost/a', method: 'GET' }, redirect(302, '/b'));
    expect(plain).toMatchObject({ url: 'http://localhost/b', crossOrigin: false });
    const upgraded = nextRedirect(
      { url: 'http://api.test/a', method: 'GET' },
      redirect(301, 'https://api.test/a'),
    );
    expect(upgraded).toMatchObject({ url: 'https://api.test/a', crossOrigin: true });
  });

  it.each([
    ['a host change', FROM, 'https://other.test/x', true],
    ['a subdomain', FROM, 'https://sub.api.test/x', true],
    ['a port change', FROM, 'https://api.test:8443/x', true],
    ['a scheme change', 'http://api.test/a', 'https://api.test/a', true],
    ['a loopback port change', 'http://localhost:8080/a', 'http://localhost:8081/a', true],
    ['a path change only', FROM, 'https://api.test/elsewhere', false],
    ['an explicit default port', 'http://api.test/a', 'http://api.test:80/b', false],
    ['userinfo only', FROM, 'https://u:p@api.test/x', false],
  ])('crossOrigin is right for %s', (_what, from, location, crossOrigin) => {
    const hop = nextRedirect({ url: from, method: 'GET' }, redirect(307, location));
    expect(hop?.crossOrigin).toBe(crossOrigin);
  });
});

describe('stripCredentials / stripBodyHeaders', () => {
  const original = (): Headers =>
    new Headers({
      Authorization: 'Bearer secret-token-123',
      'Proxy-Authorization': 'Basic cHJveHk6cHc=',
      Cookie: 'sid=1',
      'Content-Type': 'application/json',
      'Content-Length': '12',
      'Content-Encoding': 'gzip',
      'Content-Language': 'en',
      'Content-Location': '/x',
      Accept: 'application/json',
      'X-Request-Id': 'r1',
    });

  it('lists the credential and body headers', () => {
    expect([...CREDENTIAL_HEADERS].sort()).toEqual([
      'authorization',
      'cookie',
      'proxy-authorization',
    ]);
    expect([...BODY_HEADERS].sort()).toEqual([
      'content-encoding',
      'content-language',
      'content-length',
      'content-location',
      'content-type',
    ]);
  });

  it('stripCredentials removes credentials only and leaves its input alone', () => {
    const input = original();
    const stripped = stripCredentials(input);
    expect(stripped).not.toBe(input);
    expect([...stripped.keys()].sort()).toEqual([
      'accept',
      'content-encoding',
      'content-language',
      'content-length',
      'content-location',
      'content-type',
      'x-request-id',
    ]);
    expect([...input]).toEqual([...original()]);
  });

  it('stripBodyHeaders removes body headers only and leaves its input alone', () => {
    const input = original();
    const stripped = stripBodyHeaders(input);
    expect(stripped).not.toBe(input);
    expect([...stripped.keys()].sort()).toEqual([
      'accept',
      'authorization',
      'cookie',
      'proxy-authorization',
      'x-request-id',
    ]);
    expect(stripped.get('authorization')).toBe('Bearer secret-token-123');
    expect([...input]).toEqual([...original()]);
  });
});
