/**
 * id_token validations/s (issue 6): one RS256 id_token, signature checked,
 * with the provider's JWKS held locally (nothing goes over the network):
 *
 * - jose `jwtVerify` with `createLocalJWKSet` (the limit): signature, `alg`
 *   RS256 only, iss, aud, exp, iat/exp/sub/nonce required, nonce compared;
 * - @x/oidc `validateIdToken` with `localKeySet(jwks)`, and with a
 *   `RemoteKeySet` warmed before the rounds (its keys cached; the in-memory
 *   transport behind it must see exactly one request);
 * - oauth4webapi: `processAuthorizationCodeResponse` (claims, nonce) on a
 *   token-endpoint `Response` carrying the id_token, then
 *   `validateApplicationLevelSignature` (the signature: oauth4webapi never
 *   checks an id_token signature from the token endpoint by itself) with the
 *   JWKS given through its `jwksCache` option. A `Response` body can be read
 *   once, so each call builds one from the prepared JSON text;
 * - openid-client v6: `implicitAuthentication` (a `Configuration` with
 *   `useIdTokenResponseType`, the JWKS through `setJwksCache`) — its one
 *   call that validates an id_token on its own, signature always on — and,
 *   for information, `authorizationCodeGrant` with
 *   `enableNonRepudiationChecks` (signature on) against a `customFetch` that
 *   answers the token request from memory (so it also builds the token
 *   request). A `customFetch` serves the JWKS from memory too, and must
 *   never be asked for it.
 *
 * `setup` checks every validator accepts the token and refuses a tampered
 * one (payload changed after signing) and validly signed tokens with another
 * nonce, audience or issuer, an expired one and one without sub.
 *
 * Target: validateIdToken ≥ 1.5× openid-client.
 */
import type { HttpResponse, Transport } from '@x/core';
import { localKeySet, RemoteKeySet, validateIdToken } from '@x/oidc';
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import {
  badTokens,
  CLIENT_ID,
  ISSUER,
  idToken,
  JWKS,
  JWKS_URI,
  NONCE,
  REDIRECT_URI,
  TOKEN_ENDPOINT,
  tampered,
} from '../fixtures/id-token.js';
import type { Group } from '../harness.js';

const JOSE = 'jose jwtVerify + createLocalJWKSet';
const OURS_LOCAL = '@x/oidc validateIdToken, localKeySet';
const OURS_REMOTE = '@x/oidc validateIdToken, RemoteKeySet (warm)';
const OAUTH4 = 'oauth4webapi processAuthorizationCodeResponse + signature';
const OPENID_IMPLICIT = 'openid-client implicitAuthentication';
const OPENID_CODE = 'openid-client authorizationCodeGrant + non-repudiation';

const JSON_HEADERS = { 'content-type': 'application/json' };
const JWKS_TEXT = JSON.stringify(JWKS);

type Validate = (token: string) => Promise<unknown>;

/** Runs every validator on the measured token and on each bad one: accepted, and refused. */
async function checkValidators(good: string, validators: Record<string, Validate>): Promise<void> {
  const bad = { 'tampered payload': tampered(good), ...(await badTokens()) };
  for (const [name, validate] of Object.entries(validators)) {
    try {
      await validate(good);
    } catch (error) {
      throw new Error(`id_token: ${name} refused the valid token`, { cause: error });
    }
    for (const [what, token] of Object.entries(bad)) {
      const accepted = await validate(token).then(
        () => true,
        () => false,
      );
      if (accepted) throw new Error(`id_token: ${name} accepted a token with ${what}`);
    }
  }
}

