import { cloneRequest, type HttpRequest, InvalidArgumentError, isFormContentType } from '@x/core';
import { type ClientAuthContext, setFormParams } from '@x/oauth2';
import type { SigningAlgorithm } from './algorithms.js';
import {
  assertExtraClaims,
  assertExtraHeaders,
  assertLifetime,
  signAssertion,
} from './assertion.js';
import type { SigningKey } from './keys.js';

/**
 * What `ClientSecretJWT` and `PrivateKeyJWT` share: the audience rule, the
 * option checks, and how the assertion goes into the request (RFC 7523 2.2).
 */

/** The `client_assertion_type` of a JWT client assertion (RFC 7523 2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Who the assertion is addressed to (`aud`):
 * - `tokenEndpoint` (default): the `tokenEndpoint` given to the method, else
 *   the client's token endpoint (or, without one, the URL of the request);
 * - `issuer`: the authorization server's issuer identifier, from the
 *   client's `metadata.issuer` (what draft-ietf-oauth-rfc7523bis recommends).
 */
export type ClientAssertionAudience = 'tokenEndpoint' | 'issuer';

/** Options both JWT client-authentication methods take. */
export interface JWTClientAuthOptions {
  /** More claims for the assertion. May not set `iss`, `sub`, `aud`, `exp`, `iat` or `jti`. */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** More JOSE header parameters. May not set `alg`. */
  headers?: Readonly<Record<string, unknown>> | undefined;
  /** Seconds from `iat` to `exp`. @defaultValue 60 */
  expiresIn?: number | undefined;
  /** @defaultValue 'tokenEndpoint' */
  audience?: ClientAssertionAudience | undefined;
  /** `kid` header parameter. */
  kid?: string | undefined;
}

/** The checked settings of a JWT client-authentication method. */
export interface JWTClientAuthSettings {
  tokenEndpoint: string | undefined;
  audience: ClientAssertionAudience;
  claims: Readonly<Record<string, unknown>>;
  headers: Readonly<Record<string, unknown>>;
  expiresIn: number;
  kid: string | undefined;
}

