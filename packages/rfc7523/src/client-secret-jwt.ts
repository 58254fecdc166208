import { type HttpRequest, InvalidArgumentError } from '@x/core';
import type { ClientAuth, ClientAuthContext } from '@x/oauth2';
import {
  assertSigningAlgorithm,
  isSymmetricAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js';
import {
  authenticateWithAssertion,
  type ClientAssertionAudience,
  type JWTClientAuthOptions,
  type JWTClientAuthSettings,
  jwtClientAuthSettings,
} from './client-assertion.js';

/** Options of {@link ClientSecretJWT}. */
export interface ClientSecretJWTOptions extends JWTClientAuthOptions {
  /** The HMAC algorithm. @defaultValue 'HS256' */
  alg?: SymmetricAlgorithm | undefined;
  /** `kid` header, when the server wants one. */
  kid?: string | undefined;
}

/**
 * `client_secret_jwt` (RFC 7523 2.2, OpenID Connect Core 9): the client
 * proves it knows its secret by signing a short-lived JWT with it (HMAC)
 * instead of sending it. Plug it into `OAuth2Client` as
 * `tokenEndpointAuthMethod` (and it is used for revocation and
 * introspection too, unless those are set otherwise).
 *
 * Each request gets a fresh assertion: `iss` = `sub` = the client id, `aud`
 * the token endpoint (or the issuer with `audience: 'issuer'`), `exp` 60 s
 * after `iat`, a random `jti`. The secret never leaves the client; any
 * `client_secret` parameter or `Authorization` header is removed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 * @example
 * import { OAuth2Client } from '@x/oauth2'
 * import { ClientSecretJWT } from '@x/rfc7523'
 *
 * const client = new OAuth2Client({
 *   clientId: 'app', clientSecret: process.env.CLIENT_SECRET, // 32+ bytes for HS256
 *   tokenEndpoint: 'https://as.example.com/token',
 *   tokenEndpointAuthMethod: new ClientSecretJWT(),
 *   transport: fetchTransport(),
 * })
 */
export class ClientSecretJWT implements ClientAuth {
  /** `client_secret_jwt`. */
  readonly name: string = 'client_secret_jwt';
  /** The audience given at construction, if any. */
  readonly tokenEndpoint: string | undefined;
  /** The HMAC algorithm. */
  readonly alg: SymmetricAlgorithm;
  /** Assertion lifetime in seconds. */
  readonly expiresIn: number;
  /** Where `aud` comes from. */
  readonly audience: ClientAssertionAudience;
  readonly #settings: JWTClientAuthSettings;

  constructor(options?: ClientSecretJWTOptions);
  constructor(tokenEndpoint: string | URL | undefined, options?: ClientSecretJWTOptions);
  constructor(first?: string | URL | ClientSecretJWTOptions, second?: ClientSecretJWTOptions) {
    const [settings, options] = jwtClientAuthSettings(first, second, 'ClientSecretJWT');
    const alg = assertSigningAlgorithm(options.alg ?? 'HS256');
    if (!isSymmetricAlgorithm(alg)) {
      throw new InvalidArgumentError(
        `ClientSecretJWT signs with the client secret (HS256, HS384, HS512); for ${alg} use PrivateKeyJWT`,
      );
    }
    this.#settings = settings;
    this.tokenEndpoint = settings.tokenEndpoint;
    this.alg = alg;
    this.expiresIn = settings.expiresIn;
    this.audience = settings.audience;
  }

  /**
   * Signs a fresh assertion with the client secret and puts it in the request.
   *
   * @throws InvalidArgumentError when the client has no secret, or it is
   * shorter than the hash output (32/48/64 bytes, RFC 7518 3.2).
   */
  authenticate(request: HttpRequest, context: ClientAuthContext): Promise<HttpRequest> {
    // Not an async function (one promise fewer per token request); failures still reject.
    const secret = context.clientSecret;
    if (typeof secret !== 'string' || secret.length === 0) {
      return Promise.reject(new InvalidArgumentError('client_secret_jwt needs a clientSecret'));
    }
    return authenticateWithAssertion(request, context, this.#settings, secret, this.alg);
  }
}
