import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type * as errors from '../src/errors.js';
import {
  InsecureTransportError,
  InvalidArgumentError,
  InvalidResponseError,
  MismatchingStateError,
  MissingTokenError,
  OAuth2ResponseError,
  OAuthError,
  TransportError,
  type TransportErrorCode,
} from '../src/errors.js';
import { REDACTED } from '../src/redact.js';

const SECRET = 'sk_live_7f3a9c1e2b4d';

/** Every rendering of an error a user might log or send somewhere. */
function renderings(error: Error): Record<string, string> {
  return {
    message: error.message,
    stack: error.stack ?? '',
    string: String(error),
    json: JSON.stringify(error),
    inspect: inspect(error),
    inspectHidden: inspect(error, { showHidden: true, depth: 10 }),
    inspectNested: inspect({ wrapper: [error] }, { depth: 10 }),
  };
}

function expectNoLeak(error: Error, ...secrets: string[]): void {
  for (const [how, text] of Object.entries(renderings(error))) {
    for (const secret of secrets) {
      expect(text, `${how} leaks ${secret}`).not.toContain(secret);
    }
  }
}

/** A module instance of errors.ts separate from the one imported above: a duplicate install. */
async function importDuplicate(): Promise<typeof errors> {
  const specifier = '../src/errors.ts?duplicate-install';
  return (await import(specifier)) as typeof errors;
}

