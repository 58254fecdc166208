/**
 * `verifySignature`: the server side of RFC 5849 3.2, for providers and
 * protected resources.
 */
import {
  type Clock,
  epochSeconds,
  type HttpRequest,
  InvalidArgumentError,
  isFormContentType,
  isLoopbackUrl,
  type ParamList,
  parseUrl,
  systemClock,
  type TransportSecurityOptions,
} from '@x/core';
import { OAuth1VerificationError } from './errors.js';
import { timingSafeEqual } from './lib/bytes.js';
import { MemoryNonceStore, type NonceStore } from './nonce-store.js';
import { formBodyOf, parseForm, signatureBaseString } from './rfc5849/base-string.js';
import { computeBodyHash } from './rfc5849/body-hash.js';
import type { RsaPublicKeyInput } from './rfc5849/keys.js';
import { parseAuthorizationHeader } from './rfc5849/parameters.js';
import { getSignatureMethod, type SignatureMethodName } from './rfc5849/signature-methods.js';

/** The keys a request is checked against. */
export interface VerificationCredentials {
  /** The client shared-secret (HMAC, PLAINTEXT). */
  clientSecret?: string | undefined;
  /** The secret of the request's `oauth_token`; '' when the request has none. */
  tokenSecret?: string | undefined;
  /** The client's RSA public key (RSA methods): SPKI/PKCS#1/certificate PEM, JWK or CryptoKey. */
  rsaPublicKey?: RsaPublicKeyInput | undefined;
}

/** The protocol parameters of a verified request (all but `oauth_signature`), decoded. */
export interface VerifiedOAuthParams {
  oauth_consumer_key: string;
  oauth_signature_method: string;
  oauth_token?: string | undefined;
  oauth_timestamp?: string | undefined;
  oauth_nonce?: string | undefined;
  oauth_version?: string | undefined;
  oauth_callback?: string | undefined;
  oauth_verifier?: string | undefined;
  oauth_body_hash?: string | undefined;
  [name: string]: string | undefined;
}

/**
 * Finds the keys of the client (and token) that signed a request. Return
 * `undefined` for an unknown client; throw an {@link OAuth1VerificationError}
 * to reject with your own problem (e.g. `token_rejected`).
 */
export type CredentialsLookup = (
  params: VerifiedOAuthParams,
) => Promise<VerificationCredentials | undefined> | VerificationCredentials | undefined;

/** Options of {@link verifySignature}. */
export interface VerifySignatureOptions extends VerificationCredentials, TransportSecurityOptions {
  /** Looks up the keys per request; overrides the static keys above. */
  lookup?: CredentialsLookup | undefined;
  /**
   * Records nonces to refuse replays. @defaultValue a process-wide
   * {@link MemoryNonceStore} (10,000 nonces, 600 s)
   */
  nonceStore?: NonceStore | undefined;
  /** How far `oauth_timestamp` may be from now, in seconds, either way. @defaultValue 300 */
  timestampWindow?: number | undefined;
  /** The source of "now". @defaultValue systemClock */
  clock?: Clock | undefined;
  /** The signature methods accepted. @defaultValue every registered method */
  signatureMethods?: readonly SignatureMethodName[] | undefined;
}

const defaultNonceStore = new MemoryNonceStore();

function reject(
  problem: string,
  status: 400 | 401,
  message: string,
  parameters?: Record<string, string>,
): OAuth1VerificationError {
  return new OAuth1VerificationError(problem, status, message, { parameters });
}

interface Located {
  /** Every parameter of the request, for the base string. */
  all: ParamList;
  /** The protocol parameters, by name (each appears once). */
  oauth: Map<string, string>;
}

/** Collects the parameters (RFC 5849 3.4.1.3.1) and enforces "one location, once" (3.5). */
function locate(request: HttpRequest): Located {
  let header: ParamList = [];
  try {
    header = parseAuthorizationHeader(request.headers.get('authorization'))?.params ?? [];
  } catch {
    throw reject('parameter_rejected', 400, 'malformed OAuth Authorization header');
  }
  const query: ParamList = [...parseUrl(request.url).searchParams];
  const form = formBodyOf(request);
  const body: ParamList = form === undefined ? [] : parseForm(form);
  const oauth = new Map<string, string>();
  let locations = 0;
  for (const source of [header, query, body]) {
    let here = false;
    for (const [name, value] of source) {
      if (!name.startsWith('oauth_')) continue;
      here = true;
      if (oauth.has(name)) {
        throw reject('parameter_rejected', 400, `duplicated protocol parameter ${name}`, {
          oauth_parameters_rejected: name,
        });
      }
      oauth.set(name, value);
    }
    if (here) locations++;
  }
  if (locations > 1) {
    throw reject('parameter_rejected', 400, 'protocol parameters in more than one location');
  }
  return { all: [...query, ...body, ...header], oauth };
}

function allowsPlaintext(url: string, options: TransportSecurityOptions): boolean {
  const parsed = parseUrl(url);
  if (parsed.protocol === 'https:') return true;
  return options.allowInsecureTransport === true && isLoopbackUrl(parsed);
}

