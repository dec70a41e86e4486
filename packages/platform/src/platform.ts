import { PluginHost, systemClock, type ChurnDefinition, type Clock, type InstalledPlugin } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createJobRunner, type JobRunner } from '@weixi/jobs';
import { ExtensionHosts, parsePluginGroups, type ExtensionHostLimits, type PluginGroups } from '@weixi/extension-host';
import { registerDispatchJob } from './dispatch-job.js';
import { registerKpiJobs } from './kpi-jobs.js';
import { registerPlannerJob } from './planner-job.js';
import { createLogger, type Logger } from './log.js';
import { startOutboxLoop } from './outbox.js';
import type { AuthOptions } from './auth.js';
import { startServer, type WeixiServer } from './server.js';
import { followPluginChanges } from './plugin-changes.js';
import { createInstallations, followPluginInstalls, type PluginStoreSettings } from './plugin-installs.js';
import type { PluginInstallations } from '@weixi/plugin-store';
import type { PluginRuntime } from '@weixi/graphql';
import type { HardeningOptions } from './hardening.js';
import type { OriginOptions } from './origins.js';
import { createMetrics, type Metrics, type OperationsSettings } from './operations/index.js';

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
  /**
   * Where plugin code runs: `process`, in an extension host process started and supervised here (a plugin
   * that hangs, crashes or leaks takes down only that process), or `in-process`. Default:
   * WEIXI_EXTENSION_HOST, else `process`.
   */
  extensionHost?: 'process' | 'in-process';
  /** Limits of the extension host (call timeouts, heartbeat, heap, restart backoff). */
  extensionHostLimits?: Partial<ExtensionHostLimits>;
  /** How plugins are split over extension hosts (a crash takes only its group down); default: `WEIXI_EXTENSION_HOST_GROUPS`, else one host. */
  extensionHostGroups?: PluginGroups;
  /** Failures in a row after which a plugin is switched off in a region. */
  failureThreshold?: number;
  /** Who counts as churned in warning backtests (default: status, or 3 months without revenue). */
  churn?: ChurnDefinition;
  /** How requests authenticate; default from the environment (WEIXI_JWT_*). */
  auth?: AuthOptions;
  /** Where plugins installed from a registry are kept, and the default registry (else from the environment). */
  pluginStore?: PluginStoreSettings;
  /** Query limits, rate limits, error masking, persisted operations, CORS origins and Host names for the GraphQL server. */
  server?: HardeningOptions & OriginOptions & OperationsSettings;
}

export interface Platform {
  server: WeixiServer;
  plugins: PluginHost;
  installations: PluginInstallations;
  jobs: JobRunner;
  /** The process plugin code runs in, when not in this one. */
  extensionHost?: ExtensionHosts;
  close(): Promise<void>;
}

/** Boots a Weixi: plugin host (activating enabled plugins), job runner, and the GraphQL server. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const runtime = await startRuntime(options, clock, logger, options.runJobs ?? true);
  const server = await startServer({
    metrics: runtime.metrics,
    ...options.server,
    database: options.database,
    clock,
    plugins: runtime.plugins,
    installations: runtime.installations,
    pluginRuntime: pluginRuntimeOf(runtime.extensionHost),
    jobs: runtime.jobs,
    logger,
    port: options.port,
    host: options.host,
    auth: options.auth,
  });
  return {
    server,
    plugins: runtime.plugins,
    installations: runtime.installations,
    jobs: runtime.jobs,
    extensionHost: runtime.extensionHost,
    async close() {
      await server.close();
      await runtime.close();
    },
  };
}

export type WorkerOptions = Omit<PlatformOptions, 'runJobs' | 'port' | 'host' | 'auth' | 'server'>;

export interface Worker {
  plugins: PluginHost;
  /** Plugins installed from a registry: install, upgrade, uninstall, followed in every process. */
  installations: PluginInstallations;
  jobs: JobRunner;
  extensionHost?: ExtensionHosts;
  /** Its jobs' and plugins' metrics (Prometheus). */
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * `weixi worker`: the plugin host and the job and outbox loops without an HTTP server. Any number of
 * workers and servers (with jobs off) share one PostgreSQL database: each run is claimed by one of them.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  return startRuntime(options, options.clock ?? systemClock, options.logger ?? createLogger(), true);
}

/** Everything but the HTTP server: the host, the job runner and, when `runJobs`, their loops. */
async function startRuntime(options: WorkerOptions, clock: Clock, logger: Logger, runJobs: boolean): Promise<Worker> {
  const metrics = createMetrics();
  const jobs = createJobRunner({
    onRunFinished: (run) => metrics.jobRunFinished(run),
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
  const extensionHost =
    extensionHostMode(options.extensionHost) === 'process'
      ? new ExtensionHosts({ plugins: options.plugins ?? [], logger, limits: options.extensionHostLimits, groups: options.extensionHostGroups ?? parsePluginGroups(process.env.WEIXI_EXTENSION_HOST_GROUPS) })
      : undefined;
  const host = new PluginHost({
    loadModule: extensionHost?.loadModule,
    database: options.database,
    clock,
    plugins: options.plugins ?? [],
    refused: options.refused,
    logger,
    failureThreshold: options.failureThreshold,
    churn: options.churn,
    onFailure: (pluginId, where, tripped) => metrics.pluginFailed(pluginId, where, tripped),
    jobs: {
      register: (pluginId, job, handler, batch) => jobs.register(pluginId, job, handler, batch),
      cancelQueued: (pluginId, keep, reason) => jobs.cancelQueued(pluginId, keep, reason),
      enqueue: (pluginId, jobId, regionId) => jobs.runNow(pluginId, jobId, regionId),
    },
  });
  extensionHost?.attach(host);
  const dispatch = registerDispatchJob(host, options.database, clock);
  const planner = registerPlannerJob(host, options.database, clock);
  const kpiJobs = registerKpiJobs(host, options.database, clock);
  // Listening before reading the state at start, so no change made meanwhile is missed.
  const changes = await followPluginChanges(options.database, host, logger);
  const installations = createInstallations({ database: options.database, host, clock, logger, settings: options.pluginStore });
  const installs = await followPluginInstalls(options.database, installations, logger);
  await host.start();
  await installations.start();
  const outbox = runJobs ? startOutboxLoop(host, logger, options.jobs?.pollMs) : undefined;
  if (runJobs) jobs.start();
  metrics.observe(options.database, host, extensionHost);
  return {
    plugins: host,
    installations,
    jobs,
    metrics,
    extensionHost,
    async close() {
      await outbox?.stop();
      await installs.stop();
      installations.stop();
      await changes.stop();
      await jobs.stop();
      dispatch.dispose();
      kpiJobs.dispose();
      planner.dispose();
      await host.stop();
      await extensionHost?.stop();
    },
  };
}

function pluginRuntimeOf(extensionHost: ExtensionHosts | undefined): PluginRuntime {
  if (!extensionHost) return { where: 'in-process', figures: () => undefined };
  return { where: 'extension-host', figures: (pluginId) => extensionHost.figures().find((f) => f.pluginId === pluginId) };
}

function extensionHostMode(asked: PlatformOptions['extensionHost']): 'process' | 'in-process' {
  const mode = asked ?? process.env.WEIXI_EXTENSION_HOST ?? 'process';
  if (mode !== 'process' && mode !== 'in-process') throw new Error(`WEIXI_EXTENSION_HOST is ${JSON.stringify(mode)}: use process or in-process`);
  return mode;
}
