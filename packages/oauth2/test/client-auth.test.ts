import { cloneRequest, InvalidArgumentError } from '@x/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  basicCredentials,
  type ClientAuth,
  type ClientAuthContext,
  OAuth2Client,
  type OAuth2ClientOptions,
  setFormParams,
} from '../src/index.js';
import { ManualClock, sendJson, startServer, type TestServer, transport } from './support.js';

let as: TestServer;
beforeAll(async () => {
  as = await startServer((req, res) => {
    if (req.url === '/revoke' || req.url === '/introspect') {
      return sendJson(res, 200, { active: true });
    }
    sendJson(res, 200, { access_token: 'at', token_type: 'Bearer' });
  });
});
afterAll(() => as.close());
afterEach(() => {
  as.requests.length = 0;
});

function client(options: Partial<OAuth2ClientOptions>): OAuth2Client {
  return new OAuth2Client({
    clientId: 'app',
    tokenEndpoint: `${as.origin}/token`,
    metadata: {
      issuer: 'https://as.example.com',
      revocation_endpoint: `${as.origin}/revoke`,
      introspection_endpoint: `${as.origin}/introspect`,
    },
    token: { access_token: 'current', token_type: 'Bearer' },
    allowInsecureTransport: true,
    transport,
    ...options,
  });
}

describe('client_secret_basic (default with a secret)', () => {
  it('form-encodes id and secret before base64 (RFC 6749 2.3.1)', async () => {
    const clientId = 'id:with%odd chars/é';
    const clientSecret = 'sec:ret%+&=ü🔑';
    await client({ clientId, clientSecret }).fetchToken();
    const [req] = as.requests;
    const expected = Buffer.from(
      'id%3Awith%25odd%20chars%2F%C3%A9:sec%3Aret%25%2B%26%3D%C3%BC%F0%9F%94%91',
      'utf8',
    ).toString('base64');
    expect(req?.headers.authorization).toBe(`Basic ${expected}`);
    expect(req?.body).toBe('grant_type=client_credentials');
    // Decoding as the server does gets both values back intact.
    const decoded = Buffer.from(expected, 'base64').toString('utf8');
    const [id, secret] = decoded.split(':').map(decodeURIComponent);
    expect({ id, secret }).toEqual({ id: clientId, secret: clientSecret });
  });

  it('basicCredentials matches the documented example', () => {
    expect(basicCredentials('my:client', 'p%ss')).toBe('Basic bXklM0FjbGllbnQ6cCUyNXNz');
  });
});

describe('client_secret_post', () => {
  it('puts client_id and client_secret in the body, no Authorization header', async () => {
    await client({
      clientId: 'app id',
      clientSecret: 's&cr=t',
      tokenEndpointAuthMethod: 'client_secret_post',
    }).fetchToken({ scope: 'a' });
    const [req] = as.requests;
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.body).toBe(
      'grant_type=client_credentials&scope=a&client_id=app+id&client_secret=s%26cr%3Dt',
    );
  });
});

describe('none (default without a secret)', () => {
  it('puts only client_id in the body', async () => {
    await client({}).fetchToken({ code: 'c', redirectUri: 'https://app.example.com/cb' });
    const [req] = as.requests;
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.body).toBe(
      'grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&client_id=app',
    );
  });

  it('refuses basic or post without a secret at construction', () => {
    expect(() => client({ tokenEndpointAuthMethod: 'client_secret_basic' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => client({ tokenEndpointAuthMethod: 'client_secret_post' })).toThrow(
      /needs a clientSecret/,
    );
  });
});

describe('custom methods', () => {
  it('accepts a ClientAuth object and tells it about the client', async () => {
    const seen: ClientAuthContext[] = [];
    const clock = new ManualClock();
    const method: ClientAuth = {
      name: 'private_key_jwt',
      authenticate(request, context) {
        seen.push(context);
        return setFormParams(request, [
          ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
          ['client_assertion', `jwt-for-${context.clientId}`],
        ]);
      },
    };
    await client({ clientSecret: 's3cret', tokenEndpointAuthMethod: method, clock }).fetchToken();
    expect(as.requests[0]?.form).toEqual({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'jwt-for-app',
    });
    expect(seen[0]).toEqual({
      clientId: 'app',
      clientSecret: 's3cret',
      clock,
      tokenEndpoint: `${as.origin}/token`,
      issuer: 'https://as.example.com',
    });
  });

  it('accepts an async function', async () => {
    const method = vi.fn(async (request) => {
      const out = cloneRequest(request);
      out.headers.set('x-api-key', 'k');
      return out;
    });
    await client({ tokenEndpointAuthMethod: method }).fetchToken();
    expect(method).toHaveBeenCalledTimes(1);
    expect(as.requests[0]?.headers['x-api-key']).toBe('k');
  });

  it('resolves a name registered after construction, and refuses an unknown one', async () => {
    const c = client({ tokenEndpointAuthMethod: 'attest_jwt_client_auth' });
    await expect(c.fetchToken()).rejects.toThrow(
      /unknown client auth method "attest_jwt_client_auth"/,
    );
    expect(as.requests).toHaveLength(0);
    c.registerClientAuthMethod('attest_jwt_client_auth', (request, { clientId }) =>
      setFormParams(request, [['client_id', clientId]]),
    );
    await c.fetchToken();
    expect(as.requests[0]?.form.client_id).toBe('app');
  });
});

describe('revocation and introspection use their own methods', () => {
  it('revocationEndpointAuthMethod defaults to the token endpoint method', async () => {
    const c = client({ clientSecret: 'sec' });
    await c.revokeToken();
    expect(as.requests[0]?.headers.authorization).toBe(basicCredentials('app', 'sec'));
  });

  it('each endpoint authenticates with its configured method', async () => {
    const c = client({
      clientSecret: 'sec',
      tokenEndpointAuthMethod: 'client_secret_basic',
      revocationEndpointAuthMethod: 'client_secret_post',
      introspectionEndpointAuthMethod: 'none',
    });
    await c.fetchToken();
    await c.revokeToken();
    await c.introspectToken();
    const [token, revoke, introspect] = as.requests;
    expect(token?.headers.authorization).toBe(basicCredentials('app', 'sec'));
    expect(revoke?.headers.authorization).toBeUndefined();
    expect(revoke?.body).toBe('token=at&client_id=app&client_secret=sec');
    expect(introspect?.headers.authorization).toBeUndefined();
    expect(introspect?.body).toBe('token=at&client_id=app');
  });
});

describe('setFormParams', () => {
  it('replaces a parameter of the same name and refuses non-form bodies', () => {
    const base = {
      method: 'POST',
      url: 'https://as.example.com/token',
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'a=1&client_id=old',
    };
    expect(setFormParams(base, [['client_id', 'new']]).body).toBe('a=1&client_id=new');
    expect(base.body).toBe('a=1&client_id=old');
    const json = {
      ...base,
      headers: new Headers({ 'content-type': 'application/json' }),
      body: '{}',
    };
    expect(() => setFormParams(json, [['x', 'y']])).toThrow(InvalidArgumentError);
  });
});
