import { InvalidArgumentError } from '@x/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fromServiceAccountKey,
  type ServiceAccountKey,
  serviceAccountOptions,
} from '../src/index.js';
import {
  expectNoSecrets,
  get,
  JWT_BEARER,
  ManualClock,
  rsaKey,
  startTokenServer,
  type TokenServer,
  transport,
} from './support.js';

// fromServiceAccountKey with a generated key against a loopback token
// endpoint that verifies the assertion with jose.

const EMAIL = 'robot@my-project.iam.gserviceaccount.com';
const key = rsaKey();
let clock: ManualClock;
let server: TokenServer;

beforeEach(async () => {
  clock = new ManualClock();
  server = await startTokenServer({ publicKey: key.publicKey, issuer: EMAIL, clock });
});

afterEach(() => server.close());

function keyFile(changes: Record<string, unknown> = {}): ServiceAccountKey {
  return {
    type: 'service_account',
    project_id: 'my-project',
    private_key_id: '1f2e3d4c5b6a',
    private_key: key.privatePem,
    client_email: EMAIL,
    client_id: '1234567890',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: server.tokenEndpoint,
    ...changes,
  } as ServiceAccountKey;
}

describe('fromServiceAccountKey', () => {
  it('signs as the service account: iss, aud = token_uri, kid, scope as a claim', async () => {
    const client = fromServiceAccountKey(JSON.stringify(keyFile()), {
      scope: ['https://www.googleapis.com/auth/cloud-platform', 'openid'],
      transport,
      clock,
      allowInsecureTransport: true,
    });
    const request = await client.authorize(get(`${server.origin}/resource`));
    expect(request.headers.get('authorization')).toBe('Bearer at-1');

    const [call] = server.calls;
    expect(call?.header).toEqual({ alg: 'RS256', kid: '1f2e3d4c5b6a' });
    expect(call?.payload).toMatchObject({
      iss: EMAIL,
      aud: server.tokenEndpoint,
      scope: 'https://www.googleapis.com/auth/cloud-platform openid',
    });
    expect(call?.payload?.sub).toBeUndefined();
    // Google's request: grant_type and assertion only.
    expect([...(call?.params.keys() ?? [])].sort()).toEqual(['assertion', 'grant_type']);
    expect(call?.params.get('grant_type')).toBe(JWT_BEARER);
  });

  it('impersonates a user with subject (domain-wide delegation)', async () => {
    const client = fromServiceAccountKey(keyFile(), {
      subject: 'alice@example.com',
      transport,
      clock,
      allowInsecureTransport: true,
    });
    await client.fetchToken();
    expect(server.calls[0]?.payload?.sub).toBe('alice@example.com');
    expect(server.calls[0]?.payload?.scope).toBeUndefined();
  });

  it("keeps the caller's other options", () => {
    const options = serviceAccountOptions(keyFile(), {
      scope: 'a',
      claims: { extra: 1 },
      leeway: 120,
      transport,
    });
    expect(options).toMatchObject({
      tokenEndpoint: server.tokenEndpoint,
      audience: server.tokenEndpoint,
      issuer: EMAIL,
      alg: 'RS256',
      kid: '1f2e3d4c5b6a',
      leeway: 120,
      claims: { extra: 1, scope: 'a' },
    });
  });

  it('refuses what is not a service-account key, never echoing the private key', () => {
    const cases: Array<[string | ServiceAccountKey, RegExp]> = [
      [`${JSON.stringify(keyFile()).slice(0, -1)},}`, /not valid JSON/],
      ['[]', /must be an object/],
      [keyFile({ type: 'authorized_user' }), /not "service_account"/],
      [keyFile({ client_email: undefined }), /has no client_email/],
      [keyFile({ private_key: '' }), /has no private_key/],
      [keyFile({ token_uri: undefined }), /has no token_uri/],
    ];
    for (const [json, message] of cases) {
      let error: unknown;
      try {
        fromServiceAccountKey(json, { transport });
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expectNoSecrets(error, [key.privatePem.split('\n')[1] as string]);
    }
  });
});
