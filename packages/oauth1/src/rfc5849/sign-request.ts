/**
 * Signing one request (RFC 5849 3.1): the protocol parameters, the signature
 * base string, the signature, and the request rewritten with them in the
 * header, the query or the body. A pure transform: the nonce and timestamp
 * are inputs, so results are reproducible.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.1
 */
import {
  assertSecureTransport,
  cloneRequest,
  type HttpRequest,
  InvalidArgumentError,
  type ParamList,
  type TransportSecurityOptions,
} from '@x/core';
import {
  baseStringOf,
  encodePair,
  formBodyOf,
  normalizeEncoded,
  parametersOf,
  parseRequestUrl,
} from './base-string.js';
import { computeBodyHash } from './body-hash.js';
import type { RsaPrivateKeyInput } from './keys.js';
import {
  appendBodyParameters,
  appendQueryParameters,
  assertValidRealm,
  authorizationHeaderOf,
  removeQueryParameters,
  SIGNATURE_TYPES,
  type SignatureType,
} from './parameters.js';
import {
  getSignatureMethod,
  type SignatureMethod,
  type SignatureMethodName,
} from './signature-methods.js';

/** The credentials a request is signed with. */
export interface OAuth1Credentials {
  /** The client identifier, sent as `oauth_consumer_key`. */
  clientId: string;
  /** The client shared-secret (HMAC, PLAINTEXT). @defaultValue '' */
  clientSecret?: string | undefined;
  /** The temporary or token credentials identifier, sent as `oauth_token`. */
  token?: string | undefined;
  /** The matching shared-secret. @defaultValue '' */
  tokenSecret?: string | undefined;
  /** The client's RSA private key (RSA-SHA1/256/512): PEM PKCS#8 or PKCS#1, JWK, or CryptoKey. */
  rsaKey?: RsaPrivateKeyInput | undefined;
}

/** How requests are signed; the options `OAuth1Auth` and `OAuth1Client` share. */
export interface OAuth1SigningOptions extends OAuth1Credentials, TransportSecurityOptions {
  /** The callback URI, sent as `oauth_callback` (temporary credentials requests). */
  redirectUri?: string | undefined;
  /** The verification code, sent as `oauth_verifier` (token requests). */
  verifier?: string | undefined;
  /** @defaultValue 'HMAC-SHA1' */
  signatureMethod?: SignatureMethodName | undefined;
  /** Where the protocol parameters go. @defaultValue 'HEADER' */
  signatureType?: SignatureType | undefined;
  /** The `realm` of the `Authorization` header (HEADER only; never signed). */
  realm?: string | undefined;
  /**
   * Protect a text body that is not form-encoded (JSON, XML, ...) with
   * `oauth_body_hash` (OAuth Request Body Hash). Authlib's
   * `force_include_body`. Form bodies are always signed; opaque bodies
   * (FormData, Blob, streams) are never hashed.
   * @defaultValue false
   */
  forceIncludeBody?: boolean | undefined;
}

/** The per-request values of a signature. */
export interface SigningValues {
  /** `oauth_nonce`: unique per timestamp, client and token. */
  nonce: string;
  /** `oauth_timestamp`: seconds since the epoch. */
  timestamp: number | string;
  /** Send `oauth_version="1.0"` (optional in RFC 5849 3.1). @defaultValue true */
  includeVersion?: boolean | undefined;
}

/**
 * Checks signing options once, so that mistakes fail at construction rather
 * than on the first request. Returns the signature method.
 *
 * @throws InvalidArgumentError
 * @example const method = resolveSigningOptions({ clientId: 'c', signatureMethod: 'HMAC-SHA256' })
 */
export function resolveSigningOptions(options: OAuth1SigningOptions): SignatureMethod {
  if (typeof options?.clientId !== 'string' || options.clientId.length === 0) {
    throw new InvalidArgumentError('clientId must be a non-empty string');
  }
  for (const name of ['clientSecret', 'token', 'tokenSecret', 'redirectUri', 'verifier'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidArgumentError(`${name} must be a string`);
    }
  }
  const name = options.signatureMethod ?? 'HMAC-SHA1';
  const method = getSignatureMethod(name);
  if (!method) throw new InvalidArgumentError(`unknown signature method ${name}`);
  if (method.usesRsaKey === true && options.rsaKey === undefined) {
    throw new InvalidArgumentError(`${name} needs rsaKey, the client's RSA private key`);
  }
  const type = options.signatureType ?? 'HEADER';
  if (!SIGNATURE_TYPES.includes(type)) {
    throw new InvalidArgumentError(`signatureType must be HEADER, QUERY or BODY, not ${type}`);
  }
  if (options.realm !== undefined) assertValidRealm(options.realm);
  return method;
}

/** The protocol parameters of a request, in the order RFC 5849 lists them. */
function protocolParameters(options: OAuth1SigningOptions, values: SigningValues): ParamList {
  const params: ParamList = [['oauth_consumer_key', options.clientId]];
  if (options.token !== undefined && options.token.length > 0) {
    params.push(['oauth_token', options.token]);
  }
  params.push(
    ['oauth_signature_method', options.signatureMethod ?? 'HMAC-SHA1'],
    ['oauth_timestamp', String(values.timestamp)],
    ['oauth_nonce', values.nonce],
  );
  if (values.includeVersion !== false) params.push(['oauth_version', '1.0']);
  if (options.redirectUri !== undefined) params.push(['oauth_callback', options.redirectUri]);
  if (options.verifier !== undefined) params.push(['oauth_verifier', options.verifier]);
  return params;
}

