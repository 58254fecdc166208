import { InsecureTransportError } from './errors.js';
import { parseUrl } from './url.js';

/** Options of the insecure-transport policy, accepted by every client. */
export interface TransportSecurityOptions {
  /**
   * Allow plain `http:` to loopback hosts (`localhost`, `127.0.0.0/8`,
   * `[::1]`) for local development. Never allows http to any other host.
   * @defaultValue false
   */
  allowInsecureTransport?: boolean | undefined;
}

/**
 * `true` when a URL's host is the loopback interface: `localhost`, any
 * `127.x.y.z`, `[::1]`, or an IPv4-mapped `[::ffff:127.x.y.z]`.
 *
 * Judged on the WHATWG-parsed host, so `localhost.evil.test`,
 * `localhost@evil.test` (user info) and `127.0.0.1.nip.io` are not loopback,
 * while `127.1` and `0x7f.1` (normalized to `127.0.0.1`) are.
 */
export function isLoopbackUrl(url: string | URL): boolean {
  return isLoopbackHostname(parseUrl(url).hostname);
}

/** {@link isLoopbackUrl} for a WHATWG-parsed `hostname`. */
function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true;
  // IPv4-mapped IPv6, e.g. [::ffff:127.0.0.1], which URL normalizes to [::ffff:7f00:1].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}

/**
 * Refuses a URL unless it is `https:`, or `http:` to a loopback host with
 * `allowInsecureTransport` set. Returns the parsed URL.
 *
 * @throws InsecureTransportError (`ERR_INSECURE_TRANSPORT`)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6
 */
export function assertSecureTransport(
  url: string | URL,
  options: TransportSecurityOptions = {},
): URL {
  const parsed = parseUrl(url);
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:') {
    const loopback = isLoopbackHostname(parsed.hostname);
    if (options.allowInsecureTransport === true && loopback) return parsed;
    const hint = loopback
      ? '; set allowInsecureTransport for local development'
      : '; plain http is only allowed to loopback hosts';
    throw new InsecureTransportError(`https is required for ${parsed.origin}${hint}`);
  }
  throw new InsecureTransportError(`unsupported URL scheme ${parsed.protocol}`);
}

/**
 * The origin last allowed by {@link checkSecureTransport}, with the "/" that
 * ends it, and whether it needed `allowInsecureTransport` (loopback http).
 */
let lastAllowed: { prefix: string; insecure: boolean } | undefined;

/**
 * {@link assertSecureTransport} for a request about to carry credentials,
 * without the parsed URL: a URL that starts with the origin (and "/") of the
 * last one allowed is allowed without parsing it again, since its scheme,
 * host and port are those of that prefix. Clients call this per request;
 * most requests go to the origin of the one before.
 *
 * @throws InsecureTransportError (`ERR_INSECURE_TRANSPORT`)
 * @example checkSecureTransport(request.url, { allowInsecureTransport: true })
 */
export function checkSecureTransport(
  url: string | URL,
  options: TransportSecurityOptions = {},
): void {
  const last = lastAllowed;
  if (
    last !== undefined &&
    typeof url === 'string' &&
    url.startsWith(last.prefix) &&
    (!last.insecure || options.allowInsecureTransport === true)
  ) {
    return;
  }
  const parsed = assertSecureTransport(url, options);
  lastAllowed = { prefix: `${parsed.origin}/`, insecure: parsed.protocol === 'http:' };
}
