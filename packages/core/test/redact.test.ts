import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../src/redact.js';

describe('redact', () => {
  it('matches its documented example', () => {
    expect(redact('token=abc123&x=1', [])).toBe(`token=${REDACTED}&x=1`);
  });

  it('replaces every occurrence of each known secret', () => {
    expect(redact('a s3cret b s3cret c other-secret', ['s3cret', 'other-secret'])).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it('does not substitute secrets shorter than 4 characters (they would mangle words)', () => {
    expect(redact('the cat sat', ['at', 'cat'])).toBe('the cat sat');
    expect(redact('the cats sat', ['cats'])).toBe(`the ${REDACTED} sat`);
  });

  it('treats secrets literally, not as patterns', () => {
    expect(redact('a.b*c a-b-c', ['a.b*c'])).toBe(`${REDACTED} a-b-c`);
    expect(redact('x$&y', ['x$&y'])).toBe(REDACTED);
  });

  it.each([
    ['access_token=at1&state=s', `access_token=${REDACTED}&state=s`],
    ['/cb#refresh_token=rt1&state=s', `/cb#refresh_token=${REDACTED}&state=s`],
    ['id_token=a.b.c', `id_token=${REDACTED}`],
    ['client_secret=cs1', `client_secret=${REDACTED}`],
    ['client_assertion=eyJ.x.y', `client_assertion=${REDACTED}`],
    ['assertion=eyJ.x.y', `assertion=${REDACTED}`],
    ['password=hunter22', `password=${REDACTED}`],
    ['code_verifier=v1', `code_verifier=${REDACTED}`],
    ['code=c1&state=s1', `code=${REDACTED}&state=s1`],
    ['oauth_token_secret=ots', `oauth_token_secret=${REDACTED}`],
    ['oauth_signature=sig%3D', `oauth_signature=${REDACTED}`],
    ['ACCESS_TOKEN=upper', `ACCESS_TOKEN=${REDACTED}`],
    [
      '{"client_secret": "cs2", "client_id": "id"}',
      `{"client_secret": "${REDACTED}", "client_id": "id"}`,
    ],
    [
      '{"access_token":"at2","token_type":"Bearer"}',
      `{"access_token":"${REDACTED}","token_type":"Bearer"}`,
    ],
    ["{'password': 'pw3'}", `{'password': '${REDACTED}'}`],
    ['Authorization: Bearer eyJhbGciOi.e30.sig', `Authorization: Bearer ${REDACTED}`],
    ['Authorization: Basic dXNlcjpwYXNz', `Authorization: Basic ${REDACTED}`],
    ['Authorization: DPoP eyJhbGciOi.e30.sig', `Authorization: DPoP ${REDACTED}`],
    [
      'Authorization: OAuth oauth_consumer_key="ck", oauth_signature="s%2B1"\nnext',
      `Authorization: OAuth ${REDACTED}\nnext`,
    ],
  ])('redacts the credential in %j', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each([
    'state=xyz&scope=openid',
    '{"token_type":"Bearer","expires_in":3600}',
    'error=invalid_grant&error_description=expired',
    'grant_type=authorization_code',
  ])('leaves %j alone', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('never throws on arbitrary text and secrets', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.string({ unit: 'binary' })),
        (text, secrets) => {
          expect(typeof redact(text, secrets)).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns text without credentials unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 ,.;:()[]{}-xyz') }), (text) => {
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('removes any secret of 4+ characters embedded anywhere', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 4, maxLength: 24, unit: fc.constantFrom(...'abcdefXYZ019_-') }),
        fc.string(),
        (before, secret, after) => {
          expect(redact(`${before}${secret}${after}`, [secret])).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redact: scheme patterns and encoded secrets', () => {
  it('masks a lower-case bearer credential', () => {
    expect(redact('authorization: bearer abcdefgh12345')).toBe(`authorization: bearer ${REDACTED}`);
  });
  it('leaves prose that merely names a scheme alone', () => {
    const prose = 'OAuth provider said the Bearer token was refused';
    expect(redact(prose)).toBe(prose);
  });
  it('masks a known secret that appears percent- or form-encoded in a URL', () => {
    const secret = 's3cr3t/with space&more';
    const url = `https://as.test/cb?x=${encodeURIComponent(secret)}&y=${new URLSearchParams({ y: secret }).toString().slice(2)}`;
    const out = redact(url, [secret]);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain('with+space');
    expect(out).toContain(REDACTED);
  });
});
