/**
 * How the terminal demo prints: a line per flow as it finishes, then a
 * table. Colour only on a terminal, and never with NO_COLOR set.
 */
import type { FlowResult } from './demo.js';

const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: number, text: string): string =>
  colour ? `\x1b[${code}m${text}\x1b[0m` : text;
const mark = (ok: boolean): string => (ok ? paint(32, '✓') : paint(31, '✗'));
const ms = (time: number): string => `${Math.round(time)} ms`;

/** One progress line: `✓ axios  OAuth 2.0 refresh (41 ms): what it showed`. */
export function progressLine(result: FlowResult): string {
  const time = paint(2, `(${ms(result.time)})`);
  return `${mark(result.ok)} ${result.adapter.padEnd(5)}  ${result.flow} ${time}: ${result.detail}`;
}

/** The results as a table: flow, adapter, result, time; then a summary line. */
export function resultTable(results: readonly FlowResult[]): string {
  const rows = results.map((r) => [r.flow, r.adapter, r.ok ? 'passed' : 'FAILED', ms(r.time)]);
  const header = ['flow', 'adapter', 'result', 'time'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const failed = results.filter((r) => !r.ok).length;
  const summary =
    failed === 0
      ? `${results.length} of ${results.length} passed`
      : `${failed} of ${results.length} FAILED`;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row, i) => {
      const text = line(row);
      return results[i]?.ok === false ? paint(31, text) : text;
    }),
    '',
    summary,
  ].join('\n');
}
