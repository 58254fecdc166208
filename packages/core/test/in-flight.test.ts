import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import { InFlight } from '../src/in-flight.js';

const codeOf = (error: unknown): unknown => (error as { code?: unknown }).code;

describe('InFlight', () => {
  it('passes results and errors of calls through while open', async () => {
    const inFlight = new InFlight();
    expect(await inFlight.run(async () => 42)).toBe(42);
    const boom = new Error('boom');
    await expect(inFlight.run(async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(inFlight.size).toBe(0);
  });

  it('rejects with what a task throws before returning a promise, and does not track it', async () => {
    const inFlight = new InFlight();
    const boom = new Error('thrown synchronously');
    await expect(
      inFlight.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(inFlight.size).toBe(0);
  });

  it('does not hand a result that arrived before close() to release', async () => {
    const inFlight = new InFlight();
    const released: number[] = [];
    expect(
      await inFlight.run(
        async () => 1,
        (late) => released.push(late),
      ),
    ).toBe(1);
    inFlight.close();
    expect(released).toEqual([]);
  });

  it('fails every call in flight at close(), and hands late results to release', async () => {
    const inFlight = new InFlight();
    let finish: (value: string) => void = () => {};
    const released: string[] = [];
    const pending = inFlight.run(
      () => new Promise<string>((resolve) => (finish = resolve)),
      (late) => released.push(late),
    );
    expect(inFlight.size).toBe(1);
    inFlight.close();
    const error = await pending.catch((e: unknown) => e);
    expect(TransportError.isInstance(error) && error.code).toBe('ERR_SESSION_CLOSED');
    finish('late response');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released).toEqual(['late response']);
    expect(inFlight.size).toBe(0);
  });

  it('refuses calls after close() without running them, idempotently', async () => {
    const inFlight = new InFlight();
    inFlight.close();
    inFlight.close();
    let ran = false;
    const error = await inFlight
      .run(async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect([codeOf(error), ran, inFlight.closed]).toEqual(['ERR_SESSION_CLOSED', false, true]);
    expect(() => inFlight.throwIfClosed()).toThrow(TransportError);
  });

  it('gives each call its own signal, aborted at close() and forgotten when done', () => {
    const inFlight = new InFlight();
    const first = inFlight.signal();
    const second = inFlight.signal();
    expect(first.signal).not.toBe(second.signal);
    second.done();
    expect(inFlight.size).toBe(1);
    inFlight.close();
    expect(first.signal.aborted).toBe(true);
    expect(codeOf(first.signal.reason)).toBe('ERR_SESSION_CLOSED');
    expect(second.signal.aborted).toBe(false); // done before close: not tracked any more
    expect(inFlight.signal().signal.aborted).toBe(true); // after close: born aborted
  });

  it('keeps no reference to settled calls (no growth over many calls)', async () => {
    const inFlight = new InFlight();
    for (let i = 0; i < 1000; i++) await inFlight.run(async () => i);
    expect(inFlight.size).toBe(0);
  });

  it('shares one signal among calls, aborted at close(), with no listener-count warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const inFlight = new InFlight();
      const shared = inFlight.sharedSignal;
      expect(inFlight.sharedSignal).toBe(shared);
      const listeners = Array.from({ length: 50 }, () => () => {});
      for (const listener of listeners) shared.addEventListener('abort', listener);
      await new Promise((resolve) => setTimeout(resolve, 0)); // warnings are emitted on next tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      inFlight.close();
      expect(shared.aborted).toBe(true);
      expect(codeOf(shared.reason)).toBe('ERR_SESSION_CLOSED');
      const late = new InFlight();
      late.close();
      expect(late.sharedSignal.aborted).toBe(true); // made after close: born aborted
    } finally {
      process.off('warning', onWarning);
    }
  });
});