describe('OAuthError secrets', () => {
  it('redacts a known secret from the message and every rendering', () => {
    const error = new OAuthError('ERR_INVALID_RESPONSE', `server echoed ${SECRET} back`, {
      secrets: [SECRET],
    });
    expect(error.message).toBe(`server echoed ${REDACTED} back`);
    expectNoLeak(error, SECRET);
    // The renderings still say what happened.
    expect(String(error)).toBe(`OAuthError: server echoed ${REDACTED} back`);
    expect(inspect(error)).toContain("code: 'ERR_INVALID_RESPONSE'");
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'OAuthError',
      code: 'ERR_INVALID_RESPONSE',
      message: `server echoed ${REDACTED} back`,
    });
  });

  it('keeps the secret out of every own property, string or symbol keyed', () => {
    const error = new InvalidResponseError(`bad ${SECRET}`, 400, { secrets: [SECRET] });
    for (const key of Reflect.ownKeys(error)) {
      const value: unknown = Reflect.get(error, key);
      expect(inspect(value, { customInspect: false, depth: 10 })).not.toContain(SECRET);
    }
  });

  it('ignores empty, null and undefined secrets, and secrets shorter than 4 characters', () => {
    const error = new OAuthError('ERR_NETWORK', 'abc failed', {
      secrets: ['', undefined, null, 'abc'],
    });
    expect(error.message).toBe('abc failed');
  });

  it('redacts every occurrence of every secret', () => {
    const other = 'second-secret-value';
    const error = new OAuthError('ERR_NETWORK', `${SECRET} ${other} ${SECRET}`, {
      secrets: [SECRET, other],
    });
    expect(error.message).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  it('accepts any iterable of secrets', () => {
    const error = new OAuthError('ERR_NETWORK', `x ${SECRET}`, { secrets: new Set([SECRET]) });
    expect(error.message).toBe(`x ${REDACTED}`);
  });

  describe('through cause', () => {
    it('redacts an Error cause containing the secret', () => {
      const cause = new Error(`connect failed for ${SECRET}`);
      const error = new OAuthError('ERR_NETWORK', 'request failed', {
        cause,
        secrets: [SECRET],
      });
      expect(error.cause).toBeInstanceOf(Error);
      const redacted = error.cause as Error;
      expect(redacted.message).toBe(`connect failed for ${REDACTED}`);
      expect(redacted.stack).not.toContain(SECRET);
      expect(redacted.name).toBe('Error');
      expectNoLeak(error, SECRET);
      expect(JSON.parse(JSON.stringify(error)).cause).toEqual({
        name: 'Error',
        message: `connect failed for ${REDACTED}`,
      });
      // The caller's error is left alone.
      expect(cause.message).toBe(`connect failed for ${SECRET}`);
    });

    it('keeps the original cause object when it holds no secret', () => {
      const cause = new TypeError('fetch failed');
      const error = new OAuthError('ERR_NETWORK', 'request failed', { cause, secrets: [SECRET] });
      expect(error.cause).toBe(cause);
    });

    it('redacts a nested cause chain', () => {
      const inner = new Error(`socket wrote ${SECRET}`);
      const middle = new Error('TLS failed', { cause: inner });
      const error = new OAuthError('ERR_NETWORK', 'request failed', {
        cause: middle,
        secrets: [SECRET],
      });
      const c1 = error.cause as Error;
      const c2 = c1.cause as Error;
      expect(c1.message).toBe('TLS failed');
      expect(c2.message).toBe(`socket wrote ${REDACTED}`);
      expectNoLeak(error, SECRET);
    });

    it('redacts credential patterns deep in a cause chain even without a secrets list', () => {
      const inner = new Error('GET https://api.test/?access_token=eyJleak.zzz failed');
      const error = new OAuthError('ERR_NETWORK', 'request failed', {
        cause: new Error('wrapped', { cause: inner }),
      });
      expectNoLeak(error, 'eyJleak.zzz');
      expect(((error.cause as Error).cause as Error).message).toBe(
        `GET https://api.test/?access_token=${REDACTED} failed`,
      );
    });

    it('redacts a string cause', () => {
      const error = new OAuthError('ERR_NETWORK', 'failed', {
        cause: `raw body: ${SECRET}`,
        secrets: [SECRET],
      });
      expect(error.cause).toBe(`raw body: ${REDACTED}`);
      expectNoLeak(error, SECRET);
    });

    it('keeps a non-Error object cause out of every rendering', () => {
      const error = new OAuthError('ERR_INVALID_RESPONSE', 'failed', {
        cause: { body: { client_secret: SECRET }, status: 400 },
        secrets: [SECRET],
      });
      expectNoLeak(error, SECRET);
      expect(JSON.parse(JSON.stringify(error)).cause).toBe(REDACTED);
    });

    it('keeps an OAuthError cause as is (it was redacted when built)', () => {
      const cause = new InvalidResponseError(`bad ${SECRET}`, 500, { secrets: [SECRET] });
      const error = new OAuthError('ERR_NETWORK', 'failed', { cause });
      expect(error.cause).toBe(cause);
      expectNoLeak(error, SECRET);
    });
  });

  describe('credential patterns not in the secrets list', () => {
    const cases: Array<[string, string, string]> = [
      ['access_token in a URL', 'GET /cb?state=s1&access_token=at-123456&x=1', 'at-123456'],
      ['client_secret in JSON', '{"client_id": "c1", "client_secret": "cs-998877"}', 'cs-998877'],
      ['refresh_token in compact JSON', '{"refresh_token":"rt-445566"}', 'rt-445566'],
      [
        'a Bearer header',
        'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig',
        'eyJhbGciOiJIUzI1NiJ9',
      ],
      ['a Basic header', 'authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ];
    it.each(cases)('redacts %s', (_what, text, leaked) => {
      const error = new OAuthError('ERR_INVALID_RESPONSE', `server said ${text}`);
      expectNoLeak(error, leaked);
      expect(error.message).toContain(REDACTED);
    });

    it('leaves the parameter names and harmless parameters readable', () => {
      const error = new OAuthError(
        'ERR_INVALID_RESPONSE',
        'GET /cb?state=s1&access_token=at-123456',
      );
      expect(error.message).toBe(`GET /cb?state=s1&access_token=${REDACTED}`);
    });
  });
});

describe('OAuth2ResponseError', () => {
  it('carries the RFC 6749 5.2 fields and the status', () => {
    const error = new OAuth2ResponseError(
      { error: 'invalid_grant', error_description: 'code expired', error_uri: 'https://as.test/e' },
      400,
    );
    expect(error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(error.error).toBe('invalid_grant');
    expect(error.error_description).toBe('code expired');
    expect(error.error_uri).toBe('https://as.test/e');
    expect(error.status).toBe(400);
    expect(error.message).toBe('invalid_grant: code expired (HTTP 400)');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'OAuth2ResponseError',
      code: 'ERR_OAUTH_RESPONSE',
      message: 'invalid_grant: code expired (HTTP 400)',
      error: 'invalid_grant',
      error_description: 'code expired',
      error_uri: 'https://as.test/e',
      status: 400,
    });
  });

  describe('fromBody', () => {
    it('reads a valid error body', () => {
      const error = OAuth2ResponseError.fromBody(
        { error: 'invalid_client', error_description: 'unknown client', extra: 1 },
        401,
      );
      expect(error).toBeDefined();
      expect(OAuth2ResponseError.isInstance(error)).toBe(true);
      expect(error?.error).toBe('invalid_client');
      expect(error?.error_description).toBe('unknown client');
      expect(error?.error_uri).toBeUndefined();
      expect(error?.status).toBe(401);
      expect(error?.message).toBe('invalid_client: unknown client (HTTP 401)');
    });

    it('omits the description from the message when there is none', () => {
      expect(OAuth2ResponseError.fromBody({ error: 'access_denied' }, 400)?.message).toBe(
        'access_denied (HTTP 400)',
      );
    });

    it.each([
      ['a body without error', { error_description: 'x' }],
      ['an empty error', { error: '' }],
      ['a non-string error', { error: 42 }],
      ['an array', ['invalid_grant']],
      ['null', null],
      ['a string', 'error=invalid_grant'],
      ['a number', 400],
      ['undefined', undefined],
    ])('returns undefined for %s', (_what, body) => {
      expect(OAuth2ResponseError.fromBody(body, 400)).toBeUndefined();
    });

    it('drops non-string description and uri', () => {
      const error = OAuth2ResponseError.fromBody(
        { error: 'invalid_request', error_description: { a: 1 }, error_uri: 7 },
        400,
      );
      expect(error?.error_description).toBeUndefined();
      expect(error?.error_uri).toBeUndefined();
      expect(error?.message).toBe('invalid_request (HTTP 400)');
    });

    it('redacts a secret the server echoed in error_description', () => {
      const error = OAuth2ResponseError.fromBody(
        { error: 'invalid_client', error_description: `client secret ${SECRET} is wrong` },
        401,
        { secrets: [SECRET] },
      );
      expect(error).toBeDefined();
      expect(error?.error_description).toBe(`client secret ${REDACTED} is wrong`);
      expectNoLeak(error as OAuth2ResponseError, SECRET);
    });

    it('redacts a credential pattern in error_description without a secrets list', () => {
      const error = OAuth2ResponseError.fromBody(
        { error: 'invalid_request', error_description: 'bad request access_token=at-leak-9' },
        400,
      );
      expectNoLeak(error as OAuth2ResponseError, 'at-leak-9');
    });
  });
});

describe('isInstance', () => {
  const samples = {
    OAuthError: new OAuthError('ERR_NETWORK', 'x'),
    OAuth2ResponseError: new OAuth2ResponseError({ error: 'invalid_grant' }, 400),
    InsecureTransportError: new InsecureTransportError('x'),
    InvalidResponseError: new InvalidResponseError('x', 500),
    TransportError: new TransportError('ERR_TIMEOUT', 'x'),
    MissingTokenError: new MissingTokenError(),
    MismatchingStateError: new MismatchingStateError(),
    InvalidArgumentError: new InvalidArgumentError('x'),
  };
  const classes = {
    OAuthError,
    OAuth2ResponseError,
    InsecureTransportError,
    InvalidResponseError,
    TransportError,
    MissingTokenError,
    MismatchingStateError,
    InvalidArgumentError,
  };

  it('OAuthError.isInstance is true for every subclass', () => {
    for (const error of Object.values(samples)) expect(OAuthError.isInstance(error)).toBe(true);
  });

  it('a subclass recognizes only its own instances', () => {
    for (const [className, cls] of Object.entries(classes)) {
      for (const [sampleName, error] of Object.entries(samples)) {
        const expected = className === sampleName || className === 'OAuthError';
        expect(cls.isInstance(error), `${className}.isInstance(${sampleName})`).toBe(expected);
      }
    }
    expect(InvalidResponseError.isInstance(samples.OAuth2ResponseError)).toBe(false);
  });

  it('is false for plain errors, look-alikes and non-objects', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'OAuthError', code: 'ERR_TIMEOUT' });
    const plainLookAlike = {
      name: 'InvalidResponseError',
      code: 'ERR_INVALID_RESPONSE',
      message: 'x',
    };
    const fakeBrand = { [Symbol.for('@x/core.OAuthError')]: 'OAuthError' };
    const inheritsPrototype = Object.create(OAuthError.prototype) as object;
    for (const value of [
      new Error('x'),
      new TypeError('x'),
      lookAlike,
      plainLookAlike,
      fakeBrand,
      inheritsPrototype,
      null,
      undefined,
      'OAuthError',
      42,
    ]) {
      expect(OAuthError.isInstance(value)).toBe(false);
      expect(InvalidResponseError.isInstance(value)).toBe(false);
    }
  });

  it('narrows the type', () => {
    const caught: unknown = new TransportError('ERR_ABORTED', 'aborted');
    if (!TransportError.isInstance(caught)) throw new Error('expected a TransportError');
    // A compile-time check as much as a runtime one: the narrowed code is a TransportErrorCode.
    const code: TransportErrorCode = caught.code;
    expect(code).toBe('ERR_ABORTED');
  });

  describe('across a duplicate install of @x/core', () => {
    it('the duplicate is a separate module instance (instanceof fails)', async () => {
      const copy = await importDuplicate();
      expect(copy.OAuthError).not.toBe(OAuthError);
      expect(new copy.InvalidResponseError('x')).not.toBeInstanceOf(OAuthError);
    });

    it('recognizes errors thrown by the other copy, both ways', async () => {
      const copy = await importDuplicate();
      const foreign = new copy.InvalidResponseError('x', 502);
      expect(OAuthError.isInstance(foreign)).toBe(true);
      expect(InvalidResponseError.isInstance(foreign)).toBe(true);
      expect(OAuth2ResponseError.isInstance(foreign)).toBe(false);
      const local = new OAuth2ResponseError({ error: 'invalid_grant' }, 400);
      expect(copy.OAuthError.isInstance(local)).toBe(true);
      expect(copy.OAuth2ResponseError.isInstance(local)).toBe(true);
      expect(copy.InvalidResponseError.isInstance(local)).toBe(false);
    });

    it('redacts the foreign copy the same way', async () => {
      const copy = await importDuplicate();
      const foreign = new copy.OAuthError('ERR_NETWORK', `x ${SECRET}`, { secrets: [SECRET] });
      const error = new OAuthError('ERR_NETWORK', 'wrapped', { cause: foreign });
      expect(error.cause).toBe(foreign);
      expectNoLeak(error, SECRET);
    });
  });

  it('supports subclasses in other packages that name their prototype', () => {
    class InvalidClaimError extends OAuthError {
      static {
        InvalidClaimError.prototype.name = 'InvalidClaimError';
      }
      constructor() {
        super('ERR_INVALID_RESPONSE', 'bad claim');
      }
    }
    const error = new InvalidClaimError();
    expect(error.name).toBe('InvalidClaimError');
    expect(OAuthError.isInstance(error)).toBe(true);
    expect(InvalidClaimError.isInstance(error)).toBe(true);
    expect(InvalidClaimError.isInstance(new OAuthError('ERR_INVALID_RESPONSE', 'x'))).toBe(false);
    expect(InvalidClaimError.isInstance(new InvalidResponseError('x'))).toBe(false);
  });
});

