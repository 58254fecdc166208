/**
 * A tiny scripted "browser" for the authorization code flow: plain fetch with
 * `redirect: 'manual'`, a cookie jar for one origin, and a form poster for the
 * harness's login and consent pages (oidc-interaction.ts).
 */

/** How the scripted user answers the login and consent pages. */
export interface AuthorizeOptions {
  /** The account id typed into the login form. @defaultValue 'alice' */
  login?: string | undefined;
  /** `false` presses "Deny" on the consent page. @defaultValue true */
  consent?: boolean | undefined;
}

const MAX_STEPS = 20;

/** Cookies of one origin; paths are ignored (every cookie goes everywhere). */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', ...rest] = attribute.split('=');
        const attributeValue = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'max-age':
            return Number(attributeValue) <= 0;
          case 'expires':
            return Date.parse(attributeValue) <= Date.now();
          default:
            return false;
        }
      });
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function describe(response: Response, body: string): string {
  const text = body.replace(/\s+/g, ' ').slice(0, 300);
  return `${response.status} at ${new URL(response.url).pathname}: ${text}`;
}

/**
 * Drives an authorization request to its end the way a user would: opens the
 * authorization URL, signs in, consents (or denies), and follows redirects
 * until one leaves for the client's `redirect_uri`. Returns that callback URL
 * (with `code`/`state`/`iss`, or `error`) without requesting it.
 *
 * @param issuer the authorization server's origin: cookies are kept for it,
 * and a redirect elsewhere ends the flow when the URL has no `redirect_uri`.
 * @throws Error when the server answers anything else (an error page, a loop).
 */
export async function driveAuthorization(
  issuer: string,
  authorizationUrl: string | URL,
  options: AuthorizeOptions = {},
): Promise<string> {
  const origin = new URL(issuer).origin;
  const start = new URL(authorizationUrl);
  const redirectParam = start.searchParams.get('redirect_uri');
  const redirect = redirectParam === null ? undefined : new URL(redirectParam);
  const isCallback = (url: URL): boolean =>
    redirect === undefined
      ? url.origin !== origin
      : url.origin === redirect.origin && url.pathname === redirect.pathname;

  const jar = new CookieJar();
  let request: { url: URL; method: 'GET' | 'POST'; body?: URLSearchParams } = {
    url: start,
    method: 'GET',
  };
  for (let step = 0; step < MAX_STEPS; step++) {
    if (request.url.origin !== origin) {
      throw new Error(`authorization left ${origin} for ${request.url.origin}`);
    }
    const headers = new Headers();
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (isCallback(next)) return next.href;
      request = { url: next, method: 'GET' };
      continue;
    }
    const body = await response.text();
    const form = response.ok
      ? /<form\b[^>]*\baction="([^"]*)"[^>]*\bdata-prompt="([^"]*)"/.exec(body)
      : null;
    if (form === null)
      throw new Error(`unexpected authorization response ${describe(response, body)}`);
    const [, action = '', prompt = ''] = form;
    const fields = new URLSearchParams({ prompt });
    if (prompt === 'login') fields.set('login', options.login ?? 'alice');
    else fields.set('decision', options.consent === false ? 'deny' : 'allow');
    request = { url: new URL(action, request.url), method: 'POST', body: fields };
  }
  throw new Error(`authorization did not reach the redirect_uri in ${MAX_STEPS} steps`);
}
