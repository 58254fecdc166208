import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';

/**
 * The login and consent pages of the test authorization server: a minimal
 * replacement for oidc-provider's `devInteractions` (which warns on every
 * start and has no "deny" button).
 *
 * `GET /interaction/:uid` answers a one-form HTML page whose `<form>` carries
 * `data-prompt="login"` or `data-prompt="consent"`; posting it back
 * (`prompt=login&login=<account id>`, or `prompt=consent&decision=allow|deny`)
 * finishes that step and redirects (303) to the authorization endpoint.
 */

/** The path prefix of interaction pages. */
export const INTERACTION_PATH = '/interaction/';

const MAX_FORM_BYTES = 64 * 1024;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', `${type}; charset=utf-8`);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

function page(action: string, prompt: string, fields: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${prompt}</title>
<form method="post" action="${escapeHtml(action)}" data-prompt="${prompt}">
<input type="hidden" name="prompt" value="${prompt}">
${fields}
</form>`;
}

/**
 * Serves interaction requests; resolves `false` (and does nothing) for any
 * other path, which then belongs to the provider.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (!path.startsWith(INTERACTION_PATH)) return false;
  try {
    const interaction = await provider.interactionDetails(req, res);
    const action = `${INTERACTION_PATH}${interaction.uid}`;
    if (req.method === 'GET') {
      const fields =
        interaction.prompt.name === 'login'
          ? '<input name="login" required><button>Sign in</button>'
          : '<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button>';
      send(res, 200, 'text/html', page(action, interaction.prompt.name, fields));
      return true;
    }
    if (req.method !== 'POST') {
      send(res, 405, 'text/plain', 'method not allowed');
      return true;
    }
    const form = await readForm(req);
    const prompt = form.get('prompt');
    if (prompt !== interaction.prompt.name) {
      send(res, 400, 'text/plain', `expected prompt ${interaction.prompt.name}, got ${prompt}`);
      return true;
    }
    if (prompt === 'login') {
      const accountId = form.get('login');
      if (!accountId) {
        send(res, 400, 'text/plain', 'login is required');
        return true;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    if (prompt === 'consent') {
      if (form.get('decision') !== 'allow') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'the user denied the request' },
          { mergeWithLastSubmission: false },
        );
        return true;
      }
      const { details } = interaction.prompt;
      const grant =
        (interaction.grantId === undefined
          ? undefined
          : await provider.Grant.find(interaction.grantId)) ??
        new provider.Grant({
          accountId: interaction.session?.accountId ?? '',
          clientId: interaction.params.client_id,
        });
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return true;
    }
    send(res, 400, 'text/plain', `unsupported prompt ${prompt}`);
  } catch (error) {
    if (!res.headersSent) {
      send(res, 400, 'text/plain', error instanceof Error ? error.message : 'interaction failed');
    }
  }
  return true;
}
