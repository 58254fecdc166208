import { OAuth2ResponseError } from '@x/core';
import { type AuthorizationServerMetadata, OAuth2Client } from '@x/oauth2';
import { type AuthorizationServer, startAuthorizationServer } from '@x/testing';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JWT_BEARER_GRANT_TYPE,
  jwtBearerGrant,
  jwtBearerGrantParams,
  PrivateKeyJWT,
  signJwtBearerAssertion,
} from '../src/index.js';
import {
  ecKeyPair,
  expectNoSecrets,
  recordingTransport,
  rejectionOf,
  rsaKeyPair,
} from './support.js';

// The JWT-bearer authorization grant (RFC 7523 2.1) against oidc-provider,
// with the grant registered by this test: its handler verifies the assertion
// with jose and issues an access token through the provider's models.

const IDP = 'https://idp.example.com';
const idpKey = ecKeyPair('P-256'); // the key of the party that issues assertions
const clientKey = rsaKeyPair(); // the client's own key, for private_key_jwt
let as: AuthorizationServer;
let metadata: AuthorizationServerMetadata;
/** Every assertion the server's handler accepted. */
const accepted: Array<Record<string, unknown>> = [];

/** The slice of oidc-provider's Koa context and models the handler uses. */
interface GrantContext {
  oidc: { params: Record<string, string | undefined>; client: { clientId: string } };
  status: number;
  body: unknown;
}
interface ProviderWithGrants {
  registerGrantType(
    name: string,
    handler: (ctx: GrantContext) => Promise<void>,
    params: string[],
  ): void;
  AccessToken: new (properties: {
    accountId: string;
    client: unknown;
    scope?: string | undefined;
    gty: string;
  }) => { save(): Promise<string>; expiration: number };
}

beforeAll(async () => {
  as = await startAuthorizationServer({
    clients: {
      bearer: {
        client_id: 'bearer-client',
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: [JWT_BEARER_GRANT_TYPE],
        response_types: [],
        redirect_uris: [],
        jwks: { keys: [{ ...clientKey.publicJwk, kid: 'client-1', use: 'sig' }] },
      },
    },
  });
  const provider = as.provider as unknown as ProviderWithGrants;
  provider.registerGrantType(
    JWT_BEARER_GRANT_TYPE,
    async (ctx) => {
      const { assertion, scope } = ctx.oidc.params;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(assertion ?? '', idpKey.publicKey, {
          algorithms: ['ES256'],
          issuer: IDP,
          audience: as.endpoints.token,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          maxTokenAge: 300,
        }));
      } catch (error) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant', error_description: (error as Error).message };
        return;
      }
      accepted.push(payload);
      const token = new provider.AccessToken({
        accountId: payload.sub as string,
        client: ctx.oidc.client,
        scope,
        gty: JWT_BEARER_GRANT_TYPE,
      });
      ctx.body = {
        access_token: await token.save(),
        token_type: 'Bearer',
        expires_in: token.expiration,
        ...(scope === undefined ? {} : { scope }),
      };
    },
    ['assertion', 'scope'],
  );
  metadata = (await (await fetch(as.endpoints.discovery)).json()) as AuthorizationServerMetadata;
});

afterAll(async () => {
  expect(as.serverErrors).toEqual([]);
  await as.close();
});

function bearerClient(transport: ReturnType<typeof recordingTransport>['transport']): OAuth2Client {
  return new OAuth2Client({
    clientId: 'bearer-client',
    clientSecret: clientKey.privatePem,
    tokenEndpointAuthMethod: new PrivateKeyJWT({ kid: 'client-1' }),
    metadata,
    allowInsecureTransport: true,
    transport,
  });
}

describe('the JWT-bearer grant against oidc-provider', () => {
  it("obtains a token for the assertion's subject", async () => {
    const { transport, sent } = recordingTransport();
    const client = bearerClient(transport);
    const assertion = await signJwtBearerAssertion({
      issuer: IDP,
      subject: 'alice',
      audience: as.endpoints.token,
      key: idpKey.privatePem,
      alg: 'ES256',
    });
    const token = await client.fetchToken({ grantType: JWT_BEARER_GRANT_TYPE, assertion });
    expect(token.token_type).toBe('Bearer');
    expect(token.expires_at).toBeGreaterThan(Date.now() / 1000);

    const params = sent[0]?.params;
    expect(params?.get('grant_type')).toBe(JWT_BEARER_GRANT_TYPE);
    expect(params?.get('assertion')).toBe(assertion);
    expect(accepted.at(-1)).toMatchObject({ iss: IDP, sub: 'alice', aud: as.endpoints.token });

    // The server vouches for the token: active, for alice, issued to this client.
    await expect(client.introspectToken(undefined, token)).resolves.toMatchObject({
      active: true,
      sub: 'alice',
      client_id: 'bearer-client',
    });
  });

  it('jwtBearerGrant signs and sends the scope', async () => {
    const { transport, sent } = recordingTransport();
    const client = bearerClient(transport);
    const params = await jwtBearerGrant({
      issuer: IDP,
      subject: 'bob',
      audience: as.endpoints.token,
      key: idpKey.privateJwk,
      alg: 'ES256',
      scope: ['api:read'],
    });
    expect(params).toEqual({
      grantType: JWT_BEARER_GRANT_TYPE,
      assertion: expect.any(String),
      scope: 'api:read',
    });
    const token = await client.fetchToken(params);
    expect(token.scope).toBe('api:read');
    expect(sent[0]?.params.get('scope')).toBe('api:read');
    expect(decodeJwt(params.assertion).sub).toBe('bob');
  });

  it('an assertion the server cannot verify is invalid_grant, and the error holds no assertion', async () => {
    const { transport } = recordingTransport();
    const client = bearerClient(transport);
    const forged = await signJwtBearerAssertion({
      issuer: IDP,
      subject: 'mallory',
      audience: as.endpoints.token,
      key: ecKeyPair('P-256').privatePem,
      alg: 'ES256',
    });
    const error = await rejectionOf(client.fetchToken(jwtBearerGrantParams(forged)));
    expect(OAuth2ResponseError.isInstance(error)).toBe(true);
    expect((error as OAuth2ResponseError).error).toBe('invalid_grant');
    expectNoSecrets(error, [forged]);
  });

  it('an expired assertion is invalid_grant', async () => {
    const { transport } = recordingTransport();
    const expired = await signJwtBearerAssertion({
      issuer: IDP,
      subject: 'alice',
      audience: as.endpoints.token,
      key: idpKey.privatePem,
      alg: 'ES256',
      clock: { now: () => Date.now() - 600_000 },
    });
    const error = await rejectionOf(
      bearerClient(transport).fetchToken(jwtBearerGrantParams(expired)),
    );
    expect((error as OAuth2ResponseError).error).toBe('invalid_grant');
  });
});
