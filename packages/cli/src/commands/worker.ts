import { churnDefinitionFrom } from '@weixi/core';
import { openDatabase } from '@weixi/db';
import { createLogger, startOperationsServer, startWorker } from '@weixi/platform';
import type { Command } from '../command.js';
import { parseOptions } from '../arguments.js';
import { UsageError } from '../cli-error.js';
import { describeDatabase } from '../database.js';
import { installedPlugins } from '../plugin-host.js';

export const worker: Command = {
  name: 'worker',
  summary: 'run jobs and the contacts outbox without serving HTTP, until stopped',
  usage: `Usage: weixi worker [--port N] [--host ADDRESS]

Runs the plugins' and the platform's jobs (cron schedules in each region's time zone, queued and manual
runs, retries) and sends due contacts, on the configured database (DATABASE_URL, else PGlite at
WEIXI_DATA_DIR or .weixi/data), without serving HTTP. Loads the plugins the server loads (plugins/*,
WEIXI_PLUGINS, WEIXI_PLUGIN_OVERRIDES) and applies pending migrations first. Logs JSON lines on stderr
(WEIXI_LOG_LEVEL); stops on SIGTERM or SIGINT, giving a run in flight its lease to finish.

Run any number of workers beside servers started with WEIXI_JOBS=off on one PostgreSQL database: each
run is claimed by one process, and a killed worker's run is taken over once its lease (15 s) lapses.
On PGlite the database belongs to one process, so there the server alone runs jobs.

  --port N         also serve /health, /ready and /metrics (its jobs' metrics) on this port (0: any free
                   one); /metrics as the server's: loopback only unless WEIXI_METRICS_TOKEN is set
  --host ADDRESS   the address for --port (default 127.0.0.1)`,
  async run(args) {
    const options = parseOptions('worker', args, { port: { type: 'string' }, host: { type: 'string' } });
    const port = options.port === undefined ? undefined : Number(options.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port ${options.port} is not a port number`);
    const logger = createLogger();
    const database = await openDatabase();
    try {
      await database.migrate();
      const { plugins, refused } = await installedPlugins(logger);
      for (const r of refused) logger.warn('plugin refused', { plugin: r.id, reason: r.reason });
      const running = await startWorker({ database, plugins, refused, logger, churn: churnDefinitionFrom(process.env) });
      const probes = port === undefined ? undefined : await startOperationsServer({ database, plugins: running.plugins, metrics: running.metrics, metricsToken: process.env.WEIXI_METRICS_TOKEN || undefined, port, host: options.host });
      logger.info('worker started', { workerId: running.jobs.workerId, plugins: plugins.map((p) => p.manifest.id), ...(probes ? { probes: probes.url } : {}) });
      process.stdout.write(`Weixi worker running on ${describeDatabase()} as ${running.jobs.workerId}${probes ? `; metrics: ${probes.url}/metrics` : ''}\n`);
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      logger.info('stopping', { signal });
      await probes?.close();
      await running.close();
    } finally {
      await database.close();
    }
    return 0;
  },
};
