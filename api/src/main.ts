/**
 * `pnpm start`: opens the database (PGlite in WEIXI_DATA_DIR, or PostgreSQL at DATABASE_URL), applies
 * migrations, seeds demo data into an empty database, and serves GraphQL.
 */
// First: graphql-js reads NODE_ENV as it loads.
import '@weixi/platform/production';
import { systemClock } from '@weixi/core';
import { openDatabase } from '@weixi/db';
import { hasCustomers } from '@weixi/demo';
import { readConfig } from './config.js';
import { guardProcess } from './process-guards.js';
import { firstAdminBanner, firstAdminKey } from './first-admin.js';
import { installDemoTactics, installDemoWarningRules, seedDemo } from './demo.js';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, loadPlugins, startPlatform } from '@weixi/platform';

const logger = createLogger();
let shutdown = async (): Promise<void> => {};
guardProcess(logger, () => shutdown());

async function main(): Promise<void> {
  const config = readConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  logger.info('database opened', { kind: database.kind, ...(database.kind === 'pglite' ? { dataDir: config.dataDir } : {}) });
  await database.migrate();
  const seeding = config.demoCustomers > 0 && !(await hasCustomers(database));
  if (seeding) {
    logger.info('empty database: generating demo data', { customers: config.demoCustomers });
    await seedDemo(database, systemClock, config.demoCustomers, logger);
  }
  const workspaceDir = fileURLToPath(new URL('../..', import.meta.url));
  const { plugins, refused } = await loadPlugins({
    workspaceDir,
    packages: config.plugins,
    baseDir: process.cwd(),
    overrides: config.pluginOverrides,
    logger,
  });
  for (const r of refused) logger.warn('plugin refused', { plugin: r.id, reason: r.reason });
  logger.info('plugins found', { plugins: plugins.map((p) => p.manifest.id) });
  const adminKey = await firstAdminKey(database);
  const platform = await startPlatform({
    database,
    plugins,
    refused,
    port: config.port,
    host: config.host,
    logger,
    server: config.server,
    churn: config.churn,
    runJobs: config.jobs,
  });
  const { server, close } = platform;
  if (seeding) {
    await installDemoWarningRules(platform, logger);
    // The demo enables the tactics shipped in plugins/, not those an operator added through WEIXI_PLUGINS.
    const shipped = plugins.filter((p) => p.entry.startsWith(join(workspaceDir, 'plugins') + sep)).map((p) => p.manifest.id);
    await installDemoTactics(platform, database, logger, shipped);
  }
  logger.info('serving', { url: server.url, jobs: config.jobs ? 'on' : 'off' });
  if (adminKey) process.stdout.write(`\n${firstAdminBanner(adminKey)}\n`);
  process.stdout.write(`\nWeixi is running. GraphiQL: ${server.url}\n\n`);
  shutdown = async () => {
    await close();
    await database.close();
  };
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  logger.error('failed to start', { error });
  process.exit(1);
});
