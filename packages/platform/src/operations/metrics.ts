/**
 * Prometheus metrics (prom-client), one registry per platform. The request path does a map lookup and
 * two counter/histogram updates per request: no per-phase timers (parse, validate, context) as
 * `@graphql-yoga/plugin-prometheus` has, which cost a request several histogram observations and
 * closures.
 *
 * Operation names come from clients, so at most `MAX_OPERATIONS` distinct ones get their own series; any
 * later name counts as `other` (a flood of made-up names cannot grow the registry without bound).
 */
import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import type { FinishedRun } from '@weixi/jobs';

const MAX_OPERATIONS = 300;
const MAX_NAME = 64;

interface RequestState {
  startedAt: number;
  operation: string;
  type: string;
}

export interface Metrics {
  registry: Registry;
  /** For the job runner's `onRunFinished`. */
  jobRunFinished(run: FinishedRun): void;
  /** For the plugin host's `onFailure`. */
  pluginFailed(pluginId: string, where: string, tripped: boolean): void;
  /** The yoga plugin counting requests per operation. */
  plugin(): Plugin;
  /** Reads what is read at scrape time (plugins' states, the database pool, the extension host's figures). */
  observe(database: Database, plugins?: PluginHost, extensionHost?: { figures(): ExtensionHostFigures[] }): void;
}

