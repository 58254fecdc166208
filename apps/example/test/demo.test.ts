import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';
import { ADAPTERS, FLOWS, type Flow } from '../src/flows/index.js';
import { resultTable } from '../src/report.js';

// `pnpm demo`, as a test: the same runner, every flow with both adapters
// against the same local servers.

describe('the terminal demo', () => {
  it('runs every flow with fetch and with axios, and every one passes', async () => {
    const results = await runDemo();
    expect(results.map((r) => `${r.flow} (${r.adapter})`)).toEqual(
      FLOWS.flatMap((flow) => ADAPTERS.map((adapter) => `${flow.name} (${adapter})`)),
    );
    for (const result of results) {
      expect(result.ok, `${result.flow} (${result.adapter}): ${result.detail}`).toBe(true);
    }
    expect(resultTable(results)).toMatch(
      new RegExp(`\\n${results.length} of ${results.length} passed$`),
    );
  }, 60_000);

  it('reports a failing flow as a failed row with its error code, and keeps going', async () => {
    const failing: Flow = {
      name: 'refused client',
      async fetch({ oidc }) {
        const response = await fetch(oidc.metadata.token_endpoint ?? '', {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody' }),
        });
        throw new Error(`HTTP ${response.status}`);
      },
      axios: async () => 'fine',
    };
    const results = await runDemo({ flows: [failing] });
    expect(results).toMatchObject([
      { flow: 'refused client', adapter: 'fetch', ok: false, detail: 'HTTP 401' },
      { flow: 'refused client', adapter: 'axios', ok: true, detail: 'fine' },
    ]);
    expect(resultTable(results)).toContain('1 of 2 FAILED');
  });
});
