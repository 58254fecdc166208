/**
 * The OpenID Provider's own pages: sign-in and consent (oidc-provider's
 * "interactions", which it leaves to the application), the sign-out
 * confirmation of RP-initiated logout, and the error page.
 *
 * `GET /interaction/:uid` shows the step oidc-provider asks for; posting the
 * form finishes it and sends the browser back to the authorization endpoint.
 * Every form carries `data-step` (`login`, `consent`), which the scripted
 * user agent (../user-agent.ts) and the browser test look for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { ACCOUNTS_HINT, checkPassword } from './accounts.js';
import { escapeHtml, page, readBody } from './http.js';

/** Where interaction pages live. */
export const INTERACTION_PATH = '/interaction/';

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

function loginPage(action: string, client: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p><strong>${escapeHtml(client)}</strong> asks you to sign in to the demo OpenID Provider.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" data-step="login">
<input type="hidden" name="step" value="login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p class="hint">Demo accounts: ${escapeHtml(ACCOUNTS_HINT)}</p>`,
  );
}

function consentPage(action: string, client: string, scopes: string[]): string {
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${escapeHtml(client)}</strong> would like: <code>${escapeHtml(scopes.join(' ') || 'openid')}</code></p>
<form method="post" action="${escapeHtml(action)}" data-step="consent">
<input type="hidden" name="step" value="consent">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  );
}

/**
 * Serves `/interaction/*`; resolves `false` (having done nothing) for any
 * other path, which then belongs to oidc-provider.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (!path.startsWith(INTERACTION_PATH)) return false;
  const interaction = await provider.interactionDetails(req, res);
  const action = `${INTERACTION_PATH}${interaction.uid}`;
  const clientId = interaction.params.client_id;
  const client = (await provider.Client.find(clientId))?.clientName ?? clientId;
  const step = interaction.prompt.name;

  if (req.method === 'GET') {
    const { missingOIDCScope = [] } = interaction.prompt.details;
    const html =
      step === 'login' ? loginPage(action, client) : consentPage(action, client, missingOIDCScope);
    send(res, 200, html);
    return true;
  }
  const form = new URLSearchParams(await readBody(req));
  if (req.method !== 'POST' || form.get('step') !== step) {
    send(res, 400, page('Error', '<p>This page is out of date; start again.</p>'));
    return true;
  }

  if (step === 'login') {
    const account = checkPassword(form.get('username') ?? '', form.get('password') ?? '');
    if (account === undefined) {
      send(res, 200, loginPage(action, client, 'Wrong username or password.'));
      return true;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.id } },
      { mergeWithLastSubmission: false },
    );
    return true;
  }

  if (form.get('decision') !== 'allow') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the user denied the request' },
      { mergeWithLastSubmission: false },
    );
    return true;
  }
  // The user allowed what the client asked for: record it in a grant.
  const { details } = interaction.prompt;
  const grant =
    (interaction.grantId === undefined
      ? undefined
      : await provider.Grant.find(interaction.grantId)) ??
    new provider.Grant({ accountId: interaction.session?.accountId ?? '', clientId });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
  return true;
}

/** oidc-provider's `logoutSource`: "do you want to sign out?" around its own form. */
export async function logoutSource(ctx: { body: unknown }, form: string): Promise<void> {
  ctx.body = page(
    'Sign out',
    `<h1>Sign out of the demo OpenID Provider?</h1>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button></p>`,
  );
}

/** oidc-provider's `postLogoutSuccessSource`: shown when the client gave no redirect URI. */
export async function postLogoutSuccessSource(ctx: { body: unknown }): Promise<void> {
  ctx.body = page('Signed out', '<h1>You are signed out.</h1>');
}

/** oidc-provider's `renderError`: the error as a page (never a stack trace). */
export async function renderError(
  ctx: { type: string; body: unknown },
  out: { error?: string; error_description?: string },
): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Error',
    `<h1>${escapeHtml(out.error ?? 'error')}</h1><p>${escapeHtml(out.error_description ?? '')}</p>`,
  );
}
