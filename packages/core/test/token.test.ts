import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { InvalidResponseError } from '../src/errors.js';
import { REDACTED } from '../src/redact.js';
import { OAuth2Token } from '../src/token.js';

/** 2001-09-09T01:46:40.500Z: far from "now", so any use of Date.now() shows. */
const RECEIVED_AT = 1_000_000_000_500;
const RECEIVED_S = 1_000_000_000;
const fixedClock = (ms: number): Clock => ({ now: () => ms });

const AT = 'at-4f9c2d7e1a';
const RT = 'rt-8b1e5c3f0d';
const IDT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

function expectRefused(body: unknown): void {
  let thrown: unknown;
  try {
    OAuth2Token.fromResponse(body, { receivedAt: RECEIVED_AT });
  } catch (error) {
    thrown = error;
  }
  expect(InvalidResponseError.isInstance(thrown), `refused ${JSON.stringify(body)}`).toBe(true);
  expect((thrown as InvalidResponseError).code).toBe('ERR_INVALID_RESPONSE');
}

describe('OAuth2Token.fromResponse', () => {
  it('computes expires_at from receivedAt, not Date.now()', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, token_type: 'Bearer', expires_in: 3600 },
      { receivedAt: RECEIVED_AT },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 3600);
    expect(token.expires_in).toBe(3600);
    expect(token.access_token).toBe(AT);
    expect(token.token_type).toBe('Bearer');
  });

  it('computes expires_at from an injected clock', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_in: 60 },
      { clock: fixedClock(RECEIVED_AT + 999) },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 1 + 60);
  });

  it('prefers receivedAt over the clock', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_in: 60 },
      { receivedAt: RECEIVED_AT, clock: fixedClock(RECEIVED_AT + 3_600_000) },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 60);
  });

  it('uses the system clock when nothing is injected', () => {
    const before = Math.floor(Date.now() / 1000);
    const token = OAuth2Token.fromResponse({ access_token: AT, expires_in: 100 });
    const after = Math.floor(Date.now() / 1000);
    expect(token.expires_at).toBeGreaterThanOrEqual(before + 100);
    expect(token.expires_at).toBeLessThanOrEqual(after + 100);
  });

  it('accepts expires_in as a numeric string and stores a number', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_in: '3600' },
      { receivedAt: RECEIVED_AT },
    );
    expect(token.expires_in).toBe(3600);
    expect(token.expires_at).toBe(RECEIVED_S + 3600);
  });

  it('accepts expires_in of 0 (already expired)', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_in: 0 },
      { receivedAt: RECEIVED_AT },
    );
    expect(token.expires_at).toBe(RECEIVED_S);
    expect(token.isExpired(0, fixedClock(RECEIVED_AT))).toBe(true);
  });

  it('floors a fractional expires_in', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_in: 59.9 },
      { receivedAt: RECEIVED_AT },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 59);
  });

  it.each([
    ['negative', -1],
    ['negative string', '-1'],
    ['exponent string', '1e3'],
    ['decimal string', '3600.5'],
    ['padded string', ' 3600'],
    ['hex string', '0x10'],
    ['empty string', ''],
    ['word', 'soon'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['boolean', true],
    ['object', { seconds: 60 }],
    ['array', [60]],
  ])('refuses a %s expires_in', (_what, expires_in) => {
    expectRefused({ access_token: AT, expires_in });
  });

  it.each([
    ['missing', {}],
    ['empty', { access_token: '' }],
    ['a number', { access_token: 12345 }],
    ['null', { access_token: null }],
    ['an object', { access_token: { value: AT } }],
  ])('refuses an access_token that is %s', (_what, body) => {
    expectRefused({ token_type: 'Bearer', ...body });
  });

  it.each([
    ['refresh_token', 123],
    ['refresh_token', { t: RT }],
    ['scope', ['openid', 'profile']],
    ['scope', 1],
    ['token_type', 1],
    ['id_token', false],
  ])('refuses a non-string %s', (member, value) => {
    expectRefused({ access_token: AT, [member]: value });
  });

  it.each([null, undefined, 'access_token=x', 42, [{ access_token: AT }]])(
    'refuses a body that is not an object: %j',
    (body) => {
      expectRefused(body);
    },
  );

  it('does not put the token in the error it throws', () => {
    try {
      OAuth2Token.fromResponse({ access_token: AT, refresh_token: 7, expires_in: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(inspect(error)).not.toContain(AT);
      expect(JSON.stringify(error)).not.toContain(AT);
    }
  });

  it('drops null optional members', () => {
    const token = OAuth2Token.fromResponse(
      {
        access_token: AT,
        token_type: null,
        refresh_token: null,
        scope: null,
        id_token: null,
        expires_in: null,
      },
      { receivedAt: RECEIVED_AT },
    );
    for (const member of ['token_type', 'refresh_token', 'scope', 'id_token', 'expires_in']) {
      expect(Object.hasOwn(token, member), member).toBe(false);
    }
    expect(token.expires_at).toBeUndefined();
    expect(JSON.parse(JSON.stringify(token))).toEqual({ access_token: AT });
  });

  it('keeps unknown members as the server sent them', () => {
    const body = {
      access_token: AT,
      ext_expires_in: 7200,
      'x-custom': { nested: [1, 'two'] },
      not_before_policy: 0,
    };
    const token = OAuth2Token.fromResponse(body, { receivedAt: RECEIVED_AT });
    expect(token.ext_expires_in).toBe(7200);
    expect(token['x-custom']).toEqual({ nested: [1, 'two'] });
    expect(token.not_before_policy).toBe(0);
  });

  it('keeps a numeric server-sent expires_at when there is no expires_in', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: AT, expires_at: RECEIVED_S + 10 },
      { receivedAt: RECEIVED_AT },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 10);
    expect(token.expires_in).toBeUndefined();
    expectRefused({ access_token: AT, expires_at: 'tomorrow' });
  });

  it('does not change the body it was given', () => {
    const body = { access_token: AT, expires_in: '60', scope: null };
    OAuth2Token.fromResponse(body, { receivedAt: RECEIVED_AT });
    expect(body).toEqual({ access_token: AT, expires_in: '60', scope: null });
  });

  // Regression: Object.assign turned a JSON "__proto__" member into the token's
  // prototype, dropping its methods and its masking util.inspect.
  it('ignores a "__proto__" member from the server', () => {
    const body: unknown = JSON.parse(
      `{"access_token":"${AT}","expires_in":60,"__proto__":{"isExpired":1,"polluted":true}}`,
    );
    const token = OAuth2Token.fromResponse(body, { receivedAt: RECEIVED_AT });
    expect(token).toBeInstanceOf(OAuth2Token);
    expect(Object.getPrototypeOf(token)).toBe(OAuth2Token.prototype);
    expect(token.isExpired(0, fixedClock(RECEIVED_AT))).toBe(false);
    expect(inspect(token)).not.toContain(AT);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const again = OAuth2Token.from(JSON.parse(JSON.stringify(token)));
    expect(Object.getPrototypeOf(again)).toBe(OAuth2Token.prototype);
  });
});

