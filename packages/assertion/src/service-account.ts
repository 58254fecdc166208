import { InvalidArgumentError } from '@x/core';
import { type Scope, scopeToString } from '@x/oauth2';
import { AssertionClient, type AssertionClientOptions } from './assertion-client.js';

/**
 * Google-style service-account JSON keys: the file a cloud console
 * downloads, turned into {@link AssertionClient} options.
 */

/** The members of a service-account key file this package reads (others are ignored). */
export interface ServiceAccountKey {
  /** `service_account` when present. */
  type?: string | undefined;
  /** The account's email: the assertions' `iss`. */
  client_email: string;
  /** The private key, PKCS#8 PEM. */
  private_key: string;
  /** The key's id: the assertions' `kid`. */
  private_key_id?: string | undefined;
  /** The token endpoint, also the assertions' `aud`. */
  token_uri: string;
  [member: string]: unknown;
}

/**
 * Options of {@link fromServiceAccountKey}: everything an
 * {@link AssertionClient} takes except what the key file gives.
 */
export interface ServiceAccountOptions
  extends Omit<
    AssertionClientOptions,
    'tokenEndpoint' | 'issuer' | 'key' | 'kid' | 'alg' | 'audience' | 'scope'
  > {
  /**
   * The scopes to ask for. Sent as the assertion's `scope` claim, where
   * Google reads it (not as a request parameter).
   */
  scope?: Scope | undefined;
  /** A user to impersonate (domain-wide delegation): the assertions' `sub`. */
  subject?: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks a key file's JSON (text or parsed), never echoing it. */
function readKey(json: string | ServiceAccountKey): ServiceAccountKey {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch {
      // No cause: JSON.parse quotes the text it failed on, and that holds the key.
      throw new InvalidArgumentError('the service account key is not valid JSON');
    }
  }
  if (!isRecord(parsed))
    throw new InvalidArgumentError('the service account key must be an object');
  const privateKey = typeof parsed.private_key === 'string' ? parsed.private_key : undefined;
  const secrets = [privateKey];
  if (parsed.type !== undefined && parsed.type !== 'service_account') {
    throw new InvalidArgumentError(
      `the key file is of type ${JSON.stringify(parsed.type)}, not "service_account"`,
      { secrets },
    );
  }
  for (const member of ['client_email', 'private_key', 'token_uri']) {
    if (typeof parsed[member] !== 'string' || parsed[member] === '') {
      throw new InvalidArgumentError(`the service account key has no ${member}`, { secrets });
    }
  }
  if (parsed.private_key_id !== undefined && typeof parsed.private_key_id !== 'string') {
    throw new InvalidArgumentError('private_key_id must be a string', { secrets });
  }
  return parsed as ServiceAccountKey;
}

/**
 * The {@link AssertionClient} options for a service-account key: `iss` =
 * `client_email`, the key = `private_key` (RS256), `kid` = `private_key_id`,
 * token endpoint and `aud` = `token_uri`; the scope goes in the assertion's
 * `scope` claim. Useful to build a session from a key file.
 *
 * @throws InvalidArgumentError for a file that is not a service-account key
 * (never with the private key in the message).
 * @example
 * const options = serviceAccountOptions(keyJson, { scope: 'https://www.googleapis.com/auth/devstorage.read_only', transport })
 */
export function serviceAccountOptions(
  json: string | ServiceAccountKey,
  options: ServiceAccountOptions,
): AssertionClientOptions {
  const key = readKey(json);
  if (!isRecord(options)) throw new InvalidArgumentError('options must be an object');
  const { scope, claims, ...rest } = options;
  const scopeClaim = scopeToString(scope);
  return {
    ...rest,
    tokenEndpoint: key.token_uri,
    audience: key.token_uri,
    issuer: key.client_email,
    key: key.private_key,
    alg: 'RS256',
    kid: key.private_key_id,
    claims: scopeClaim === undefined ? claims : { ...claims, scope: scopeClaim },
  };
}

/**
 * An {@link AssertionClient} from a Google-style service-account JSON key
 * (the text of the file, or its parsed object).
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @example
 * import { readFile } from 'node:fs/promises'
 * import { fromServiceAccountKey } from '@x/assertion'
 * import { createAuthFetch, fetchTransport } from '@x/fetch-client'
 *
 * const client = fromServiceAccountKey(await readFile('service-account.json', 'utf8'), {
 *   scope: 'https://www.googleapis.com/auth/devstorage.read_only',
 *   transport: fetchTransport(),
 * })
 * const gcs = createAuthFetch(client)
 * const buckets = await (await gcs('https://storage.googleapis.com/storage/v1/b?project=my-project')).json()
 */
export function fromServiceAccountKey(
  json: string | ServiceAccountKey,
  options: ServiceAccountOptions,
): AssertionClient {
  return new AssertionClient(serviceAccountOptions(json, options));
}
