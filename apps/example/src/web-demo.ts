/**
 * `pnpm demo:web`: the web demo (web/app.ts) and its two providers on
 * 127.0.0.1. Prints the URL to open; Ctrl-C stops everything.
 */
import { startWebDemo } from './web/app.js';

const demo = await startWebDemo();
console.log(`@x web demo: open ${demo.url}`);
console.log(`  OpenID Provider (oidc-provider)  ${demo.oidc.issuer}`);
console.log(`  OAuth 1.0a provider              ${demo.oauth1.url}`);
console.log('Demo accounts: alice / wonderland, bob / builder. Ctrl-C to stop.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nstopping');
    demo.close().then(
      () => undefined, // nothing left open: the process ends by itself
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}
