import { OAuth2ResponseError } from './errors.js';

/** One challenge of a `WWW-Authenticate` header. */
export interface Challenge {
  /** The auth-scheme, lower-cased (`bearer`, `basic`, `dpop`). */
  scheme: string;
  /** auth-params, names lower-cased, quoted-strings unescaped. First occurrence wins. */
  params: Record<string, string>;
  /** The token68 form, when the challenge uses it instead of parameters. */
  token68?: string | undefined;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;
// A name, '=', then a value's first character: so `abc==` (token68) is not a parameter.
const PARAM_START = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z"])/y;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }
  test(re: RegExp): boolean {
    re.lastIndex = this.pos;
    return re.test(this.text);
  }
  skipSpace(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
  skipSeparators(): void {
    while (
      this.text[this.pos] === ' ' ||
      this.text[this.pos] === '\t' ||
      this.text[this.pos] === ','
    ) {
      this.pos++;
    }
  }
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
}

function readQuoted(c: Cursor): string | undefined {
  if (c.peek() !== '"') return undefined;
  c.pos++;
  let out = '';
  while (!c.done) {
    const ch = c.text[c.pos++] as string;
    if (ch === '"') return out;
    if (ch === '\\' && !c.done) out += c.text[c.pos++];
    else out += ch;
  }
  return undefined; // unterminated
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges
 * (RFC 9110 11.6.1): several challenges separated by commas, each with
 * auth-params or a token68. Malformed tails are dropped, never thrown.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @example parseWWWAuthenticate('Bearer realm="api", error="invalid_token"')
 * // [{ scheme: 'bearer', params: { realm: 'api', error: 'invalid_token' } }]
 */
export function parseWWWAuthenticate(header: string | null | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (!header) return challenges;
  const c = new Cursor(header);
  while (true) {
    c.skipSeparators();
    if (c.done) break;
    const scheme = c.match(TOKEN);
    if (!scheme) break; // garbage: stop rather than guess
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: Object.create(null) };
    challenges.push(challenge);
    c.skipSpace();
    // token68 form: a lone token68 followed by end or a comma.
    if (!c.test(PARAM_START)) {
      const start = c.pos;
      const t68 = c.match(TOKEN68);
      if (t68) {
        c.skipSpace();
        if (c.done || c.peek() === ',') {
          challenge.token68 = t68;
          continue;
        }
        c.pos = start;
      }
    }
    // auth-params until the next challenge starts.
    while (true) {
      c.skipSeparators();
      if (!c.test(PARAM_START)) break;
      const name = (c.match(TOKEN) as string).toLowerCase();
      c.skipSpace();
      c.pos++; // '='
      c.skipSpace();
      const value = c.peek() === '"' ? readQuoted(c) : c.match(TOKEN);
      if (value === undefined) return challenges;
      if (!(name in challenge.params)) challenge.params[name] = value;
    }
  }
  return challenges;
}

/**
 * The OAuth error a resource server put in its `Bearer` (or `DPoP`)
 * challenge (RFC 6750 3), or `undefined` when there is none. `scheme` is
 * compared case-insensitively (`'DPoP'` and `'dpop'` are the same).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function bearerChallengeError(
  response: { status: number; headers: Headers },
  scheme = 'bearer',
): OAuth2ResponseError | undefined {
  const wanted = scheme.toLowerCase();
  for (const challenge of parseWWWAuthenticate(response.headers.get('www-authenticate'))) {
    if (challenge.scheme !== wanted || !challenge.params.error) continue;
    return new OAuth2ResponseError(
      {
        error: challenge.params.error,
        error_description: challenge.params.error_description,
        error_uri: challenge.params.error_uri,
      },
      response.status,
    );
  }
  return undefined;
}
