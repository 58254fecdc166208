/**
 * The example app. Until the end-to-end flows land (issue 8), it lists the
 * packages and where their documentation lives, reading each package.json so
 * the table cannot drift from the workspace.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(import.meta.dirname, '..', '..', '..', 'packages');
const rows: Array<[string, string, string]> = [];
for (const dir of readdirSync(packagesDir).sort()) {
  const pkg = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as {
    name: string;
    description?: string;
    private?: boolean;
  };
  if (pkg.private) continue;
  rows.push([pkg.name, pkg.description ?? '', `packages/${dir}/README.md`]);
}

const width = Math.max(...rows.map(([name]) => name.length));
console.log('@x: OAuth 1.0a, OAuth 2.0 and OpenID Connect clients for TypeScript\n');
for (const [name, description, readme] of rows) {
  console.log(`${name.padEnd(width)}  ${description}\n${' '.repeat(width)}  → ${readme}`);
}
console.log('\nThe end-to-end demo of every flow lands with issue 8 (apps/example).');