/** Splits `(tokenEndpoint?, options?)` / `(options?)` and checks the shared options. */
export function jwtClientAuthSettings<T extends JWTClientAuthOptions>(
  first: string | URL | T | undefined,
  second: T | undefined,
  method: string,
): [JWTClientAuthSettings, Partial<T>] {
  let endpoint: string | undefined;
  let options: Partial<T>;
  if (typeof first === 'string' || first instanceof URL) {
    endpoint = String(first);
    if (!URL.canParse(endpoint)) {
      throw new InvalidArgumentError(`${method}: tokenEndpoint is not an absolute URL`);
    }
    options = second ?? {};
  } else if (first === undefined || first === null) {
    options = second ?? {};
  } else {
    options = first;
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${method}: options must be an object`);
  }
  const audience = options.audience ?? 'tokenEndpoint';
  if (audience !== 'tokenEndpoint' && audience !== 'issuer') {
    throw new InvalidArgumentError(`${method}: audience must be "tokenEndpoint" or "issuer"`);
  }
  if (options.kid !== undefined && (typeof options.kid !== 'string' || options.kid === '')) {
    throw new InvalidArgumentError('kid must be a non-empty string');
  }
  if (audience === 'issuer' && endpoint !== undefined) {
    throw new InvalidArgumentError(
      `${method}: pass either a tokenEndpoint (the audience) or audience: "issuer", not both`,
    );
  }
  return [
    {
      tokenEndpoint: endpoint,
      audience,
      claims: assertExtraClaims(options.claims),
      headers: assertExtraHeaders(options.headers),
      expiresIn: assertLifetime(options.expiresIn),
      kid: options.kid,
    },
    options,
  ];
}

/**
 * The `aud` of a client assertion: the issuer when configured so, else the
 * method's token endpoint, else the client's (`context.tokenEndpoint`).
 *
 * @throws InvalidArgumentError for `audience: 'issuer'` on a client without `metadata.issuer`.
 */
export function clientAssertionAudience(
  settings: Pick<JWTClientAuthSettings, 'tokenEndpoint' | 'audience'>,
  context: ClientAuthContext,
): string {
  if (settings.audience === 'issuer') {
    if (typeof context.issuer !== 'string' || context.issuer.length === 0) {
      throw new InvalidArgumentError(
        'audience "issuer" needs the issuer identifier: give the client metadata.issuer',
      );
    }
    return context.issuer;
  }
  return settings.tokenEndpoint ?? context.tokenEndpoint;
}

/**
 * Signs a fresh assertion for the client in `context` (`iss` = `sub` = client id)
 * and puts it in `request`: the part `ClientSecretJWT` and `PrivateKeyJWT` share
 * once each has found its key.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export async function authenticateWithAssertion(
  request: HttpRequest,
  context: ClientAuthContext,
  settings: JWTClientAuthSettings,
  key: SigningKey,
  alg: SigningAlgorithm,
): Promise<HttpRequest> {
  const assertion = await signAssertion({
    issuer: context.clientId,
    subject: context.clientId,
    audience: clientAssertionAudience(settings, context),
    key,
    alg,
    kid: settings.kid,
    claims: settings.claims,
    headers: settings.headers,
    expiresIn: settings.expiresIn,
    clock: context.clock,
  });
  return withClientAssertion(request, context.clientId, assertion);
}

/** Parameters the assertion replaces, and the secret it must not travel with. */
const REPLACED: readonly string[] = [
  'client_secret',
  'client_id',
  'client_assertion_type',
  'client_assertion',
];

/** `client_id=…&client_assertion_type=…`, form-encoded, for the last client id seen. */
let lastCredentials: { clientId: string; form: string } | undefined;

function credentialsForm(clientId: string): string {
  if (lastCredentials?.clientId !== clientId) {
    const form = new URLSearchParams([
      ['client_id', clientId],
      ['client_assertion_type', CLIENT_ASSERTION_TYPE],
    ]).toString();
    lastCredentials = { clientId, form };
  }
  return lastCredentials.form;
}

/**
 * `false` only when no parameter name of `form` can be one of {@link REPLACED}:
 * every name is plain (no percent-escapes) and none of them; the form does not
 * start with "?" or "#".
 */
function mayCarryReplaced(form: string): boolean {
  if (form.startsWith('?') || form.startsWith('#')) return true;
  for (const pair of form.split('&')) {
    const end = pair.indexOf('=');
    const name = end === -1 ? pair : pair.slice(0, end);
    if (name.includes('%') || REPLACED.includes(name)) return true;
  }
  return false;
}

/** Characters the form encoding leaves as they are: a compact JWS needs no escaping. */
const FORM_SAFE = /^[A-Za-z0-9._-]*$/;

/**
 * Returns `request` authenticated with a client assertion: `client_id`,
 * `client_assertion_type` and `client_assertion` in the form body; any
 * `client_secret` parameter and `Authorization` header removed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @example const out = withClientAssertion(request, 'client-id', jwt)
 */
export function withClientAssertion(
  request: HttpRequest,
  clientId: string,
  assertion: string,
): HttpRequest {
  const { body } = request;
  let out: HttpRequest;
  if (
    request.opaqueBody !== true &&
    body &&
    isFormContentType(request.headers.get('content-type'))
  ) {
    // The usual token request: the parameters the assertion replaces dropped
    // (the form decoded and encoded once, as formDecode reads it: a leading "?"
    // or "#" is not part of it; most forms have none of them and are kept as
    // they are), the new ones appended. Form encoding is pair by pair, so the
    // parts are encoded apart and joined with "&".
    let kept = body;
    if (mayCarryReplaced(body)) {
      const params = new URLSearchParams(
        body.startsWith('?') || body.startsWith('#') ? body.slice(1) : body,
      );
      for (const name of REPLACED) params.delete(name);
      kept = params.toString();
    }
    const credentials = credentialsForm(clientId);
    const head = kept === '' ? credentials : `${kept}&${credentials}`;
    const form = FORM_SAFE.test(assertion)
      ? `${head}&client_assertion=${assertion}`
      : `${head}&${new URLSearchParams([['client_assertion', assertion]]).toString()}`;
    out = cloneRequest(request, { body: form });
  } else {
    // No body, or one that is not a form: setFormParams adds the form or refuses.
    out = setFormParams(request, [
      ['client_id', clientId],
      ['client_assertion_type', CLIENT_ASSERTION_TYPE],
      ['client_assertion', assertion],
    ]);
  }
  out.headers.delete('authorization');
  return out;
}
