/**
 * `pnpm bench [filter]`: runs every benchmark group (or those whose title
 * contains the filter) and prints ops/s with the ratio to each group's
 * baseline, measured in the same run.
 */
import { type Group, printTable, runGroup } from './harness.js';
import { startLoopbackServer } from './loopback-server.js';
import { adapterGroups } from './suites/adapters.js';

const filter = process.argv[2]?.toLowerCase();
const server = await startLoopbackServer();
try {
  const groups: Group[] = [...adapterGroups(server)];
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const group of groups) {
    if (filter && !group.title.toLowerCase().includes(filter)) continue;
    printTable(group, await runGroup(group));
  }
} finally {
  await server.close();
}
