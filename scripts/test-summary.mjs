#!/usr/bin/env node
// Adds up the vitest summaries of every package in a turbo log and prints one
// plain line, `tests: N passed, N failed`, that CI can read. Exits 1 when a
// test failed or when no test ran at all.
import { readFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
  const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!summary) continue;
  const part = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(summary[1])?.[1] ?? 0);
  passed += part('passed');
  failed += part('failed');
  skipped += part('skipped') + part('todo');
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
