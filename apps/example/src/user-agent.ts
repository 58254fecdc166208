/**
 * The user, scripted: what a person does in a browser between the client's
 * redirect to the provider and the provider's redirect back — open the page,
 * sign in, press "Allow" — with plain HTTP requests. The terminal demo uses
 * it where a real app would open a browser; the browser test
 * (test/web-browser.test.ts) does the same in Chromium.
 *
 * It understands the demo providers' pages: a `<form data-step="…">` with
 * hidden fields, `username` and `password` inputs and a `decision` button.
 */

/** Who signs in, and what they answer. */
export interface UserAgentOptions {
  /** Where the provider sends the user back; the scripted browser stops there (not requested). */
  callback: string;
  /** @defaultValue 'alice' */
  username?: string | undefined;
  /** @defaultValue alice's demo password */
  password?: string | undefined;
  /** The button pressed on consent and authorize pages. @defaultValue 'allow' */
  decision?: 'allow' | 'deny' | undefined;
}

const MAX_STEPS = 20;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeHtml(text: string): string {
  return text.replace(/&(#\d+|[a-z]+);/g, (match, entity: string) =>
    entity.startsWith('#')
      ? String.fromCharCode(Number(entity.slice(1)))
      : (ENTITIES[entity] ?? match),
  );
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeHtml(value);
}

/** Cookies per origin, as a browser keeps them (paths and expiry ignored: one short visit). */
class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  store(origin: string, response: Response): void {
    const jar = this.#cookies.get(origin) ?? new Map<string, string>();
    this.#cookies.set(origin, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(origin: string): string {
    return [...(this.#cookies.get(origin) ?? [])].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Opens `url` (an authorization URL) and plays the user until the provider
 * redirects to `options.callback`; returns that URL, which the client then
 * hands to `fetchToken` / `parseAuthorizationResponse`.
 *
 * @throws Error when a page is not one it knows, the password is refused, or
 * it takes more than 20 steps.
 * @example
 * const { url } = await session.createAuthorizationUrl()
 * const callbackUrl = await authorizeAs(url, { callback: redirectUri })
 * await session.fetchToken({ authorizationResponse: callbackUrl })
 */
export async function authorizeAs(url: string, options: UserAgentOptions): Promise<string> {
  const username = options.username ?? 'alice';
  const password = options.password ?? 'wonderland';
  const decision = options.decision ?? 'allow';
  const callback = new URL(options.callback);
  const isCallback = (next: URL) =>
    next.origin === callback.origin && next.pathname === callback.pathname;
  const jar = new CookieJar();

  let request: { url: URL; body?: URLSearchParams } = { url: new URL(url) };
  for (let step = 0; step < MAX_STEPS; step++) {
    const { origin } = request.url;
    const cookie = jar.header(origin);
    const response = await fetch(request.url, {
      method: request.body === undefined ? 'GET' : 'POST',
      headers: { accept: 'text/html', ...(cookie === '' ? {} : { cookie }) },
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    jar.store(origin, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (isCallback(next)) return next.href;
      request = { url: next };
      continue;
    }

    const html = await response.text();
    const alert = /<p role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    if (alert !== undefined) throw new Error(`the provider said: ${decodeHtml(alert)}`);
    const form = /<form\b([^>]*\bdata-step="[^"]*"[^>]*)>([\s\S]*?)<\/form>/.exec(html);
    if (!response.ok || form === null) {
      const text = html
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 200);
      throw new Error(
        `unexpected page (HTTP ${response.status}) at ${request.url.pathname}: ${text}`,
      );
    }
    const [, tag = '', inner = ''] = form;
    const fields = new URLSearchParams();
    for (const [input] of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input, 'name');
      if (name === undefined) continue;
      if (name === 'username') fields.set(name, username);
      else if (name === 'password') fields.set(name, password);
      else if (attribute(input, 'type') === 'hidden')
        fields.set(name, attribute(input, 'value') ?? '');
    }
    if (/<button\b[^>]*\bname="decision"/.test(inner)) fields.set('decision', decision);
    request = { url: new URL(attribute(tag, 'action') ?? '', request.url), body: fields };
  }
  throw new Error(`the provider did not send the user back within ${MAX_STEPS} steps`);
}
