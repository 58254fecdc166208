import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Small helpers for promises that should fail, and for what their errors may show. */

/** The rejection of `promise`, or `'resolved'`; handled at once, so it can be awaited later. */
export function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Asserts that no secret appears in any rendering of an error. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  const renderings = [
    inspect(error, { depth: 8 }),
    String(error),
    JSON.stringify(error),
    (error as Error).stack ?? '',
  ];
  for (const rendering of renderings) {
    for (const secret of secrets) expect(rendering).not.toContain(secret);
  }
}

/** The error a function throws (fails the test when it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
