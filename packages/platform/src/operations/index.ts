/**
 * What operators run the server with, apart from GraphQL: `/ready`, `/metrics`, GraphiQL's own assets,
 * and traces. `startServer` asks `handle` first for every HTTP request and puts `plugins` first in yoga's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { serveGraphiQLAsset } from './graphiql.js';
import { answerMetrics, createMetrics, type Metrics } from './metrics.js';
import { answerReadiness, readinessProbe } from './ready.js';
import { startTracing, type TracingOptions } from './tracing.js';

export { renderGraphiQLPage } from './graphiql.js';
export { createMetrics, type Metrics } from './metrics.js';
export type { Readiness } from './ready.js';
export type { TracingOptions } from './tracing.js';

/** Settings of the operations endpoints, from the environment in `api/`. */
export interface OperationsSettings {
  /** `/metrics` for requests with `Authorization: Bearer <token>`; unset: for loopback clients only. */
  metricsToken?: string;
  /** OpenTelemetry traces, a span per operation; off when unset. */
  tracing?: TracingOptions;
}

export interface OperationsOptions extends OperationsSettings {
  database: Database;
  plugins?: PluginHost;
  /** The platform's metrics (with its jobs' and plugins'); default: a registry of this server's own. */
  metrics?: Metrics;
}

export async function operationsEndpoints(options: OperationsOptions) {
  const ready = readinessProbe(options.database, options.plugins);
  const metrics = options.metrics ?? createMetrics();
  if (!options.metrics) metrics.observe(options.database, options.plugins);
  const tracing = options.tracing ? await startTracing(options.tracing) : undefined;
  return {
    /** Yoga plugins, first of all: the request counts and spans include authentication and limits. */
    plugins: [metrics.plugin(), ...(tracing ? [tracing.plugin] : [])],
    /** Answers the request when it is one of these endpoints; false leaves it to GraphQL. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.url === '/ready') {
        void answerReadiness(ready, res);
        return true;
      }
      if (req.url === '/metrics') {
        void answerMetrics(metrics, req, res, options.metricsToken);
        return true;
      }
      return serveGraphiQLAsset(req, res);
    },
    close: async () => tracing?.close(),
  };
}
