#!/usr/bin/env node
// Packs every public workspace package exactly as it would be published
// (`pnpm pack` applies publishConfig, dropping the `@x/source` condition) and
// checks the tarball with publint --strict and Are-The-Types-Wrong.
// Run after `turbo run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.pack');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

let failed = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const before = new Set(readdirSync(out));
  run('pnpm', ['pack', '--pack-destination', out], pkgDir);
  const tarball = readdirSync(out).find((f) => !before.has(f));
  const file = join(out, tarball);
  for (const [tool, args] of [
    ['publint', ['run', file, '--strict']],
    ['attw', [file, '--profile', 'esm-only', '--no-color', '--format', 'table-flipped']],
  ]) {
    try {
      run(bin(tool), args, root);
      console.log(`ok   ${pkg.name}: ${tool}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${pkg.name}: ${tool}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
}
rmSync(out, { recursive: true, force: true });
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
console.log('every public package passes publint --strict and attw');
