/**
 * The web demo's pages: signed out (two sign-in buttons), signed in (the
 * user's claims and the token with its secrets masked), and errors.
 */
import { escapeHtml, page } from '../servers/http.js';

/** Who is signed in, as the web demo keeps it. */
export interface SignedInUser {
  /** `OpenID Connect` or `OAuth 1.0a`. */
  via: string;
  /** The provider's URL. */
  provider: string;
  /** The display name. */
  name: string;
  /** What the provider said about the user: id_token claims and userinfo, or the OAuth 1.0a profile. */
  claims: Record<string, unknown>;
  /** The token as the library returned it (shown masked). */
  token: Record<string, unknown>;
}

/** Members of a token whose values are secrets (or credentials): never shown. */
const SECRET_MEMBERS = /token|secret|assertion|verifier/i;

/** A token for display: every credential replaced by its length. */
export function maskToken(token: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(token)) {
    const secret = typeof value === 'string' && SECRET_MEMBERS.test(name) && name !== 'token_type';
    shown[name] = secret ? `[masked: ${value.length} characters]` : value;
  }
  return shown;
}

function json(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

/** The home page. */
export function homePage(user: SignedInUser | undefined, notice?: string): string {
  const banner = notice ? `<p role="status">${escapeHtml(notice)}</p>` : '';
  if (user === undefined) {
    return page(
      '@x web demo',
      `<h1>@x web demo</h1>${banner}
<p>Sign in with one of the demo providers (both run on this machine).</p>
<form method="post" action="/login/oidc"><button type="submit">Sign in with OpenID Connect</button></form>
<form method="post" action="/login/oauth1"><button type="submit">Sign in with OAuth 1.0a</button></form>`,
    );
  }
  return page(
    `Signed in as ${user.name}`,
    `<h1 data-signed-in>Signed in as ${escapeHtml(user.name)}</h1>${banner}
<p>via ${escapeHtml(user.via)} at <code>${escapeHtml(user.provider)}</code></p>
<h2>Claims</h2>${json(user.claims)}
<h2>Token</h2>${json(maskToken(user.token))}
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
  );
}

/** A sign-in that did not work: what went wrong (library errors never carry a secret). */
export function errorPage(message: string): string {
  return page(
    'Sign-in failed',
    `<h1>Sign-in failed</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/">Back</a></p>`,
  );
}
