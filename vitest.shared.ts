import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. Every package's vitest.config.ts re-exports this.
 *
 * The `@x/source` export condition makes workspace packages resolve to their
 * `src/*.ts`, so tests never need a build first.
 */
export default defineConfig({
  resolve: { conditions: ['@x/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@x/source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests open loopback servers; a leaked handle must fail loudly, not hang CI.
    teardownTimeout: 5_000,
    restoreMocks: true,
  },
});
