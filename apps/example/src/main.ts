/**
 * `pnpm demo`: every flow of every package, with both adapters, against
 * servers started on 127.0.0.1 (free ports) for the run. Prints a line per
 * flow, then a table; exits non-zero if any flow failed.
 */
import { describeError, runDemo } from './demo.js';
import { progressLine, resultTable } from './report.js';

console.log('@x demo: every flow, fetch and axios, against local servers\n');
try {
  const results = await runDemo({
    onStart(servers) {
      console.log(`  OpenID Provider (oidc-provider)  ${servers.oidc.issuer}`);
      console.log(`  OAuth 1.0a provider              ${servers.oauth1.url}`);
      console.log(`  first-party token endpoint       ${servers.firstParty.url}`);
      console.log(`  oidc-provider, mutual TLS        ${servers.mtls.origin}\n`);
    },
    onResult: (result) => console.log(progressLine(result)),
  });
  console.log(`\n${resultTable(results)}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (error) {
  console.error(`the demo could not start: ${describeError(error)}`);
  process.exitCode = 1;
}
