// Checks that turbo's cache cannot replay a package's tests or typecheck after
// one of its workspace dependencies changed. Those tasks read the dependencies'
// src/ (the @x/source condition), not their builds, so `^build` does not tie
// them to those files; a `transit` chain does (see CONTRIBUTING, Turbo cache).
// Fails, naming the package, when a task's dependency closure misses the
// `transit` task of a workspace package it depends on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TASKS = ['test', 'typecheck'];
const dry = JSON.parse(
  execFileSync('pnpm', ['exec', 'turbo', 'run', ...TASKS, '--dry=json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }),
);
const byId = new Map(dry.tasks.map((task) => [task.taskId, task]));
const packages = new Map(dry.packages.map((name) => [name, name]));

/** Every task id `id` depends on, directly or not. */
function closure(id, seen = new Set()) {
  for (const dep of byId.get(id)?.dependencies ?? []) {
    if (!seen.has(dep)) {
      seen.add(dep);
      closure(dep, seen);
    }
  }
  return seen;
}

/** The workspace packages a package depends on (`workspace:` ranges in its package.json). */
function workspaceDeps(task) {
  const manifest = JSON.parse(readFileSync(join(task.directory, 'package.json'), 'utf8'));
  const ranges = {
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.peerDependencies,
  };
  return Object.entries(ranges)
    .filter(([, range]) => String(range).startsWith('workspace:'))
    .map(([name]) => name);
}

const problems = [];
for (const task of dry.tasks) {
  if (!TASKS.includes(task.task) || !packages.has(task.package)) continue;
  const reached = closure(task.taskId);
  const deps = workspaceDeps(task);
  for (const dep of deps) {
    if (!reached.has(`${dep}#transit`)) {
      problems.push(`${task.taskId} does not depend on ${dep}'s sources (${dep}#transit)`);
    }
  }
}
if (problems.length > 0) {
  console.error(
    `turbo.json lets cached results outlive their dependencies:\n${problems.join('\n')}`,
  );
  process.exit(1);
}
console.log("turbo: every test and typecheck task is hashed with its dependencies' sources");