export function oidcIdTokenGroups(): Group[] {
  /** The token every task validates; signed in `setup`, so it is fresh however long earlier suites ran. */
  let token = '';

  // ---- jose, the limit -------------------------------------------------------
  const joseKeys = createLocalJWKSet(JWKS);
  const joseValidate: Validate = async (jwt) => {
    const { payload } = await jwtVerify(jwt, joseKeys, {
      issuer: ISSUER,
      audience: CLIENT_ID,
      algorithms: ['RS256'],
      requiredClaims: ['iat', 'exp', 'sub', 'nonce'],
      clockTolerance: 30,
    });
    if (payload.nonce !== NONCE) throw new Error('nonce mismatch');
    return payload;
  };

  // ---- @x/oidc ---------------------------------------------------------------
  const local = localKeySet(JWKS);
  let jwksFetches = 0;
  const jwksTransport: Transport = async (request) => {
    if (request.url !== JWKS_URI) throw new Error(`unexpected request to ${request.url}`);
    jwksFetches++;
    const response: HttpResponse = {
      status: 200,
      headers: new Headers(JSON_HEADERS),
      body: JWKS_TEXT,
    };
    return response;
  };
  const remote = new RemoteKeySet(JWKS_URI, { transport: jwksTransport });
  const ours =
    (keys: typeof local): Validate =>
    (jwt) =>
      validateIdToken(jwt, { issuer: ISSUER, clientId: CLIENT_ID, keys, nonce: NONCE });
  const oursLocal = ours(local);
  const oursRemote = ours(remote);

  // ---- oauth4webapi ------------------------------------------------------------
  const as: oauth.AuthorizationServer = {
    issuer: ISSUER,
    jwks_uri: JWKS_URI,
    token_endpoint: TOKEN_ENDPOINT,
  };
  const client: oauth.Client = { client_id: CLIENT_ID };
  /** A token endpoint's response body carrying the id_token. */
  const tokenResponseText = (jwt: string) =>
    JSON.stringify({
      access_token: 'at-bench',
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: jwt,
    });
  /** The id_token the in-memory token endpoint returns (openid-client's code grant). */
  let currentToken = '';
  let peerJwksFetches = 0;
  const peerFetch = async (url: string): Promise<Response> => {
    if (url === JWKS_URI) {
      peerJwksFetches++;
      return new Response(JWKS_TEXT, { headers: JSON_HEADERS });
    }
    if (url === TOKEN_ENDPOINT) {
      return new Response(tokenResponseText(currentToken), { headers: JSON_HEADERS });
    }
    throw new Error(`unexpected request to ${url}`);
  };
  /** The JWKS as oauth4webapi's cache holds it; fresh for 300 s from `uat`, so filled in `setup`. */
  const jwksCache = (): oauth.ExportedJWKSCache => ({
    jwks: structuredClone(JWKS) as oauth.JWKS,
    uat: Math.floor(Date.now() / 1000),
  });
  let oauth4Cache: oauth.ExportedJWKSCache = jwksCache();
  const oauth4Validate: Validate = async (jwt) => {
    const response = new Response(tokenResponseText(jwt), { headers: JSON_HEADERS });
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: NONCE,
    });
    await oauth.validateApplicationLevelSignature(as, response, {
      [oauth.jwksCache]: oauth4Cache,
      [oauth.customFetch]: peerFetch,
    });
    return oauth.getValidatedIdTokenClaims(result);
  };

  // ---- openid-client -----------------------------------------------------------
  const server: openid.ServerMetadata = {
    issuer: ISSUER,
    jwks_uri: JWKS_URI,
    token_endpoint: TOKEN_ENDPOINT,
    id_token_signing_alg_values_supported: ['RS256'],
  };
  const implicitConfig = new openid.Configuration(server, CLIENT_ID);
  openid.useIdTokenResponseType(implicitConfig);
  implicitConfig[openid.customFetch] = peerFetch;
  /** Prepared callback URLs, one per token (the one measured, and the setup's good and bad ones). */
  const implicitUrls = new Map<string, URL>();
  const callbackUrl = (jwt: string) => {
    let url = implicitUrls.get(jwt);
    if (url === undefined) {
      url = new URL(`${REDIRECT_URI}#id_token=${jwt}`);
      implicitUrls.set(jwt, url);
    }
    return url;
  };
  const openidImplicit: Validate = (jwt) =>
    openid.implicitAuthentication(implicitConfig, callbackUrl(jwt), NONCE);

  const codeConfig = new openid.Configuration(server, CLIENT_ID, undefined, openid.None());
  openid.enableNonRepudiationChecks(codeConfig);
  codeConfig[openid.customFetch] = peerFetch;
  const codeUrl = new URL(`${REDIRECT_URI}?code=bench-code`);
  const openidCode: Validate = async (jwt) => {
    currentToken = jwt;
    const tokens = await openid.authorizationCodeGrant(codeConfig, codeUrl, {
      expectedNonce: NONCE,
      pkceCodeVerifier: 'bench-code-verifier-bench-code-verifier-0123',
    });
    return tokens.claims();
  };

  return [
    {
      title: 'id_token validation — RS256 (2048-bit key), signature checked, JWKS held locally',
      baseline: { name: JOSE, fn: () => joseValidate(token) },
      candidates: [
        { name: OURS_LOCAL, fn: () => oursLocal(token) },
        { name: OURS_REMOTE, fn: () => oursRemote(token) },
        { name: OAUTH4, fn: () => oauth4Validate(token) },
        { name: OPENID_IMPLICIT, fn: () => openidImplicit(token) },
        { name: OPENID_CODE, fn: () => openidCode(token) },
      ],
      reference: { task: OPENID_IMPLICIT, label: 'openid-client' },
      rounds: 11,
      time: 500,
      interval: true,
      note: 'target: validateIdToken ≥ 1.5× openid-client (implicitAuthentication)',
      setup: async () => {
        token = await idToken();
        oauth4Cache = jwksCache();
        openid.setJwksCache(implicitConfig, jwksCache());
        openid.setJwksCache(codeConfig, jwksCache());
        await remote.keysFor({ alg: 'RS256', kid: JWKS.keys[0]?.kid }); // warm: one fetch
        await checkValidators(token, {
          [JOSE]: joseValidate,
          [OURS_LOCAL]: oursLocal,
          [OURS_REMOTE]: oursRemote,
          [OAUTH4]: oauth4Validate,
          [OPENID_IMPLICIT]: openidImplicit,
          [OPENID_CODE]: openidCode,
        });
        currentToken = token;
      },
      teardown: () => {
        if (jwksFetches !== 1)
          throw new Error(`RemoteKeySet fetched the JWKS ${jwksFetches} times`);
        if (peerJwksFetches !== 0) {
          throw new Error(`oauth4webapi/openid-client fetched the JWKS ${peerJwksFetches} times`);
        }
      },
    },
  ];
}