/**
 * Verifies an OAuth 1.0a request (RFC 5849 3.2) and returns its protocol
 * parameters. Give it the request as the client sent it: the absolute URL
 * the client used (scheme and host as in the `Host` header, behind a proxy
 * too), the headers, and the body text for form-encoded bodies (or for
 * checking `oauth_body_hash`).
 *
 * Checks, in order: protocol parameters in one location (Authorization
 * header, query or form body) and none twice; the required ones present;
 * `oauth_version` 1.0; an accepted, registered signature method (PLAINTEXT
 * only over https); the timestamp within `timestampWindow`; the client's
 * keys (`lookup` or the static keys); `oauth_body_hash` when present; the
 * signature, compared in constant time; and last, the nonce (so unsigned
 * junk never fills the nonce store).
 *
 * @throws OAuth1VerificationError (`ERR_REQUEST_REJECTED`) with the
 * `status` (400/401) and `oauth_problem` to answer with.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.2
 * @example
 * const params = await verifySignature(request, {
 *   lookup: async ({ oauth_consumer_key, oauth_token }) => {
 *     const client = await db.clients.find(oauth_consumer_key)
 *     if (!client) return undefined
 *     const token = oauth_token ? await db.tokens.find(client.id, oauth_token) : undefined
 *     return { clientSecret: client.secret, tokenSecret: token?.secret ?? '' }
 *   },
 *   nonceStore,
 * })
 */
export async function verifySignature(
  request: HttpRequest,
  options: VerifySignatureOptions = {},
): Promise<VerifiedOAuthParams> {
  const window = options.timestampWindow ?? 300;
  if (!(window >= 0)) throw new InvalidArgumentError('timestampWindow must be a number ≥ 0');
  const { all, oauth } = locate(request);

  const methodName = oauth.get('oauth_signature_method');
  const required = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature'];
  if (methodName !== 'PLAINTEXT') required.push('oauth_timestamp', 'oauth_nonce');
  const absent = required.filter((name) => !oauth.has(name));
  if (absent.length > 0) {
    throw reject('parameter_absent', 400, `missing ${absent.join(', ')}`, {
      oauth_parameters_absent: absent.join('&'),
    });
  }
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    throw reject('version_rejected', 400, 'oauth_version must be 1.0', {
      oauth_acceptable_versions: '1.0-1.0',
    });
  }

  const name = methodName as string;
  const method = getSignatureMethod(name);
  const accepted = options.signatureMethods?.includes(name) ?? true;
  if (!method || !accepted || typeof method.verify !== 'function') {
    throw reject('signature_method_rejected', 400, `signature method ${name} is not accepted`);
  }
  if (method.requiresSecureTransport === true && !allowsPlaintext(request.url, options)) {
    throw reject('signature_method_rejected', 400, `${name} is only accepted over https`);
  }

  const timestamp = oauth.get('oauth_timestamp');
  if (timestamp !== undefined) {
    if (!/^[1-9]\d{0,14}$/.test(timestamp)) {
      throw reject('parameter_rejected', 400, 'oauth_timestamp must be a positive integer', {
        oauth_parameters_rejected: 'oauth_timestamp',
      });
    }
    const now = epochSeconds(options.clock ?? systemClock);
    if (Math.abs(now - Number(timestamp)) > window) {
      throw reject('timestamp_refused', 401, 'oauth_timestamp is outside the accepted window', {
        oauth_acceptable_timestamps: `${now - window}-${now + window}`,
      });
    }
  }

  const params = Object.fromEntries(
    [...oauth].filter(([key]) => key !== 'oauth_signature'),
  ) as VerifiedOAuthParams;
  const credentials = options.lookup ? await options.lookup({ ...params }) : options;
  if (credentials === undefined) {
    throw reject('consumer_key_unknown', 401, 'unknown client');
  }
  const keys = {
    clientSecret: credentials.clientSecret ?? '',
    tokenSecret: credentials.tokenSecret ?? '',
    rsaPublicKey: credentials.rsaPublicKey,
  };
  const usable =
    method.usesRsaKey === true
      ? keys.rsaPublicKey !== undefined
      : credentials.clientSecret !== undefined;
  if (!usable) {
    throw reject('signature_method_rejected', 400, `the client has no key for ${name}`);
  }

  const bodyHash = oauth.get('oauth_body_hash');
  if (bodyHash !== undefined) {
    if (
      method.bodyHash === undefined ||
      request.opaqueBody === true ||
      isFormContentType(request.headers.get('content-type'))
    ) {
      throw reject('parameter_rejected', 400, 'oauth_body_hash cannot be used with this request', {
        oauth_parameters_rejected: 'oauth_body_hash',
      });
    }
    const expected = await computeBodyHash(request.body ?? '', method.bodyHash);
    if (!timingSafeEqual(expected, bodyHash)) {
      throw reject('signature_invalid', 401, 'the body does not match oauth_body_hash');
    }
  }

  const baseString = signatureBaseString(request.method, request.url, all);
  const valid = await method.verify(baseString, oauth.get('oauth_signature') as string, keys);
  if (!valid) throw reject('signature_invalid', 401, 'invalid signature');

  const nonce = oauth.get('oauth_nonce');
  if (nonce !== undefined) {
    const store = options.nonceStore ?? defaultNonceStore;
    const fresh = await store.check(
      params.oauth_consumer_key,
      timestamp ?? '',
      nonce,
      params.oauth_token,
    );
    if (!fresh) throw reject('nonce_used', 401, 'the nonce was used before');
  }
  return params;
}
