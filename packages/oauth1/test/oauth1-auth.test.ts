/**
 * OAuth1Auth as an Authenticator: fresh nonce and timestamp per call, the
 * transport policy, no secret in its renderings.
 */
import { inspect } from 'node:util';
import type { HttpRequest } from '@x/core';
import { describe, expect, it } from 'vitest';
import { OAuth1Auth, parseAuthorizationHeader, signRequest } from '../src/index.js';

const request = (url = 'https://api.example.com/r'): HttpRequest => ({
  method: 'GET',
  url,
  headers: new Headers({ accept: 'application/json' }),
});

function params(signed: HttpRequest): Record<string, string> {
  return Object.fromEntries(
    parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? [],
  );
}

describe('OAuth1Auth', () => {
  it('signs every call with a fresh CSPRNG nonce and the clock’s timestamp', async () => {
    let now = 1_700_000_000_500;
    const auth = new OAuth1Auth({ clientId: 'c', clientSecret: 's', clock: { now: () => now } });
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const signed = params(await auth.authorize(request()));
      expect(signed.oauth_nonce).toMatch(/^[A-Za-z0-9]{30}$/);
      expect(signed.oauth_timestamp).toBe(String(Math.floor(now / 1000)));
      nonces.add(signed.oauth_nonce as string);
      now += 1000;
    }
    expect(nonces.size).toBe(50);
  });

  it('leaves the caller’s request untouched and keeps its other headers', async () => {
    const original = request();
    const signed = await new OAuth1Auth({ clientId: 'c' }).authorize(original);
    expect(original.headers.has('authorization')).toBe(false);
    expect(signed.headers.get('accept')).toBe('application/json');
    expect(signed).not.toBe(original);
  });

  it('refuses plain http unless allowInsecureTransport, and then only to loopback', async () => {
    const auth = new OAuth1Auth({ clientId: 'c', clientSecret: 's' });
    await expect(auth.authorize(request('http://127.0.0.1:8080/r'))).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
    await expect(auth.authorize(request('http://api.example.com/r'))).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
    const local = new OAuth1Auth({
      clientId: 'c',
      clientSecret: 's',
      allowInsecureTransport: true,
    });
    await expect(local.authorize(request('http://127.0.0.1:8080/r'))).resolves.toBeDefined();
    await expect(local.authorize(request('http://api.example.com/r'))).rejects.toMatchObject({
      code: 'ERR_INSECURE_TRANSPORT',
    });
  });

  it('refuses PLAINTEXT over http even when signing directly, unless loopback is allowed', async () => {
    const options = { clientId: 'c', clientSecret: 's', signatureMethod: 'PLAINTEXT' as const };
    const values = { nonce: 'n', timestamp: 1 };
    await expect(
      signRequest(
        request('http://api.example.com/r'),
        { ...options, allowInsecureTransport: true },
        values,
      ),
    ).rejects.toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
    await expect(
      signRequest(request('http://localhost:3000/r'), options, values),
    ).rejects.toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
    await expect(
      signRequest(
        request('http://localhost:3000/r'),
        { ...options, allowInsecureTransport: true },
        values,
      ),
    ).resolves.toBeDefined();
    // HMAC over http is a caller's choice when signing directly (the RFC 1.2 example does it).
    await expect(
      signRequest(
        request('http://api.example.com/r'),
        { ...options, signatureMethod: 'HMAC-SHA1' },
        values,
      ),
    ).resolves.toBeDefined();
  });

  it('validates its options at construction', () => {
    const bad: Array<Record<string, unknown>> = [
      {},
      { clientId: '' },
      { clientId: 'c', clientSecret: 42 },
      { clientId: 'c', signatureType: 'COOKIE' },
      { clientId: 'c', realm: 'a\r\nX-Injected: 1' },
    ];
    for (const options of bad) {
      expect(() => new OAuth1Auth(options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
  });

  it('quotes the realm as a quoted-string', async () => {
    const auth = new OAuth1Auth({ clientId: 'c', realm: 'say "hi" \\ there' });
    const header = (await auth.authorize(request())).headers.get('authorization') ?? '';
    expect(header.startsWith('OAuth realm="say \\"hi\\" \\\\ there", oauth_consumer_key="c"')).toBe(
      true,
    );
    expect(parseAuthorizationHeader(header)?.realm).toBe('say "hi" \\ there');
  });

  it('shows no secret in inspect or JSON', () => {
    const auth = new OAuth1Auth({
      clientId: 'c',
      clientSecret: 'client-secret-1',
      token: 'token-value-2',
      tokenSecret: 'token-secret-3',
    });
    const rendered = `${inspect(auth, { showHidden: true, depth: 5 })} ${JSON.stringify(auth)}`;
    for (const secret of ['client-secret-1', 'token-secret-3'])
      expect(rendered).not.toContain(secret);
    expect(auth.clientId).toBe('c');
  });
});
