/**
 * Side-by-side benchmark harness: every task of a group runs in the same
 * process, interleaved over several rounds, and is reported as a ratio to the
 * group's baseline measured in the same run. Absolute numbers depend on the
 * machine; ratios are what the package READMEs quote.
 */
import { Bench } from 'tinybench';

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
  /** Rounds: tasks are interleaved round by round; the median round counts. */
  rounds?: number;
  /** Milliseconds per task per round. */
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
   * median can be trusted, for targets near 1.0×.
   */
  interval?: boolean;
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
  opsPerSecond: number;
  ratio: number;
  baseline: boolean;
  /** The ratio to the baseline in each round, in round order. */
  roundRatios: number[];
  /** Ops/s in each round, in round order. */
  roundOps: number[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Runs a group and returns one row per task, the baseline first. */
export async function runGroup(group: Group): Promise<Row[]> {
  const tasks = [group.baseline, ...group.candidates];
  const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  const rounds = group.rounds ?? 5;
  await group.setup?.();
  try {
    await runRounds(group, tasks, samples, rounds);
  } finally {
    await group.teardown?.();
  }
  const baseRounds = samples.get(group.baseline.name) ?? [];
  const base = median(baseRounds);
  return tasks.map((task) => {
    const roundOps = samples.get(task.name) ?? [];
    const ops = median(roundOps);
    return {
      group: group.title,
      task: task.name,
      opsPerSecond: ops,
      ratio: ops / base,
      baseline: task === group.baseline,
      roundRatios: roundOps.map((value, round) => value / (baseRounds[round] ?? Number.NaN)),
      roundOps,
    };
  });
}

async function runRounds(
  group: Group,
  tasks: Task[],
  samples: Map<string, number[]>,
  rounds: number,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    // Alternate the order each round so warm-up and GC pressure do not favour one task.
    const order = round % 2 === 0 ? tasks : [...tasks].reverse();
    const bench = new Bench({ time: group.time ?? 600, iterations: 32, warmupTime: 100 });
    for (const task of order) bench.add(task.name, task.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') {
        throw new Error(`${group.title} / ${task.name}: ${result.state}`, {
          cause: 'error' in result ? result.error : undefined,
        });
      }
      samples.get(task.name)?.push(1000 / result.period);
    }
  }
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
  const refOps = refRow?.opsPerSecond;
  const refHeader = reference ? `  vs ${reference.label}` : '';
  const ratioWidth = group.interval ? 24 : 16;
  console.log(`\n${group.title}`);
  console.log(
    `  ${'task'.padEnd(width)}  ${'ops/s'.padStart(10)}  ${'ratio'.padEnd(ratioWidth)}${refHeader}`,
  );
  for (const row of rows) {
    const ratio = row.baseline
      ? '1.00× (baseline)'
      : `${row.ratio.toFixed(2)}×${group.interval ? range(row.roundRatios) : ''}`;
    let vsRef = refOps ? `  ${(row.opsPerSecond / refOps).toFixed(2)}×` : '';
    if (vsRef && group.interval && refRow && row !== refRow) {
      vsRef += range(
        row.roundOps.map((ops, round) => ops / (refRow.roundOps[round] ?? Number.NaN)),
      );
    }
    console.log(
      `  ${row.task.padEnd(width)}  ${Math.round(row.opsPerSecond).toString().padStart(10)}  ${ratio.padEnd(ratioWidth)}${vsRef}`,
    );
  }
  if (group.interval) console.log('  (lo–hi): the lowest and highest per-round ratio');
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
