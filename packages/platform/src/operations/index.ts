/**
 * What operators run the server with, apart from GraphQL: `/ready`, `/metrics`, GraphiQL's own assets,
 * and traces. `startServer` asks `handle` first for every HTTP request and puts `plugins` first in yoga's.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export interface OperationsServer {
  /** e.g. `http://127.0.0.1:9464` */
  url: string;
  close(): Promise<void>;
}

/**
 * `/health`, `/ready` and `/metrics` alone on a port of their own: for `weixi worker`, which serves no
 * GraphQL but runs the jobs whose metrics are counted where they run.
 */
export async function startOperationsServer(options: OperationsOptions & { port: number; host?: string }): Promise<OperationsServer> {
  const operations = await operationsEndpoints(options);
  const server = createServer((req, res) => {
    if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else if (!operations.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await operations.close();
    },
  };
}
