import {
  type HttpRequest,
  InsecureTransportError,
  InvalidArgumentError,
  OAuth2Token,
} from '@x/core';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth, OAuth2Client, placeBearerToken } from '../src/index.js';
import { get, transport } from './support.js';

const form = (body: string, method = 'POST'): HttpRequest => ({
  method,
  url: 'https://api.example.com/items?x=1',
  headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
  body,
});

describe('token placement (RFC 6750 2)', () => {
  it('header (default)', () => {
    const out = placeBearerToken(get('https://api.example.com/'), 'tok');
    expect(out.headers.get('authorization')).toBe('Bearer tok');
  });

  it('body: appended to a form body; an empty POST gets a form body', () => {
    const out = placeBearerToken(form('a=1&b=2'), 'tok', 'body');
    expect(out.body).toBe('a=1&b=2&access_token=tok');
    expect(out.headers.has('authorization')).toBe(false);
    const empty = placeBearerToken(
      { method: 'POST', url: 'https://api.example.com/', headers: new Headers() },
      'tok',
      'body',
    );
    expect(empty.body).toBe('access_token=tok');
    expect(empty.headers.get('content-type')).toBe(
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
  });

  it('body: refuses JSON, opaque bodies and GET with a clear error, never leaking the token', () => {
    const json: HttpRequest = {
      method: 'POST',
      url: 'https://api.example.com/',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: '{"a":1}',
    };
    expect(() => placeBearerToken(json, 'secret-token', 'body')).toThrow(/application\/json/);
    const opaque: HttpRequest = { ...form(''), opaqueBody: true };
    expect(() => placeBearerToken(opaque, 'secret-token', 'body')).toThrow(/binary or streamed/);
    expect(() => placeBearerToken(get('https://api.example.com/'), 'secret-token', 'body')).toThrow(
      InvalidArgumentError,
    );
    try {
      placeBearerToken(json, 'secret-token', 'body');
    } catch (error) {
      expect(String(error)).not.toContain('secret-token');
    }
  });

  it('uri: an access_token query parameter and Cache-Control: no-store', () => {
    const out = placeBearerToken(get('https://api.example.com/items?x=1'), 't k', 'uri');
    expect(out.url).toBe('https://api.example.com/items?x=1&access_token=t+k');
    expect(out.headers.get('cache-control')).toBe('no-store');
  });

  it('never mutates the request it is given', () => {
    const request = form('a=1');
    placeBearerToken(request, 'tok', 'body');
    placeBearerToken(request, 'tok', 'header');
    expect(request.body).toBe('a=1');
    expect(request.headers.has('authorization')).toBe(false);
  });
});

describe('OAuth2Client.authorize placement and transport security', () => {
  const client = (
    tokenPlacement: 'header' | 'body' | 'uri' = 'header',
    allowInsecureTransport = false,
  ) =>
    new OAuth2Client({
      clientId: 'app',
      token: { access_token: 'tok', token_type: 'bearer' },
      tokenPlacement,
      allowInsecureTransport,
      transport,
    });

  it('places the token as configured', async () => {
    expect((await client('uri').authorize(get('https://api.example.com/'))).url).toBe(
      'https://api.example.com/?access_token=tok',
    );
    expect((await client('body').authorize(form('q=1'))).body).toBe('q=1&access_token=tok');
  });

  it('refuses plain http, and http to loopback unless allowed', async () => {
    await expect(client().authorize(get('http://api.example.com/'))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    await expect(client().authorize(get('http://127.0.0.1:8080/'))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    await expect(
      client('header', true).authorize(get('http://api.example.com/')),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    const ok = await client('header', true).authorize(get('http://127.0.0.1:8080/'));
    expect(ok.headers.get('authorization')).toBe('Bearer tok');
  });

  it("uses a subclass's own ensureActiveToken, and takes `token_type` in any case", async () => {
    class SharedCache extends OAuth2Client {
      override async ensureActiveToken(): Promise<OAuth2Token> {
        return OAuth2Token.from({ access_token: 'from-cache', token_type: 'BEARER' });
      }
    }
    const c = new SharedCache({ clientId: 'app', transport });
    const out = await c.authorize(get('https://api.example.com/'));
    expect(out.headers.get('authorization')).toBe('Bearer from-cache');
  });

  it('refuses a non-bearer token type', async () => {
    const c = new OAuth2Client({
      clientId: 'app',
      token: { access_token: 't', token_type: 'mac' },
      transport,
    });
    await expect(c.authorize(get('https://api.example.com/'))).rejects.toThrow(/only Bearer/);
  });

  it('refuses insecure endpoints at construction and per call', async () => {
    expect(
      () =>
        new OAuth2Client({
          clientId: 'a',
          tokenEndpoint: 'http://as.example.com/token',
          transport,
        }),
    ).toThrow(InsecureTransportError);
    const c = new OAuth2Client({ clientId: 'a', transport });
    await expect(c.fetchToken('http://as.example.com/token', {})).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    await expect(c.revokeToken('http://127.0.0.1/revoke', 'tok')).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
  });
});

describe('OAuth2Auth', () => {
  it('places a bare token (string or token object), never refreshes', async () => {
    const auth = new OAuth2Auth('abc');
    expect(
      (await auth.authorize(get('https://api.example.com/'))).headers.get('authorization'),
    ).toBe('Bearer abc');
    const body = new OAuth2Auth(
      { access_token: 'xyz', token_type: 'Bearer', expires_at: 1 },
      { tokenPlacement: 'body' },
    );
    expect((await body.authorize(form('a=1'))).body).toBe('a=1&access_token=xyz');
    expect('retry' in body).toBe(false);
  });

  it('enforces https unless loopback is allowed', async () => {
    await expect(new OAuth2Auth('abc').authorize(get('http://localhost/'))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    const ok = await new OAuth2Auth('abc', { allowInsecureTransport: true }).authorize(
      get('http://localhost/'),
    );
    expect(ok.headers.get('authorization')).toBe('Bearer abc');
  });

  it('validates its arguments', () => {
    expect(() => new OAuth2Auth('')).toThrow(InvalidArgumentError);
    expect(() => new OAuth2Auth({ access_token: 'a', token_type: 'mac' })).toThrow(/only Bearer/);
    expect(() => new OAuth2Auth('a', { tokenPlacement: 'cookie' as never })).toThrow(
      /tokenPlacement/,
    );
  });
});
