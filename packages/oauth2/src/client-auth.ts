import {
  base64Encode,
  type Clock,
  cloneRequest,
  FORM_CONTENT_TYPE,
  formDecode,
  formEncode,
  type HttpRequest,
  InvalidArgumentError,
  isFormContentType,
  percentEncode,
} from '@x/core';

/**
 * Client authentication at the token, revocation and introspection
 * endpoints (RFC 6749 2.3), as pure request transforms kept in a small
 * per-client registry, the way Authlib does it. `@x/rfc7523`'s
 * `ClientSecretJWT` and `PrivateKeyJWT` plug in through {@link ClientAuth}.
 */

/** What a client-authentication method is told about the client and the call. */
export interface ClientAuthContext {
  /** The client identifier. */
  readonly clientId: string;
  /** The client secret, when the client has one. */
  readonly clientSecret: string | undefined;
  /** The client's clock (for `iat`/`exp` of client assertions). */
  readonly clock: Clock;
  /**
   * The token endpoint URL, the audience of client assertions (RFC 7523 3).
   * When the client has no token endpoint configured, the URL of the request.
   */
  readonly tokenEndpoint: string;
  /** The authorization server's issuer identifier, when metadata gives one. */
  readonly issuer: string | undefined;
}

/** Authenticates the client on an endpoint request: returns the request with credentials added. */
export type ClientAuthFunction = (
  request: HttpRequest,
  context: ClientAuthContext,
) => HttpRequest | Promise<HttpRequest>;

/**
 * A named client-authentication method (`token_endpoint_auth_method` in
 * RFC 7591 terms). `authenticate` must not mutate `request`: it returns a
 * new one (use `cloneRequest` from `@x/core`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 * @example
 * const apiKeyAuth: ClientAuth = {
 *   name: 'api_key',
 *   authenticate(request, { clientId }) {
 *     const out = cloneRequest(request)
 *     out.headers.set('x-client-id', clientId)
 *     return out
 *   },
 * }
 * client.registerClientAuthMethod('api_key', apiKeyAuth)
 */
export interface ClientAuth {
  /** The method's registered name, e.g. `private_key_jwt`. */
  readonly name: string;
  /** Adds the client's credentials to the request. */
  authenticate(
    request: HttpRequest,
    context: ClientAuthContext,
  ): HttpRequest | Promise<HttpRequest>;
}

/** A client-authentication method: a {@link ClientAuth} object or a bare function. */
export type ClientAuthMethod = ClientAuth | ClientAuthFunction;

/** What the `*AuthMethod` options accept: a registered name or a method. */
export type ClientAuthMethodInit = string | ClientAuthMethod;

/**
 * The value of an `Authorization: Basic` header for client credentials:
 * client id and secret each `application/x-www-form-urlencoded` (here with
 * RFC 3986 percent-encoding, which every form decoder reads back), joined by
 * `:`, then base64. Without the encoding a `:` in the client id would split
 * the credentials in the wrong place.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @example basicCredentials('my:client', 'p%ss') // "Basic bXklM0FjbGllbnQ6cCUyNXNz"
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return `Basic ${base64Encode(`${percentEncode(clientId)}:${percentEncode(clientSecret)}`)}`;
}

function requireSecret(context: ClientAuthContext, method: string): string {
  if (typeof context.clientSecret !== 'string' || context.clientSecret.length === 0) {
    throw new InvalidArgumentError(`${method} needs a clientSecret`);
  }
  return context.clientSecret;
}

/**
 * Returns `request` with form parameters set in its body (an existing
 * parameter of the same name is replaced). The body must be a form or empty.
 */
export function setFormParams(
  request: HttpRequest,
  params: ReadonlyArray<[string, string]>,
): HttpRequest {
  const type = request.headers.get('content-type');
  if (
    request.opaqueBody === true ||
    (request.body !== undefined && request.body !== '' && !isFormContentType(type))
  ) {
    throw new InvalidArgumentError('client credentials can only be added to a form-encoded body');
  }
  const names = new Set(params.map(([name]) => name));
  const kept = formDecode(request.body ?? '').filter(([name]) => !names.has(name));
  const out = cloneRequest(request, { body: formEncode([...kept, ...params]) });
  if (!isFormContentType(type)) out.headers.set('content-type', FORM_CONTENT_TYPE);
  return out;
}

/**
 * `client_secret_basic`: the client id and secret in an HTTP Basic
 * `Authorization` header (the default when the client has a secret).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @example new OAuth2Client({ ..., tokenEndpointAuthMethod: 'client_secret_basic' })
 */
export const clientSecretBasic: ClientAuth = {
  name: 'client_secret_basic',
  authenticate(request, context) {
    const secret = requireSecret(context, 'client_secret_basic');
    const out = cloneRequest(request);
    out.headers.set('authorization', basicCredentials(context.clientId, secret));
    return out;
  },
};

