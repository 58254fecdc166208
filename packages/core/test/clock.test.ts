import { describe, expect, it } from 'vitest';
import { type Clock, epochSeconds, systemClock } from '../src/clock.js';

describe('systemClock', () => {
  it('reads Date.now()', () => {
    const before = Date.now();
    const now = systemClock.now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});

describe('epochSeconds', () => {
  const at = (ms: number): Clock => ({ now: () => ms });

  it('floors the injected clock to whole seconds', () => {
    expect(epochSeconds(at(1_700_000_000_000))).toBe(1_700_000_000);
    expect(epochSeconds(at(1_700_000_000_999))).toBe(1_700_000_000);
    expect(epochSeconds(at(1_700_000_001_000))).toBe(1_700_000_001);
    expect(epochSeconds(at(0))).toBe(0);
    expect(epochSeconds(at(-1))).toBe(-1);
  });

  it('uses the system clock by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const now = epochSeconds();
    const after = Math.floor(Date.now() / 1000);
    expect(Number.isInteger(now)).toBe(true);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});
