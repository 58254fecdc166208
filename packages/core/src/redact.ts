/**
 * Secret scrubbing shared by every error and inspectable object in the family.
 *
 * Two layers: the exact secrets a caller knows (client secret, tokens,
 * passwords) and patterns that catch credentials we were not told about
 * (`access_token=...` in a URL, `Bearer ...` in a header dump).
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

const SECRET_NAMES =
  'access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|code_verifier|oauth_token_secret|oauth_signature|token';
// `name=value` in a URL or form body; `code` (an authorization code) only in this form, so an
// error's own JSON `"code": "ERR_…"` is left alone.
const CREDENTIAL_PARAM = new RegExp(`\\b(${SECRET_NAMES}|code)(=)([^&\\s"',}]+)`, 'gi');
// `"name": "value"` in JSON, or `'name': 'value'`.
const CREDENTIAL_MEMBER = new RegExp(`\\b(${SECRET_NAMES})(":\\s*"|':\\s*')([^"',}]+)`, 'gi');

// A credential after an auth scheme: a token68 of 8+ characters (Bearer, Basic, DPoP),
// or an auth-param list (OAuth 1, MAC: `OAuth oauth_consumer_key="…", …` up to the line end).
// Case-insensitive, but prose such as "OAuth provider said" has neither shape.
const AUTH_SCHEME = /\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;
const AUTH_PARAMS = /\b(OAuth|MAC)\s+[A-Za-z_]+\s*=\s*"[^\r\n]*/gi;

/** `application/x-www-form-urlencoded` form of a value. */
function formForm(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** Secrets shorter than this are not substituted: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * Returns `text` with every known secret and every credential-looking
 * parameter replaced by {@link REDACTED}.
 *
 * @example
 * redact('token=abc123&x=1', []) // 'token=[REDACTED]&x=1'
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    // Also the forms a secret takes inside a URL or a form body.
    for (const form of new Set([secret, encodeURIComponent(secret), formForm(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out
    .replace(CREDENTIAL_PARAM, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(CREDENTIAL_MEMBER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(AUTH_PARAMS, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}
