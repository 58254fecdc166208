import { describe, expect, expectTypeOf, it } from 'vitest';
import { delegateMethods, type MethodKeys, splitOptions } from '../src/delegate.js';

interface Options {
  timeout?: number | undefined;
  owns?: boolean | undefined;
  clientId: string;
  scope?: string | undefined;
}
const OWN: Record<'timeout' | 'owns', true> = { timeout: true, owns: true };

class Counter {
  count = 0;
  readonly label: string = 'counter';
  add(n: number): number {
    this.count += n;
    return this.count;
  }
  async reset(): Promise<void> {
    this.count = 0;
  }
}

describe('splitOptions', () => {
  it('splits the named options from the rest, copying only those present', () => {
    const options: Options = { timeout: 5000, clientId: 'app', scope: undefined };
    const [own, rest] = splitOptions(options, OWN);
    expect(own).toEqual({ timeout: 5000 });
    expect('owns' in own).toBe(false); // absent stays absent, not `undefined`
    expect(rest).toEqual({ clientId: 'app', scope: undefined });
    expect(Object.keys(rest)).toEqual(['clientId', 'scope']);
    expect(options).toEqual({ timeout: 5000, clientId: 'app', scope: undefined }); // unchanged
    expectTypeOf(own).toEqualTypeOf<Pick<Options, 'timeout' | 'owns'>>();
    expectTypeOf(rest).toEqualTypeOf<Omit<Options, 'timeout' | 'owns'>>();
  });

  it('keeps an option that is explicitly undefined on the side it belongs to', () => {
    const [own, rest] = splitOptions({ timeout: undefined, clientId: 'app' } as Options, OWN);
    expect(Object.keys(own)).toEqual(['timeout']);
    expect(Object.keys(rest)).toEqual(['clientId']);
  });

  it('only accepts names of the options', () => {
    // @ts-expect-error `retries` is not an option
    splitOptions({ clientId: 'app' } as Options, { retries: true });
  });
});

describe('delegateMethods', () => {
  it('binds the named methods of the source onto the target', async () => {
    const counter = new Counter();
    const target = {} as { add: Counter['add']; reset: Counter['reset'] };
    delegateMethods(target, counter, ['add', 'reset']);
    const { add } = target; // detached: still bound to the counter
    expect(add(2)).toBe(2);
    expect(target.add(3)).toBe(5);
    await target.reset();
    expect(counter.count).toBe(0);
    expect(Object.keys(target)).toEqual(['add', 'reset']);
  });

  it('binds what the source has, overrides included', () => {
    class Doubler extends Counter {
      override add(n: number): number {
        return super.add(2 * n);
      }
    }
    const target = {} as { add: Counter['add'] };
    delegateMethods(target, new Doubler() as Counter, ['add']);
    expect(target.add(1)).toBe(2);
  });

  it('checks names and the target declarations at compile time (tsc -p test)', () => {
    expectTypeOf<MethodKeys<Counter>>().toEqualTypeOf<'add' | 'reset'>();
    // Never called: each line must fail to compile.
    const wrong = (counter: Counter, target: { add: Counter['add']; reset: () => void }) => {
      // @ts-expect-error `label` is not a method
      delegateMethods(target, counter, ['label']);
      // @ts-expect-error `reset` is declared with another type on the target
      delegateMethods(target, counter, ['reset']);
      // @ts-expect-error the target does not declare `reset` at all
      delegateMethods({} as { add: Counter['add'] }, counter, ['add', 'reset']);
    };
    expectTypeOf(wrong).parameters.toEqualTypeOf<
      [Counter, { add: Counter['add']; reset: () => void }]
    >();
  });
});