describe('codes and names', () => {
  it.each([
    [new OAuthError('ERR_SESSION_CLOSED', 'm'), 'OAuthError', 'ERR_SESSION_CLOSED'],
    [new OAuth2ResponseError({ error: 'e' }, 400), 'OAuth2ResponseError', 'ERR_OAUTH_RESPONSE'],
    [new InsecureTransportError('m'), 'InsecureTransportError', 'ERR_INSECURE_TRANSPORT'],
    [new InvalidResponseError('m'), 'InvalidResponseError', 'ERR_INVALID_RESPONSE'],
    [new TransportError('ERR_INSECURE_REDIRECT', 'm'), 'TransportError', 'ERR_INSECURE_REDIRECT'],
    [new MissingTokenError(), 'MissingTokenError', 'ERR_MISSING_TOKEN'],
    [new MismatchingStateError(), 'MismatchingStateError', 'ERR_MISMATCHING_STATE'],
    [new InvalidArgumentError('m'), 'InvalidArgumentError', 'ERR_INVALID_ARGUMENT'],
  ] as const)('%s has name %s and code %s', (error, name, code) => {
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.stack?.startsWith(`${name}: `)).toBe(true);
    expect(String(error).startsWith(`${name}: `)).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name, code });
  });

  it('has useful default messages', () => {
    expect(new MissingTokenError().message).toBe('no token is available');
    expect(new MismatchingStateError().message).toBe('state mismatch: possible CSRF attack');
  });

  it('InvalidResponseError keeps the status', () => {
    expect(new InvalidResponseError('m', 502).status).toBe(502);
    expect(new InvalidResponseError('m').status).toBeUndefined();
  });

  it('TransportError keeps the cause it was given', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new TransportError('ERR_NETWORK', 'down', { cause }).cause).toBe(cause);
  });
});

describe('OAuthError: inspect hook called without an inspect function', () => {
  it('still renders, redacted (test runners call it that way)', () => {
    const err = new OAuthError('ERR_NETWORK', 'failed with s3cret-value', {
      secrets: ['s3cret-value'],
    });
    const hook = (err as unknown as Record<symbol, (d: number, o: object) => string>)[
      Symbol.for('nodejs.util.inspect.custom')
    ];
    const out = hook?.call(err, 0, {});
    expect(out).toContain('ERR_NETWORK');
    expect(out).not.toContain('s3cret-value');
  });
});
