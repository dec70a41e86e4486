import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CommonJS and ESM builds; Node (and so graphql-yoga) loads the CommonJS one, so the
// sources vitest transforms must load the same file, or `instanceof GraphQLError` breaks across the two.
const graphqlEntry = createRequire(new URL('./packages/graphql/package.json', import.meta.url)).resolve('graphql');

// One suite, run once per database kind by tests/run.mjs (WEIXI_TEST_DB=pglite|postgres).
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'api/src/**/*.test.ts', 'tests/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/bench/**'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    env: { WEIXI_LOG_LEVEL: 'error' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
