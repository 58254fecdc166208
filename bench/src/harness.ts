/**
 * Side-by-side benchmark harness: every task of a group runs in the same
 * process, the tasks taking turns in short slices over several rounds, and is
 * reported as a ratio to the group's baseline measured in the same rounds. Absolute numbers depend on the
 * machine; ratios are what the package READMEs quote.
 */
export interface Task {
  name: string;
  fn: () => unknown;
}

export interface Group {
  /** What is measured, e.g. "authorized GET over loopback (fetch)". */
  title: string;
  /** The task every other is compared with. */
  baseline: Task;
  candidates: Task[];
  /**
   * Rounds: within a round, tasks take turns in ~10 ms slices. The ratio
   * reported is over all rounds; each round's own ratio gives the range
   * printed with `interval`. @defaultValue 5
   */
  rounds?: number;
  /** Milliseconds per task per round. @defaultValue 600 */
  time?: number;
  /** A note printed under the table (what the target is, what the baseline means). */
  note?: string;
  /**
   * A second task to compare with, printed as an extra ratio column headed
   * `vs <label>`: for targets stated against a peer library rather than the
   * baseline.
   */
  reference?: { task: string; label: string };
  /**
   * Print, next to each ratio, its range over the rounds (lowest–highest of
   * the per-round ratios, each measured within one round): how far the
   * ratio can be trusted, for targets near 1.0×.
   */
  interval?: boolean;
  /**
   * Print, for each task, the time per call it takes beyond the baseline's
   * (`+1.20 µs`): for groups whose baseline is nearly free (a stubbed HTTP
   * stack), where that difference, not the ratio, is the result.
   */
  extraTime?: boolean;
  /**
   * Time every call, the tasks taking turns call by call (a fresh random
   * order each cycle), and estimate each task's cost per call as the
   * baseline's plus the trimmed mean of its difference to the baseline call
   * of the same cycle. For round trips (tens of µs and up), where the
   * machine's speed changes within one 10 ms slice and a GC pause or a late
   * wake-up adds a millisecond to one call: the calls of a cycle are
   * microseconds apart, so they share the machine's state, and the rare
   * stalls are trimmed from both tails (see {@link TRIM}).
   */
  paired?: boolean;
  /** Runs once before the rounds (when the group is selected): warm caches, check outputs agree. */
  setup?: () => Promise<void> | void;
  /** Runs once after the rounds: close sessions, servers. */
  teardown?: () => Promise<void> | void;
}

/**
 * A table of counts rather than rates: each task runs once and reports a
 * number (e.g. how many token requests 100 concurrent callers caused).
 */
export interface CountGroup {
  kind: 'counts';
  title: string;
  /** What is counted, the column header, e.g. "token requests". */
  unit: string;
  tasks: Array<{ name: string; run: () => Promise<number> }>;
  note?: string;
}

export interface CountRow {
  group: string;
  task: string;
  count: number;
}

/** A group of either kind. */
export type AnyGroup = Group | CountGroup;

export const isCountGroup = (group: AnyGroup): group is CountGroup =>
  'kind' in group && group.kind === 'counts';

export interface Row {
  group: string;
  task: string;
  /** Calls per second over the whole run (all rounds). */
  opsPerSecond: number;
  /** `opsPerSecond` over the baseline's. */
  ratio: number;
  baseline: boolean;
  /** The ratio to the baseline in each round, in round order. */
  roundRatios: number[];
  /** Ops/s in each round, in round order. */
  roundOps: number[];
}

/** What one task did in one round. */
interface Sample {
  calls: number;
  ms: number;
}

const opsOf = (samples: Sample[]): number => {
  let calls = 0;
  let ms = 0;
  for (const s of samples) {
    calls += s.calls;
    ms += s.ms;
  }
  return (1000 * calls) / ms;
};

/** `ops[round] / base[round]` for every round. */
const pairedRatios = (ops: number[], base: number[]): number[] =>
  ops.map((value, round) => value / (base[round] ?? Number.NaN));

/** Runs a group and returns one row per task, the baseline first. */
export async function runGroup(group: Group): Promise<Row[]> {
  if (group.paired) return runPairedGroup(group);
  const tasks = [group.baseline, ...group.candidates];
  const samples = new Map<Task, Sample[]>(tasks.map((t) => [t, []]));
  await group.setup?.();
  try {
    await runRounds(group, samples);
  } finally {
    await group.teardown?.();
  }
  const base = samples.get(group.baseline) ?? [];
  const baseOps = opsOf(base);
  const baseRounds = base.map((s) => opsOf([s]));
  return tasks.map((task) => {
    const own = samples.get(task) ?? [];
    const roundOps = own.map((s) => opsOf([s]));
    const opsPerSecond = opsOf(own);
    return {
      group: group.title,
      task: task.name,
      opsPerSecond,
      // Whole-run throughput over the baseline's: both ran in the same slices of time.
      ratio: opsPerSecond / baseOps,
      baseline: task === group.baseline,
      roundRatios: pairedRatios(roundOps, baseRounds),
      roundOps,
    };
  });
}

