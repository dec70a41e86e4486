import { PluginHost, systemClock, type ChurnDefinition, type Clock, type InstalledPlugin } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createJobRunner, type JobRunner } from '@weixi/jobs';
import { registerDispatchJob } from './dispatch-job.js';
import { registerKpiJobs } from './kpi-jobs.js';
import { registerPlannerJob } from './planner-job.js';
import { createLogger, type Logger } from './log.js';
import { startOutboxLoop } from './outbox.js';
import type { AuthOptions } from './auth.js';
import { startServer, type WeixiServer } from './server.js';
import { followPluginChanges } from './plugin-changes.js';
import type { HardeningOptions } from './hardening.js';
import type { OriginOptions } from './origins.js';

export interface PlatformOptions {
  database: Database;
  clock?: Clock;
  /** Plugins to host, in activation (dependency) order. */
  plugins?: InstalledPlugin[];
  /** Plugins refused before activation (engine or dependency problems), shown in `plugins`. */
  refused?: Array<{ id: string; reason: string }>;
  /**
   * Run the job loop and the contacts outbox loop in this process (schedules, queued runs, due contacts).
   * Off for tests that drive them by hand.
   */
  runJobs?: boolean;
  port?: number;
  host?: string;
  logger?: Logger;
  jobs?: { leaseMs?: number; pollMs?: number };
  /** Failures in a row after which a plugin is switched off in a region. */
  failureThreshold?: number;
  /** Who counts as churned in warning backtests (default: status, or 3 months without revenue). */
  churn?: ChurnDefinition;
  /** How requests authenticate; default from the environment (WEIXI_JWT_*). */
  auth?: AuthOptions;
  /** Query limits, rate limits, error masking, persisted operations, CORS origins and Host names for the GraphQL server. */
  server?: HardeningOptions & OriginOptions;
}

export interface Platform {
  server: WeixiServer;
  plugins: PluginHost;
  jobs: JobRunner;
  close(): Promise<void>;
}

/** Boots a Weixi: plugin host (activating enabled plugins), job runner, and the GraphQL server. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const jobs = createJobRunner({
    database: options.database,
    clock,
    logger,
    leaseMs: options.jobs?.leaseMs,
    pollMs: options.jobs?.pollMs,
    // Called only once the host below exists: the runner asks where a plugin's jobs run.
    regionsFor: (pluginId) => host.jobRegions(pluginId),
    // A run queued before its plugin was disabled in its region (by any process) is cancelled, not run.
    refuse: (run) => host.refuseRun(run.pluginId, run.regionId, run.regionCode),
  });
  const host = new PluginHost({
    database: options.database,
    clock,
    plugins: options.plugins ?? [],
    refused: options.refused,
    logger,
    failureThreshold: options.failureThreshold,
    churn: options.churn,
    jobs: {
      register: (pluginId, job, handler, batch) => jobs.register(pluginId, job, handler, batch),
      cancelQueued: (pluginId, keep, reason) => jobs.cancelQueued(pluginId, keep, reason),
      enqueue: (pluginId, jobId, regionId) => jobs.runNow(pluginId, jobId, regionId),
    },
  });
  const dispatch = registerDispatchJob(host, options.database, clock);
  const planner = registerPlannerJob(host, options.database, clock);
  const kpiJobs = registerKpiJobs(host, options.database, clock);
  // Listening before reading the state at start, so no change made meanwhile is missed.
  const changes = await followPluginChanges(options.database, host, logger);
  await host.start();
  const outbox = options.runJobs ?? true ? startOutboxLoop(host, logger, options.jobs?.pollMs) : undefined;
  if (options.runJobs ?? true) jobs.start();
  const server = await startServer({
    ...options.server,
    database: options.database,
    clock,
    plugins: host,
    jobs,
    logger,
    port: options.port,
    host: options.host,
    auth: options.auth,
  });
  return {
    server,
    plugins: host,
    jobs,
    async close() {
      await server.close();
      await outbox?.stop();
      await changes.stop();
      await jobs.stop();
      dispatch.dispose();
      kpiJobs.dispose();
      planner.dispose();
      await host.stop();
    },
  };
}
