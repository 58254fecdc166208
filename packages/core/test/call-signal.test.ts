import { describe, expect, it } from 'vitest';
import { callSignal } from '../src/call-signal.js';
import { InvalidArgumentError, InvalidResponseError, TransportError } from '../src/errors.js';

const codeOf = (error: unknown): unknown => (error as { code?: unknown }).code;

describe('callSignal', () => {
  it('maps a caller abort to ERR_ABORTED with the reason as cause', () => {
    const controller = new AbortController();
    const call = callSignal({ signal: controller.signal });
    expect(call.signal?.aborted).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(call.signal?.aborted).toBe(true);
    const error = call.error(new TypeError('fetch failed'));
    expect([codeOf(error), error.cause]).toEqual(['ERR_ABORTED', reason]);
    expect(() => call.throwIfAborted()).toThrow(TransportError);
  });

  it('maps a closed session to ERR_SESSION_CLOSED', () => {
    const session = new AbortController();
    const call = callSignal({ closed: session.signal });
    session.abort();
    expect(call.signal?.aborted).toBe(true);
    expect(codeOf(call.error(new Error('aborted')))).toBe('ERR_SESSION_CLOSED');
  });

  it('times out with ERR_TIMEOUT, also over an ERR_ABORTED from a nested transport', async () => {
    const call = callSignal({ timeout: 20 });
    await new Promise((resolve) => call.signal?.addEventListener('abort', resolve));
    expect(codeOf(call.error(new Error('x')))).toBe('ERR_TIMEOUT');
    const nested = new TransportError('ERR_ABORTED', 'the request was aborted');
    expect(codeOf(call.error(nested))).toBe('ERR_TIMEOUT');
  });

  it('maps other failures to ERR_NETWORK (or the fallback), keeping cause and its message', () => {
    const call = callSignal();
    const cause = new TypeError('fetch failed', { cause: new Error('other side closed') });
    const error = call.error(cause);
    expect([codeOf(error), error.cause, error.message]).toEqual([
      'ERR_NETWORK',
      cause,
      'the request failed: fetch failed: other side closed',
    ]);
    expect(codeOf(call.error(new Error('ECONNABORTED'), 'ERR_TIMEOUT'))).toBe('ERR_TIMEOUT');
  });

  it('keeps errors of the family as they are', () => {
    const call = callSignal();
    const own = new InvalidResponseError('bad', 500);
    expect(call.error(own)).toBe(own);
    const redirect = new TransportError('ERR_REDIRECT', 'too many');
    expect(call.error(redirect)).toBe(redirect);
  });

  it('uses the caller signal itself when there is no timer, and refuses a bad timeout', () => {
    const controller = new AbortController();
    expect(
      callSignal({ signal: controller.signal, timeout: Number.POSITIVE_INFINITY }).signal,
    ).toBe(controller.signal);
    for (const timeout of [0, -5, Number.NaN]) {
      expect(() => callSignal({ timeout })).toThrow(InvalidArgumentError);
    }
  });
});

describe('callSignal without anything to combine', () => {
  it('hands out no signal at all (an unneeded signal slows fetch down)', () => {
    expect(callSignal({ timeout: Number.POSITIVE_INFINITY }).signal).toBeUndefined();
  });
  it('passes a lone caller signal through unchanged', () => {
    const controller = new AbortController();
    expect(
      callSignal({ signal: controller.signal, timeout: Number.POSITIVE_INFINITY }).signal,
    ).toBe(controller.signal);
  });
});