/** Milliseconds of one slice: how long a task runs before the next one takes its turn. */
const SLICE_MS = 10;
/** Milliseconds each task runs before measuring starts (JIT, connection pools, caches). */
const WARMUP_MS = 200;

/** Runs `fn` `count` times (awaiting it when it is async) and returns the elapsed milliseconds. */
async function timeBatch(fn: () => unknown, count: number, isAsync: boolean): Promise<number> {
  const start = performance.now();
  if (isAsync) for (let i = 0; i < count; i++) await fn();
  else for (let i = 0; i < count; i++) fn();
  return performance.now() - start;
}

/** How one task is run: awaited or not, and how many calls fill a slice. */
interface Plan {
  task: Task;
  isAsync: boolean;
  batch: number;
}

/** Warms a task up and sizes its batch so that one batch takes about {@link SLICE_MS}. */
async function plan(task: Task): Promise<Plan> {
  const first = task.fn();
  const isAsync = typeof (first as { then?: unknown } | undefined)?.then === 'function';
  await first;
  let calls = 1;
  const start = performance.now();
  // Bounded: at most WARMUP_MS, or 1e6 calls for very fast tasks.
  while (performance.now() - start < WARMUP_MS && calls < 1_000_000) {
    await timeBatch(task.fn, calls, isAsync);
    calls *= 2;
  }
  // Sized on warm code: the warm-up's own average would make slices far too short.
  const probe = Math.max(1, calls >> 2);
  const perCall = (await timeBatch(task.fn, probe, isAsync)) / probe;
  return { task, isAsync, batch: Math.max(1, Math.round(SLICE_MS / perCall)) };
}

/** The plans in a random order (Fisher–Yates), so no task keeps a place in the cycle. */
function shuffled(plans: Plan[]): Plan[] {
  const order = [...plans];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j] as Plan, order[i] as Plan];
  }
  return order;
}

/**
 * Tasks take turns in slices of about {@link SLICE_MS}, in a fresh random
 * order each turn, so that whatever slows the machine down for a while
 * (other processes, the loopback server, a throttled vCPU, GC debt) falls on
 * every task alike. Long runs of one task after another (tinybench's way)
 * let a busy second favour one task by ±10 % on a shared 2-core machine;
 * this way, two identical tasks come out within about 1 % of each other.
 */
async function runRounds(group: Group, samples: Map<Task, Sample[]>): Promise<void> {
  const plans: Plan[] = [];
  for (const task of samples.keys()) plans.push(await plan(task));
  const slices = Math.max(1, Math.round((group.time ?? 600) / SLICE_MS));
  for (let round = 0; round < (group.rounds ?? 5); round++) {
    const totals = new Map<Plan, Sample>(plans.map((p) => [p, { calls: 0, ms: 0 }]));
    for (let slice = 0; slice < slices; slice++) {
      for (const p of shuffled(plans)) {
        const total = totals.get(p) as Sample;
        total.ms += await timeBatch(p.task.fn, p.batch, p.isAsync);
        total.calls += p.batch;
      }
    }
    for (const [p, total] of totals) samples.get(p.task)?.push(total);
  }
}

/**
 * The share of paired differences dropped from each tail. Rare stalls (a
 * scavenge, a vCPU descheduled, a late wake-up) add up to milliseconds to
 * one call in a few hundred; they land on whichever task was running, and
 * left in they dominate the mean. GC that a task causes is part of its cost,
 * but a scavenge every few hundred requests is under 0.2 µs per request
 * here, below what the table shows.
 */
const TRIM = 0.05;

/** The mean of `values` without the lowest and highest {@link TRIM} of them. */
function trimmedMean(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * TRIM);
  let sum = 0;
  for (let i = cut; i < sorted.length - cut; i++) sum += sorted[i] as number;
  return sum / (sorted.length - 2 * cut);
}

/** Per-call times (ms) of each task in one round, cycle by cycle (index = cycle). */
type PairedRound = Map<Task, number[]>;

/** Per-call ms of each task, from the baseline's trimmed mean and the trimmed paired differences. */
function pairedCosts(round: PairedRound[], tasks: Task[], baseline: Task): Map<Task, number> {
  const base = round.flatMap((r) => r.get(baseline) ?? []);
  const baseMs = trimmedMean(base);
  const costs = new Map<Task, number>();
  for (const task of tasks) {
    const diffs = round.flatMap((r) => {
      const own = r.get(task) ?? [];
      const ref = r.get(baseline) ?? [];
      return own.map((ms, cycle) => ms - (ref[cycle] ?? Number.NaN));
    });
    costs.set(task, task === baseline ? baseMs : baseMs + trimmedMean(diffs));
  }
  return costs;
}