describe('OAuth2Token.from (rehydration)', () => {
  const full = {
    access_token: AT,
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: RT,
    scope: 'openid profile',
    id_token: IDT,
    custom: { a: [1, 2] },
  };

  it('round-trips through JSON unchanged, keeping expires_at', () => {
    const token = OAuth2Token.fromResponse(full, { receivedAt: RECEIVED_AT });
    const stored = JSON.stringify(token);
    expect(JSON.parse(stored)).toEqual({ ...full, expires_at: RECEIVED_S + 3600 });
    // Rehydrated much later: expires_at must not be recomputed from expires_in.
    const again = OAuth2Token.from(JSON.parse(stored), {
      clock: fixedClock(RECEIVED_AT + 86_400_000),
    });
    expect(again).toBeInstanceOf(OAuth2Token);
    expect(again).toEqual(token);
    expect(again.expires_at).toBe(RECEIVED_S + 3600);
    expect(JSON.stringify(again)).toBe(stored);
  });

  it('returns an OAuth2Token as is', () => {
    const token = OAuth2Token.fromResponse(full, { receivedAt: RECEIVED_AT });
    expect(OAuth2Token.from(token)).toBe(token);
  });

  it('takes a stored token with expires_in but no expires_at to be issued now', () => {
    const token = OAuth2Token.from(
      { access_token: AT, expires_in: 120 },
      { clock: fixedClock(RECEIVED_AT) },
    );
    expect(token.expires_at).toBe(RECEIVED_S + 120);
  });

  it('normalizes a numeric-string expires_at and validates the stored token', () => {
    const stored = JSON.parse(`{"access_token":"${AT}","expires_at":"1000"}`);
    expect(OAuth2Token.from(stored).expires_at).toBe(1000);
    expect(() => OAuth2Token.from({ access_token: '' })).toThrow(InvalidResponseError);
    expect(() => OAuth2Token.from({ access_token: AT, expires_at: -5 })).toThrow(
      InvalidResponseError,
    );
  });
});