/** What the extension host measured of one plugin (`@weixi/extension-host`'s `PluginFigures`). */
export interface ExtensionHostFigures {
  pluginId: string;
  cpuMicros: number;
  heapBytes: number;
  calls: number;
  crashes: number;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'weixi_graphql_requests_total', help: 'GraphQL requests by operation name, type and HTTP status', labelNames: ['operation', 'type', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'weixi_graphql_request_duration_seconds',
    help: 'GraphQL request time from arrival to response, by operation name and type',
    labelNames: ['operation', 'type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({ name: 'weixi_graphql_errors_total', help: 'GraphQL errors in responses, by operation name and extensions.code', labelNames: ['operation', 'code'], registers: [registry] });
  const jobRuns = new Counter({ name: 'weixi_job_runs_total', help: 'Job runs ended in this process, by plugin, job and outcome', labelNames: ['plugin', 'job', 'outcome'], registers: [registry] });
  const jobDuration = new Histogram({
    name: 'weixi_job_run_duration_seconds',
    help: "Job runs' handler time, by plugin, job and outcome",
    labelNames: ['plugin', 'job', 'outcome'],
    buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const pluginFailures = new Counter({ name: 'weixi_plugin_failures_total', help: 'Failures counted against a plugin (field, job or event)', labelNames: ['plugin', 'kind'], registers: [registry] });
  const breakerTrips = new Counter({ name: 'weixi_plugin_breaker_trips_total', help: 'Times the circuit breaker disabled a plugin in a region', labelNames: ['plugin'], registers: [registry] });

  const states = new WeakMap<Request, RequestState>();
  // prom-client hashes a label object on every update; its children, looked up once per series, do not.
  const children = new Map<string, { count: Counter.Internal; latency: Histogram.Internal<string> }>();
  const series = (state: RequestState, status: number) => {
    const key = `${state.operation}\u0000${state.type}\u0000${status}`;
    let child = children.get(key);
    if (!child) {
      child = { count: requests.labels(state.operation, state.type, String(status)), latency: duration.labels(state.operation, state.type) };
      children.set(key, child);
    }
    return child;
  };
  const known = new Set<string>();
  const nameOf = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    const clipped = name.slice(0, MAX_NAME);
    if (known.has(clipped)) return clipped;
    if (known.size >= MAX_OPERATIONS) return 'other';
    known.add(clipped);
    return clipped;
  };

  return {
    registry,
    jobRunFinished(run) {
      jobRuns.inc({ plugin: run.pluginId, job: run.jobId, outcome: run.outcome });
      if (run.outcome !== 'cancelled') jobDuration.observe({ plugin: run.pluginId, job: run.jobId, outcome: run.outcome }, run.durationMs / 1000);
    },
    pluginFailed(pluginId, where, tripped) {
      pluginFailures.inc({ plugin: pluginId, kind: where.split(' ')[0] ?? 'other' });
      if (tripped) breakerTrips.inc({ plugin: pluginId });
    },
    plugin(): Plugin {
      return {
        onRequest({ request }) {
          states.set(request, { startedAt: performance.now(), operation: 'none', type: 'none' });
        },
        onExecute({ args }) {
          const state = states.get((args.contextValue as { request: Request }).request);
          if (!state) return;
          const operation = getOperationAST(args.document as DocumentNode, args.operationName);
          state.operation = nameOf(operation?.name?.value);
          state.type = operation?.operation ?? 'none';
          return {
            onExecuteDone({ result }) {
              const list = 'errors' in result ? result.errors : undefined;
              for (const error of list ?? []) errors.inc({ operation: state.operation, code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
            },
          };
        },
        onResponse({ request, response }) {
          const state = states.get(request);
          if (!state) return;
          const child = series(state, response.status);
          child.count.inc();
          child.latency.observe((performance.now() - state.startedAt) / 1000);
        },
      };
    },
    observe(database, plugins, extensionHost) {
      if (extensionHost) {
        const perPlugin = (name: string, help: string, value: (f: ExtensionHostFigures) => number) =>
          new Gauge({
            name,
            help,
            labelNames: ['plugin'],
            registers: [registry],
            collect() {
              this.reset();
              for (const figures of extensionHost.figures()) this.set({ plugin: figures.pluginId }, value(figures));
            },
          });
        perPlugin('weixi_extension_host_cpu_seconds', "CPU time of each plugin's calls in the extension host, since this process started", (f) => f.cpuMicros / 1e6);
        perPlugin('weixi_extension_host_heap_growth_bytes', "Heap growth during each plugin's calls in the extension host, summed", (f) => f.heapBytes);
        perPlugin('weixi_extension_host_calls', 'Calls into each plugin in the extension host', (f) => f.calls);
        perPlugin('weixi_extension_host_crashes', 'Extension host crashes each plugin was named as the cause of', (f) => f.crashes);
      }
      if (plugins) {
        new Gauge({
          name: 'weixi_plugins',
          help: 'Installed plugins by status in this process (active, inactive, failed, refused)',
          labelNames: ['status'],
          registers: [registry],
          collect() {
            this.reset();
            for (const state of plugins.list()) this.inc({ status: state.status });
          },
        });
      }
      const client = database.client;
      // postgres.js 3.4 keeps its connection queues private (its `sql` exposes `options.max` only), so the
      // pool's own busy/idle split cannot be read; PostgreSQL's view of the database's connections can.
      const max = client.kind === 'postgres' ? Number((client.sql as unknown as { options: { max: number } }).options.max) : 1;
      new Gauge({ name: 'weixi_db_pool_max', help: 'Connections this process may open to the database (PGlite: 1, one in-process session)', registers: [registry] }).set(max);
      if (client.kind !== 'postgres') return;
      new Gauge({
        name: 'weixi_db_connections',
        help: "Connections to this database from every process, by pg_stat_activity state (read at scrape)",
        labelNames: ['state'],
        registers: [registry],
        async collect() {
          const rows = await client.sql.unsafe<Array<{ state: string | null; n: number }>>(
            'select state, count(*)::int as n from pg_stat_activity where datname = current_database() group by state',
          );
          this.reset();
          for (const row of rows) this.set({ state: row.state ?? 'unknown' }, row.n);
        },
      });
    },
  };
}

/** Who may read `/metrics`: with a token, whoever sends it as a bearer token; without one, loopback only. */
export function metricsAllowed(req: IncomingMessage, token: string | undefined): boolean {
  if (token) return req.headers.authorization === `Bearer ${token}`;
  const address = req.socket.remoteAddress ?? '';
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

export async function answerMetrics(metrics: Metrics, req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
  if (!metricsAllowed(req, token)) {
    res.writeHead(token ? 401 : 403, { 'content-type': 'text/plain' }).end(token ? 'send the metrics token: Authorization: Bearer <WEIXI_METRICS_TOKEN>\n' : 'metrics are served to loopback only; set WEIXI_METRICS_TOKEN to serve them to others\n');
    return;
  }
  const body = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
}