/**
 * `client_secret_post`: `client_id` and `client_secret` in the form body.
 * RFC 6749 discourages it in favour of Basic, but many providers require it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @example new OAuth2Client({ ..., tokenEndpointAuthMethod: 'client_secret_post' })
 */
export const clientSecretPost: ClientAuth = {
  name: 'client_secret_post',
  authenticate(request, context) {
    const secret = requireSecret(context, 'client_secret_post');
    return setFormParams(request, [
      ['client_id', context.clientId],
      ['client_secret', secret],
    ]);
  },
};

/**
 * `none`: a public client (no secret) identifies itself with `client_id`
 * in the body (RFC 6749 4.1.3), the default when there is no secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 * @example new OAuth2Client({ clientId: 'spa', transport }) // tokenEndpointAuthMethod: 'none'
 */
export const noClientAuth: ClientAuth = {
  name: 'none',
  authenticate(request, context) {
    return setFormParams(request, [['client_id', context.clientId]]);
  },
};

/**
 * `tls_client_auth`: mutual-TLS client authentication with a certificate
 * issued by a CA the authorization server trusts (RFC 8705 2.1). The client
 * is authenticated by the TLS connection; the request carries only
 * `client_id` in the body — no secret, no `Authorization` header. The
 * certificate itself is configured on the HTTP stack, not here: an undici
 * dispatcher from `@x/fetch-client/node` or an `https.Agent` from
 * `@x/axios-client/node`. Choosing it also makes the client use the
 * server's `mtls_endpoint_aliases` (RFC 8705 5).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2.1
 * @example new OAuth2Client({ clientId: 'service', tokenEndpointAuthMethod: 'tls_client_auth', metadata, transport })
 */
export const tlsClientAuth: ClientAuth = {
  name: 'tls_client_auth',
  authenticate(request, context) {
    return setFormParams(request, [['client_id', context.clientId]]);
  },
};

/**
 * `self_signed_tls_client_auth`: mutual-TLS client authentication with a
 * self-signed certificate registered with the authorization server (in the
 * client's `jwks` or `jwks_uri`, RFC 8705 2.2). On the wire it is the same
 * as {@link tlsClientAuth}: `client_id` in the body and the certificate on
 * the TLS connection; only the server's check differs.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2.2
 * @example new OAuth2Client({ clientId: 'device-42', tokenEndpointAuthMethod: 'self_signed_tls_client_auth', metadata, transport })
 */
export const selfSignedTlsClientAuth: ClientAuth = {
  name: 'self_signed_tls_client_auth',
  authenticate(request, context) {
    return setFormParams(request, [['client_id', context.clientId]]);
  },
};

/**
 * Client-authentication methods by name, per client. Starts with
 * `client_secret_basic`, `client_secret_post`, `none`, `tls_client_auth`
 * and `self_signed_tls_client_auth`.
 *
 * @example
 * const registry = new ClientAuthRegistry()
 * registry.register('private_key_jwt', new PrivateKeyJWT(key))
 * const method = registry.resolve('private_key_jwt')
 */
export class ClientAuthRegistry {
  readonly #methods = new Map<string, ClientAuthFunction>();

  constructor() {
    const builtIn = [
      clientSecretBasic,
      clientSecretPost,
      noClientAuth,
      tlsClientAuth,
      selfSignedTlsClientAuth,
    ];
    for (const method of builtIn) {
      this.register(method.name, method);
    }
  }

  /** Registers (or replaces) the method called `name`. */
  register(name: string, method: ClientAuthMethod): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError('a client auth method needs a non-empty name');
    }
    this.#methods.set(name, toFunction(method));
  }

  /** `true` when a method is registered under `name`. */
  has(name: string): boolean {
    return this.#methods.has(name);
  }

  /**
   * The function for a name or a method. An object or function passed
   * directly is used as is (an object is also registered under its `name`).
   *
   * @throws InvalidArgumentError for an unknown name.
   */
  resolve(method: ClientAuthMethodInit): ClientAuthFunction {
    if (typeof method === 'string') {
      const found = this.#methods.get(method);
      if (found === undefined) {
        throw new InvalidArgumentError(
          `unknown client auth method ${JSON.stringify(method)}; register it with registerClientAuthMethod`,
        );
      }
      return found;
    }
    if (typeof method === 'object' && method !== null && typeof method.name === 'string') {
      this.register(method.name, method);
    }
    return toFunction(method);
  }
}

function toFunction(method: ClientAuthMethod): ClientAuthFunction {
  if (typeof method === 'function') return method;
  if (typeof method === 'object' && method !== null && typeof method.authenticate === 'function') {
    return (request, context) => method.authenticate(request, context);
  }
  throw new InvalidArgumentError(
    'a client auth method is a function or an object with authenticate()',
  );
}
