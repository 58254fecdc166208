import { type HttpRequest, InvalidArgumentError } from '@x/core';
import type { ClientAuth, ClientAuthContext } from '@x/oauth2';
import {
  type AsymmetricAlgorithm,
  assertSigningAlgorithm,
  isSymmetricAlgorithm,
} from './algorithms.js';
import {
  authenticateWithAssertion,
  type ClientAssertionAudience,
  type JWTClientAuthOptions,
  type JWTClientAuthSettings,
  jwtClientAuthSettings,
} from './client-assertion.js';
import type { SigningKey } from './keys.js';

/** Options of {@link PrivateKeyJWT}. */
export interface PrivateKeyJWTOptions extends JWTClientAuthOptions {
  /** The signing algorithm. @defaultValue 'RS256' */
  alg?: AsymmetricAlgorithm | undefined;
  /** `kid` header: which of the client's registered keys signed. Defaults to the JWK's `kid`. */
  kid?: string | undefined;
  /**
   * The private key (PEM, JWK or CryptoKey). Without it the client's
   * `clientSecret` is the key, as in Authlib (`clientSecret: privateKeyPem`).
   */
  key?: SigningKey | undefined;
}

function isKeyShaped(key: unknown): boolean {
  return (typeof key === 'string' && key.length > 0) || (typeof key === 'object' && key !== null);
}

/**
 * `private_key_jwt` (RFC 7523 2.2, OpenID Connect Core 9): the client
 * authenticates with a short-lived JWT signed by its private key; the
 * server knows the public key (registered `jwks` or `jwks_uri`). Plug it
 * into `OAuth2Client` as `tokenEndpointAuthMethod` — also used for
 * revocation and introspection unless those are set otherwise.
 *
 * The key is the `key` option, or else the client's `clientSecret` (a PEM
 * or JWK JSON string), exactly as Authlib's `PrivateKeyJWT` reads it. It is
 * imported once. Each request gets a fresh assertion: `iss` = `sub` = the
 * client id, `aud` the token endpoint (or the issuer with `audience:
 * 'issuer'`), `exp` 60 s after `iat`, a random `jti`, `kid` when known. Any
 * `client_secret` parameter or `Authorization` header is removed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 * @example
 * import { OAuth2Client } from '@x/oauth2'
 * import { PrivateKeyJWT } from '@x/rfc7523'
 *
 * const tokenEndpoint = 'https://as.example.com/token'
 * const client = new OAuth2Client({
 *   clientId: 'app',
 *   clientSecret: privateKeyPem, // the key, as in Authlib
 *   tokenEndpoint,
 *   tokenEndpointAuthMethod: new PrivateKeyJWT(tokenEndpoint),
 *   transport: fetchTransport(),
 * })
 * await client.fetchToken({ grantType: 'client_credentials' })
 */
export class PrivateKeyJWT implements ClientAuth {
  /** `private_key_jwt`. */
  readonly name: string = 'private_key_jwt';
  /** The audience given at construction, if any. */
  readonly tokenEndpoint: string | undefined;
  /** The signing algorithm. */
  readonly alg: AsymmetricAlgorithm;
  /** The `kid` given at construction, if any. */
  readonly kid: string | undefined;
  /** Assertion lifetime in seconds. */
  readonly expiresIn: number;
  /** Where `aud` comes from. */
  readonly audience: ClientAssertionAudience;
  readonly #settings: JWTClientAuthSettings;
  readonly #key: SigningKey | undefined;

  constructor(options?: PrivateKeyJWTOptions);
  constructor(tokenEndpoint: string | URL | undefined, options?: PrivateKeyJWTOptions);
  constructor(first?: string | URL | PrivateKeyJWTOptions, second?: PrivateKeyJWTOptions) {
    const [settings, options] = jwtClientAuthSettings(first, second, 'PrivateKeyJWT');
    const alg = assertSigningAlgorithm(options.alg ?? 'RS256');
    if (isSymmetricAlgorithm(alg)) {
      throw new InvalidArgumentError(
        `PrivateKeyJWT signs with a private key; for ${alg} (a shared secret) use ClientSecretJWT`,
      );
    }
    if (options.key !== undefined && !isKeyShaped(options.key)) {
      throw new InvalidArgumentError('key must be a PEM string, a JWK or a CryptoKey');
    }
    this.#settings = settings;
    this.#key = options.key;
    this.tokenEndpoint = settings.tokenEndpoint;
    this.alg = alg;
    this.kid = options.kid;
    this.expiresIn = settings.expiresIn;
    this.audience = settings.audience;
  }

  /**
   * Signs a fresh assertion with the private key and puts it in the request.
   *
   * @throws InvalidArgumentError when there is no key, or it does not fit
   * `alg` (a secret, a public key, the wrong key type) — never with the key in it.
   */
  authenticate(request: HttpRequest, context: ClientAuthContext): Promise<HttpRequest> {
    // Not an async function (one promise fewer per token request); failures still reject.
    const key = this.#key ?? context.clientSecret;
    if (key === undefined || key === '') {
      return Promise.reject(
        new InvalidArgumentError(
          'private_key_jwt needs a private key: the key option, or clientSecret set to the PEM',
        ),
      );
    }
    return authenticateWithAssertion(request, context, this.#settings, key, this.alg);
  }
}
