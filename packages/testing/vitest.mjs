// @ts-check
/**
 * A vitest config for a plugin package built outside the Weixi monorepo: in its vitest.config.ts,
 * `import { weixiVitestConfig } from '@weixi/testing/vitest'; export default weixiVitestConfig();`
 * (Inside the monorepo the root config does the same.) Plain JavaScript, so Node loads it with the config.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

// graphql 16 has CommonJS and ESM builds; the server (graphql-yoga) loads the CommonJS one, so sources
// that vitest transforms must load that same file, or `instanceof GraphQLError` fails between the two.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// The harness's global setup: its source in the monorepo, its build in an installed package.
const source = new URL('./src/global-setup.ts', import.meta.url);
const globalSetup = fileURLToPath(existsSync(source) ? source : new URL('./dist/global-setup.js', import.meta.url));

/**
 * @param {import('vitest/config').ViteUserConfig} [overrides] merged over the defaults
 * @param {{ templateDatabase?: boolean }} [options] `templateDatabase`: migrate one template database per
 *   run and copy it for each test platform; worth it from about three test files (it costs ~8 s once and
 *   saves ~2 s per platform on PGlite)
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function weixiVitestConfig(overrides = {}, options = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
      test: {
        include: ['src/**/*.test.ts'],
        globalSetup: options.templateDatabase ? [globalSetup] : [],
        // Installed Weixi packages run through vitest rather than Node's loader: the plugin host imports the
        // plugin under test, and only vitest's loader understands its TypeScript source.
        server: { deps: { inline: [/[\\/]@weixi[\\/]/] } },
        pool: 'forks',
        env: { WEIXI_LOG_LEVEL: 'error' },
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    }),
    overrides,
  );
}