/** {@link runGroup} for a {@link Group.paired} group. */
async function runPairedGroup(group: Group): Promise<Row[]> {
  const tasks = [group.baseline, ...group.candidates];
  const rounds: PairedRound[] = [];
  await group.setup?.();
  try {
    const plans: Plan[] = [];
    for (const task of tasks) plans.push(await plan(task));
    // As many cycles as fill `time` per task, from the warm per-call time of the slowest.
    const perCall = Math.max(...plans.map((p) => SLICE_MS / p.batch));
    const cycles = Math.max(1, Math.round((group.time ?? 600) / perCall));
    for (let round = 0; round < (group.rounds ?? 5); round++) {
      const times: PairedRound = new Map(tasks.map((t) => [t, []]));
      for (let cycle = 0; cycle < cycles; cycle++) {
        for (const p of shuffled(plans)) {
          const start = performance.now();
          if (p.isAsync) await p.task.fn();
          else p.task.fn();
          times.get(p.task)?.push(performance.now() - start);
        }
      }
      rounds.push(times);
    }
  } finally {
    await group.teardown?.();
  }
  const whole = pairedCosts(rounds, tasks, group.baseline);
  const perRound = rounds.map((r) => pairedCosts([r], tasks, group.baseline));
  const baseMs = whole.get(group.baseline) ?? Number.NaN;
  return tasks.map((task) => {
    const ms = whole.get(task) ?? Number.NaN;
    const roundOps = perRound.map((costs) => 1000 / (costs.get(task) ?? Number.NaN));
    const baseRounds = perRound.map((costs) => 1000 / (costs.get(group.baseline) ?? Number.NaN));
    return {
      group: group.title,
      task: task.name,
      opsPerSecond: 1000 / ms,
      ratio: baseMs / ms,
      baseline: task === group.baseline,
      roundRatios: pairedRatios(roundOps, baseRounds),
      roundOps,
    };
  });
}

/** ` (lo–hi)`: the lowest and highest of per-round ratios. */
function range(ratios: number[]): string {
  if (ratios.length === 0) return '';
  return ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

/** Prints a group's rows as a table with the ratio to the baseline (and to the reference). */
export function printTable(group: Group, rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r.task.length), 4);
  const reference = group.reference;
  const refRow = reference && rows.find((r) => r.task === reference.task);
  const refHeader = reference ? `  vs ${reference.label}` : '';
  const base = rows.find((r) => r.baseline);
  const extraHeader = group.extraTime ? '  per call beyond the baseline' : '';
  const ratioWidth = group.interval ? 24 : 16;
  console.log(`\n${group.title}`);
  console.log(
    `  ${'task'.padEnd(width)}  ${'ops/s'.padStart(10)}  ${'ratio'.padEnd(ratioWidth)}${refHeader}${extraHeader}`,
  );
  for (const row of rows) {
    const ratio = row.baseline
      ? '1.00× (baseline)'
      : `${row.ratio.toFixed(2)}×${group.interval ? range(row.roundRatios) : ''}`;
    let vsRef = refRow ? `  ${(row.opsPerSecond / refRow.opsPerSecond).toFixed(2)}×` : '';
    if (refRow && group.interval && row !== refRow) {
      vsRef += range(pairedRatios(row.roundOps, refRow.roundOps));
    }
    let extra = '';
    if (group.extraTime && base && !row.baseline) {
      const micros = 1e6 / row.opsPerSecond - 1e6 / base.opsPerSecond;
      extra = `  ${micros >= 0 ? '+' : '−'}${Math.abs(micros).toFixed(2)} µs`;
    }
    console.log(
      `  ${row.task.padEnd(width)}  ${Math.round(row.opsPerSecond).toString().padStart(10)}  ${ratio.padEnd(ratioWidth)}${vsRef}${extra}`,
    );
  }
  if (group.interval) console.log('  (lo–hi): the lowest and highest per-round ratio');
  if (group.paired) {
    console.log(
      `  paired: calls in turns, cost = baseline + mean difference per turn (${TRIM * 100} % of each tail trimmed)`,
    );
  }
  if (group.note) console.log(`  ${group.note}`);
}

/** Runs every task of a count group once, in order. */
export async function runCounts(group: CountGroup): Promise<CountRow[]> {
  const rows: CountRow[] = [];
  for (const task of group.tasks) {
    rows.push({ group: group.title, task: task.name, count: await task.run() });
  }
  return rows;
}

/** Prints a count group's rows. */
export function printCounts(group: CountGroup, rows: CountRow[]): void {
  const width = Math.max(...rows.map((r) => r.task.length), 4);
  console.log(`\n${group.title}`);
  console.log(`  ${'task'.padEnd(width)}  ${group.unit}`);
  for (const row of rows)
    console.log(`  ${row.task.padEnd(width)}  ${String(row.count).padStart(group.unit.length)}`);
  if (group.note) console.log(`  ${group.note}`);
}
