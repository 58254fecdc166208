/**
 * `pnpm bench [filter]`: runs every benchmark group (or those whose title
 * contains the filter, case-insensitive) and prints ops/s with the ratio to
 * each group's baseline measured in the same run, or counts for count
 * groups.
 */
import { startTokenServer } from './fixtures/token-server.js';
import {
  type AnyGroup,
  isCountGroup,
  printCounts,
  printTable,
  runCounts,
  runGroup,
} from './harness.js';
import { startLoopbackServer } from './loopback-server.js';
import { loadLine, machineLine } from './machine.js';
import { adapterGroups } from './suites/adapters.js';
import { inProcessGroups } from './suites/in-process.js';
import { oauth1SigningGroups } from './suites/oauth1-signing.js';
import { oauth2RefreshGroups } from './suites/oauth2-refresh.js';
import { oauth2SessionGroups } from './suites/oauth2-session.js';
import { oidcIdTokenGroups } from './suites/oidc-id-token.js';
import { rfc7523AssertionGroups } from './suites/rfc7523-assertions.js';

const filter = process.argv[2]?.toLowerCase();
const server = await startLoopbackServer();
const tokenServer = await startTokenServer();
try {
  const groups: AnyGroup[] = [
    ...adapterGroups(server),
    ...inProcessGroups(),
    ...oauth1SigningGroups(),
    ...oauth2SessionGroups(server),
    ...oauth2RefreshGroups(server, tokenServer),
    ...(await rfc7523AssertionGroups()),
    ...oidcIdTokenGroups(),
  ];
  console.log(machineLine());
  console.log(`before: ${loadLine()}`);
  for (const group of groups) {
    if (filter && !group.title.toLowerCase().includes(filter)) continue;
    if (isCountGroup(group)) printCounts(group, await runCounts(group));
    else printTable(group, await runGroup(group));
  }
  console.log(`\nafter: ${loadLine()}`);
} finally {
  await Promise.all([server.close(), tokenServer.close()]);
}
