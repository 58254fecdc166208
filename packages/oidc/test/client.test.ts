import { describe, expect, it } from 'vitest';
import { localKeySet, OIDCClient, type OIDCClientOptions } from '../src/index.js';
import { recordingTransport } from './support.js';

// OIDCClient's own options and authentication request, without a server.

const { transport } = recordingTransport();
const metadata = {
  issuer: 'https://op.test',
  authorization_endpoint: 'https://op.test/auth',
  token_endpoint: 'https://op.test/token',
  jwks_uri: 'https://op.test/jwks',
  end_session_endpoint: 'https://op.test/logout',
};

function client(options: Partial<OIDCClientOptions> = {}): OIDCClient {
  return new OIDCClient({
    clientId: 'app',
    redirectUri: 'https://app.test/cb',
    metadata,
    transport,
    ...options,
  });
}

describe('createAuthorizationUrl', () => {
  it('adds openid once, a fresh nonce, and max_age when asked', async () => {
    const c = client({ scope: ['email', 'profile'] });
    const first = await c.createAuthorizationUrl();
    const second = await c.createAuthorizationUrl({ scope: 'openid email', maxAge: 0 });
    const params = (url: string) => new URL(url).searchParams;
    expect(params(first.url).get('scope')).toBe('openid email profile');
    expect(params(second.url).get('scope')).toBe('openid email');
    expect(params(first.url).get('nonce')).toBe(first.nonce);
    expect(first.nonce).not.toBe(second.nonce);
    expect(params(first.url).has('max_age')).toBe(false);
    expect(params(second.url).get('max_age')).toBe('0');
    expect(second.maxAge).toBe(0);
  });

  it('keeps a nonce it is given and refuses max_age as an extra parameter', async () => {
    const c = client({ maxAge: 300 });
    const { url, nonce, maxAge } = await c.createAuthorizationUrl({ nonce: 'my-nonce' });
    expect(nonce).toBe('my-nonce');
    expect(maxAge).toBe(300);
    expect(new URL(url).searchParams.get('max_age')).toBe('300');
    await expect(c.createAuthorizationUrl({ max_age: 10 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('options', () => {
  it.each([
    ['no metadata issuer', { metadata: { ...metadata, issuer: undefined as unknown as string } }],
    ['alg none', { idTokenSignedResponseAlg: 'none' }],
    ['an unknown alg', { idTokenSignedResponseAlg: 'RS1' }],
    ['HS256 without a client secret', { idTokenSignedResponseAlg: 'HS256' }],
    ['no jwks_uri and no keys', { metadata: { ...metadata, jwks_uri: undefined } }],
    ['a negative clockTolerance', { clockTolerance: -1 }],
  ])('refuses %s', (_name, options) => {
    expect(() => client(options)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('shares one key set between clients built from the same metadata and transport', () => {
    expect(client().keys).toBe(client().keys);
    expect(client().keys).not.toBe(client({ metadata: { ...metadata } }).keys);
    const keys = localKeySet({ keys: [] });
    expect(client({ keys }).keys).toBe(keys);
    expect(
      client({ idTokenSignedResponseAlg: 'HS256', clientSecret: 's3cret' }).keys,
    ).toBeUndefined();
  });

  it('builds the logout URL with the current id_token and the client id', () => {
    const c = client({ token: { access_token: 'at', token_type: 'Bearer', id_token: 'h.p.s' } });
    const url = new URL(c.endSessionUrl({ state: 's' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: 'h.p.s',
      client_id: 'app',
      state: 's',
    });
    expect(new URL(c.endSessionUrl({ idTokenHint: null })).searchParams.has('id_token_hint')).toBe(
      false,
    );
  });
});