describe('isExpired', () => {
  const token = OAuth2Token.from({ access_token: AT, expires_at: 1000 });

  it('is expired at exactly expires_at and not one millisecond before', () => {
    expect(token.isExpired(0, fixedClock(1_000_000))).toBe(true);
    expect(token.isExpired(0, fixedClock(999_999))).toBe(false);
  });

  it('applies the leeway at the exact boundary', () => {
    expect(token.isExpired(60, fixedClock(940_000))).toBe(true);
    expect(token.isExpired(60, fixedClock(939_999))).toBe(false);
    expect(token.isExpired(60, fixedClock(2_000_000))).toBe(true);
  });

  it('uses the system clock by default', () => {
    expect(token.isExpired()).toBe(true);
    const future = OAuth2Token.from({
      access_token: AT,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(future.isExpired()).toBe(false);
    expect(future.isExpired(7200)).toBe(true);
  });

  it('never considers a token without expiry expired', () => {
    const forever = OAuth2Token.fromResponse({ access_token: AT }, { receivedAt: RECEIVED_AT });
    expect(forever.expires_at).toBeUndefined();
    expect(forever.isExpired(0, fixedClock(Number.MAX_SAFE_INTEGER))).toBe(false);
    expect(forever.isExpired(1e9, fixedClock(Number.MAX_SAFE_INTEGER))).toBe(false);
  });
});

describe('rendering', () => {
  const token = OAuth2Token.fromResponse(
    { access_token: AT, refresh_token: RT, id_token: IDT, scope: 'openid', expires_in: 60 },
    { receivedAt: RECEIVED_AT },
  );

  it('util.inspect masks the access, refresh and id tokens and shows the rest', () => {
    for (const text of [
      inspect(token),
      inspect({ session: { token } }, { depth: 10 }),
      inspect(token, { showHidden: true }),
    ]) {
      expect(text).not.toContain(AT);
      expect(text).not.toContain(RT);
      expect(text).not.toContain(IDT);
      expect(text).toContain(REDACTED);
      expect(text).toContain("scope: 'openid'");
      expect(text).toContain(`expires_at: ${RECEIVED_S + 60}`);
    }
    expect(inspect(token).startsWith('OAuth2Token {')).toBe(true);
  });

  it('JSON keeps every token (that is how it is stored)', () => {
    const json = JSON.parse(JSON.stringify(token));
    expect(json.access_token).toBe(AT);
    expect(json.refresh_token).toBe(RT);
    expect(json.id_token).toBe(IDT);
    expect(token.toJSON()).toEqual(json);
  });
});

describe('immutability and with()', () => {
  const token = OAuth2Token.fromResponse(
    { access_token: AT, refresh_token: RT, expires_in: 60, scope: 'a' },
    { receivedAt: RECEIVED_AT },
  );

  it('is frozen', () => {
    expect(Object.isFrozen(token)).toBe(true);
    expect(() => {
      (token as unknown as Record<string, unknown>).access_token = 'changed';
    }).toThrow(TypeError);
  });

  it('with() returns a changed copy and leaves the original alone', () => {
    const refreshed = OAuth2Token.fromResponse(
      { access_token: 'at-new-1234', expires_in: 120 },
      { receivedAt: RECEIVED_AT + 60_000 },
    );
    const carried = refreshed.with({ refresh_token: token.refresh_token });
    expect(carried).toBeInstanceOf(OAuth2Token);
    expect(carried).not.toBe(refreshed);
    expect(Object.isFrozen(carried)).toBe(true);
    expect(carried.access_token).toBe('at-new-1234');
    expect(carried.refresh_token).toBe(RT);
    expect(carried.expires_at).toBe(RECEIVED_S + 60 + 120);
    expect(refreshed.refresh_token).toBeUndefined();
    const narrowed = token.with({ scope: 'b' });
    expect(narrowed.scope).toBe('b');
    expect(token.scope).toBe('a');
    expect(inspect(carried)).not.toContain(RT);
  });
});

describe('OAuth2Token: hostile member names', () => {
  it('drops members that would shadow its methods', () => {
    const token = OAuth2Token.fromResponse(
      { access_token: 'at-1234', isExpired: 1, with: 'x', toJSON: null, constructor: 'y' },
      { receivedAt: 0 },
    );
    expect(token.isExpired(0)).toBe(false);
    expect(typeof token.with).toBe('function');
    expect(JSON.parse(JSON.stringify(token))).toEqual({ access_token: 'at-1234' });
  });
});

describe('OAuth2Token: inspect hook called without an inspect function', () => {
  it('still renders, masked (test runners call it that way)', () => {
    const token = OAuth2Token.fromResponse({ access_token: 'secret-at-99' }, { receivedAt: 0 });
    const hook = (token as unknown as Record<symbol, (d: number, o: object) => string>)[
      Symbol.for('nodejs.util.inspect.custom')
    ];
    const out = hook?.call(token, 0, {});
    expect(out).toContain(REDACTED);
    expect(out).not.toContain('secret-at-99');
  });
});