/** Whether the request's own parameter `name` is one that signing adds. */
function isProtocolParameter(name: string, oauth: ParamList): boolean {
  return name === 'oauth_signature' || oauth.some(([added]) => added === name);
}

/**
 * Signs `request` with the given nonce and timestamp and returns a copy
 * carrying the protocol parameters and `oauth_signature` in the
 * `Authorization` header, the query, or the form body (`signatureType`).
 *
 * - Signed: the method, the base string URI, the query, a form-encoded text
 *   body (`application/x-www-form-urlencoded`, any charset) and the protocol
 *   parameters (RFC 5849 3.4.1). Other bodies are covered only by
 *   `oauth_body_hash`, with `forceIncludeBody`.
 * - `BODY` needs a form-encoded (or empty) text body and a method with body
 *   semantics (not GET or HEAD).
 * - PLAINTEXT, which sends the secrets themselves, is refused on anything but
 *   https (or loopback http with `allowInsecureTransport`).
 *
 * Most code wants {@link OAuth1Auth}, which draws a fresh nonce and
 * timestamp per request; this function is for reproducible signatures
 * (tests, fixed vectors).
 *
 * @throws InvalidArgumentError, InsecureTransportError
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.1
 * @example
 * const signed = await signRequest(
 *   { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original', headers: new Headers() },
 *   { clientId: 'dpf43f3p2l4k3l03', clientSecret: 'kd94hf93k423kf44',
 *     token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00', realm: 'Photos' },
 *   { nonce: 'chapoH', timestamp: 137131202, includeVersion: false },
 * )
 * signed.headers.get('authorization') // 'OAuth realm="Photos", ..., oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"'
 */
export async function signRequest(
  input: HttpRequest,
  options: OAuth1SigningOptions,
  values: SigningValues,
): Promise<HttpRequest> {
  let request = input;
  const method = resolveSigningOptions(options);
  const type = options.signatureType ?? 'HEADER';
  if (method.requiresSecureTransport === true) assertSecureTransport(request.url, options);

  const form = formBodyOf(request);
  const hasBody = request.opaqueBody === true || (request.body ?? '').length > 0;
  if (type === 'BODY') {
    const verb = request.method.toUpperCase();
    if (verb === 'GET' || verb === 'HEAD') {
      throw new InvalidArgumentError(`signatureType BODY cannot be used with ${verb} requests`);
    }
    if (hasBody && form === undefined) {
      throw new InvalidArgumentError(
        'signatureType BODY needs an application/x-www-form-urlencoded text body',
      );
    }
  }

  const oauth = protocolParameters(options, values);
  const bodyHash = method.bodyHash;
  if (
    options.forceIncludeBody === true &&
    bodyHash !== undefined &&
    form === undefined &&
    request.opaqueBody !== true &&
    request.body !== undefined &&
    request.body.length > 0
  ) {
    oauth.push(['oauth_body_hash', await computeBodyHash(request.body, bodyHash)]);
  }

  if (type === 'QUERY') {
    // Re-signing a request that went out with QUERY (a redirect hop that kept
    // the query): the earlier protocol parameters give way to the new ones.
    const added = new Set(oauth.map(([name]) => name)).add('oauth_signature');
    request = { ...request, url: removeQueryParameters(request.url, added) };
  }
  const target = parseRequestUrl(request.url);
  const own = parametersOf(target, form);
  const clash = own.find(([name]) => name.startsWith('oauth_') && isProtocolParameter(name, oauth));
  if (clash) {
    throw new InvalidArgumentError(
      `the request already carries ${clash[0]}; protocol parameters must appear once`,
    );
  }

  // Each parameter is encoded once, for the base string and the header alike.
  const encodedOauth = oauth.map(([name, value]) => encodePair(name, value));
  const encoded = own.map(([name, value]) => encodePair(name, value));
  encoded.push(...encodedOauth);
  const baseString = baseStringOf(request.method, target, normalizeEncoded(encoded));
  const pending = method.sign(baseString, {
    clientSecret: options.clientSecret ?? '',
    tokenSecret: options.tokenSecret ?? '',
    rsaKey: options.rsaKey,
  });
  // A synchronous method (HMAC on Node) costs no extra turn of the event loop.
  const signature = typeof pending === 'string' ? pending : await pending;
  oauth.push(['oauth_signature', signature]);

  const signed = cloneRequest(request);
  if (type === 'HEADER') {
    encodedOauth.push(encodePair('oauth_signature', signature));
    signed.headers.set('authorization', authorizationHeaderOf(encodedOauth, options.realm));
  } else if (type === 'QUERY') {
    signed.url = appendQueryParameters(request.url, oauth);
  } else {
    signed.body = appendBodyParameters(form, oauth);
    if (form === undefined) {
      signed.headers.set('content-type', 'application/x-www-form-urlencoded');
    }
  }
  return signed;
}
