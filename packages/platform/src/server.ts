import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type Plugin } from 'graphql-yoga';
import { useRequestBodyLimit } from './limits/request-body.js';
import { inFlightRequests } from './drain.js';
import type { GraphQLSchema } from 'graphql';
import { systemClock, type Clock, type PluginHost } from '@weixi/core';
import type { PluginInstallations } from '@weixi/plugin-store';
import type { JobRunner } from '@weixi/jobs';
import type { Database } from '@weixi/db';
import { buildSchema, createContext, type PluginRuntime } from '@weixi/graphql';
import { jwtOptionsFromEnv } from '@weixi/core/access';
import { graphiqlWelcome, type AuthOptions } from './auth.js';
import { authenticateFirst, DEFAULT_AUTH_FAILURES } from './authenticate-first.js';
import { corsOption, hostCheck, refuseHost, type OriginOptions } from './origins.js';
import { createLogger, isClientError, type Logger } from './log.js';
import { hardening, type HardeningOptions } from './hardening.js';
import { useInputErrors } from './input-errors.js';
import { isLoggedLater, useRequestErrors } from './masking.js';
import { assignRequestId, requestIdOf } from './request-id.js';
import { rowSecurity } from './row-security.js';
import { operationsEndpoints, renderGraphiQLPage, type Metrics, type OperationsSettings } from './operations/index.js';
import { consoleDirectory, staticFiles } from './static-files.js';
import type { Principal } from '@weixi/core/access';
import type { LiveEvents } from '@weixi/live';
import { startLiveUpdates } from './live-updates.js';
import { useScopedSubscriptions } from './subscriptions.js';
import { credentialOf, serveWebSockets, SOCKET_PRINCIPAL } from './websocket.js';

/**
 * Also: query limits, rate limits, error masking and persisted operations (`HardeningOptions`), CORS
 * origins and allowed Host names (`OriginOptions`), and the metrics token and tracing (`OperationsSettings`).
 */
export interface WeixiServerOptions extends HardeningOptions, OriginOptions, OperationsSettings {
  database: Database;
  clock?: Clock;
  port?: number;
  host?: string;
  schema?: GraphQLSchema;
  logger?: Logger;
  /** Plugins: their fields join the schema, which is rebuilt and swapped in whenever the host changes. */
  plugins?: PluginHost;
  /** Plugins installed from a registry (installPlugin, upgradePlugin, ...). */
  installations?: PluginInstallations;
  /** Where plugin code runs and what each plugin used there (`Plugin.runtime`); default: in this process, unmeasured. */
  pluginRuntime?: PluginRuntime;
  jobs?: JobRunner;
  /** How requests authenticate (JWT settings; API keys always work). Default: from the environment. */
  auth?: AuthOptions;
  /** Metrics to serve on `/metrics` and count requests in; default: the server's own. */
  metrics?: Metrics;
  /** Changes subscriptions stream from; default: this server follows the database's live notices. `false`: none. */
  live?: LiveEvents | false;
  /** On close, how long requests in flight may take to finish before their connections are cut (default 5 s). */
  drainMs?: number;
}

const DEFAULT_DRAIN_MS = 5_000;

export interface WeixiServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves GraphQL (with GraphiQL; subscriptions over SSE and graphql-ws) on `/graphql`, and `/health`, `/ready`
 * and `/metrics` (see operations/).
 */
export async function startServer(options: WeixiServerOptions): Promise<WeixiServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const host = options.plugins;
  const auth = options.auth ?? { jwt: jwtOptionsFromEnv() };
  const build = () => options.schema ?? buildSchema({ pluginFields: host?.fields.list() ?? [], pluginTypes: host?.types.list() ?? [] });
  let schema = build();
  // Enabling or disabling a plugin rebuilds the schema with a fresh builder; requests already running
  // finish on the schema they started with, new ones get the new one.
  const subscription = host?.onChange(() => {
    try {
      schema = build();
      logger.info('schema rebuilt', { pluginFields: host.fields.list().length, pluginTypes: host.types.list().length });
    } catch (error) {
      logger.error('schema rebuild failed; keeping the previous schema', { error });
    }
  });
  const protections = hardening(options, clock, logger);
  const operations = await operationsEndpoints({ ...options, plugins: host });
  const live = await startLiveUpdates(options.database, logger, options.live);
  const door = authenticateFirst({ database: options.database, clock, auth, failures: options.authFailures ?? DEFAULT_AUTH_FAILURES });
  const yoga = createYoga({
    graphqlEndpoint: '/graphql',
    cors: corsOption(options),
    context: async ({ request, req, [SOCKET_PRINCIPAL]: socketPrincipal }: { request: Request; req?: object; [SOCKET_PRINCIPAL]?: Principal }) => {
      // A WebSocket connection authenticated once, as it opened (websocket.ts).
      const principal = socketPrincipal ?? (await door.principal(request));
      return createContext({ principal, database: options.database, clock, plugins: host, installations: options.installations, pluginRuntime: options.pluginRuntime, jobs: options.jobs, live: live.events, requestId: requestIdOf({ req }) });
    },
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(String(args[0]), { detail: args.slice(1) }),
      info: (...args) => logger.info(String(args[0]), { detail: args.slice(1) }),
      warn: (...args) => logger.warn(String(args[0]), { detail: args.slice(1) }),
      error: (...args) => {
        // A masked error's original is logged with its request id by useRequestErrors.
        if (isClientError(args[0]) || isLoggedLater(args[0])) return;
        logger.error('request failed', { error: args[0] });
      },
    },
    graphiql: { title: 'Weixi GraphQL', defaultQuery: graphiqlWelcome() },
    renderGraphiQL: renderGraphiQLPage,
    maskedErrors: protections.maskedErrors,
    batching: protections.batching,
    // Authentication first, so nothing else runs for an anonymous caller; row security last, so requests
    // the limits refuse never open a transaction.
    // The current schema for each operation, set as it is enveloped, so WebSocket operations (which
    // bypass yoga's HTTP request parsing) get it as HTTP ones do.
    plugins: [{ onEnveloped: ({ setSchema }) => setSchema(schema) } satisfies Plugin, ...operations.plugins, door.plugin, useInputErrors(), ...protections.plugins, rowSecurity(), useScopedSubscriptions((ctx) => {
      const { authorization, address } = credentialOf(ctx);
      return door.authenticate(authorization, address);
    }), useRequestErrors(logger), useRequestBodyLimit()],
    maxRequestBodySize: false, // useRequestBodyLimit, at a fraction of the CPU
  });
  const bindHost = options.host ?? '127.0.0.1';
  const knownHost = hostCheck(bindHost, options);
  // The built console (examples/console) at /console/, when there is one (WEIXI_CONSOLE_DIR or its dist/).
  const consoleFiles = staticFiles(consoleDirectory(), '/console');
  const inFlight = inFlightRequests();
  const server = createHttpServer((req, res) => {
    if (knownHost && !knownHost(req)) {
      refuseHost(res);
      return;
    }
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', database: options.database.kind }));
      return;
    }
    if (operations.handle(req, res)) return;
    if (consoleFiles?.(req, res)) return;
    res.setHeader('X-Request-Id', assignRequestId(req));
    inFlight.track(req, Promise.resolve(yoga(req, res)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  // Persisted-only servers answer nothing but their operations, which only the HTTP path looks up.
  const persistedOnly = options.persistedOperations && !options.persistedOperations.allowArbitrary;
  const sockets = persistedOnly ? undefined : serveWebSockets({ server, yoga, authenticate: door.authenticate, knownHost, logger });
  // Idle keep-alive sockets stay open longer than the usual proxy or client idle time (60 s): closing one at
  // Node's default 5 s while a client sends its next request on it loses that request (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port, address } = server.address() as AddressInfo;
  const hostname = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${hostname}:${port}/graphql`,
    server,
    close: async () => {
      subscription?.dispose();
      await sockets?.close();
      await live.close();
      void protections.close();
      void operations.close();
      // No new connections or requests; those in flight finish (up to drainMs) before the rest are cut.
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeIdleConnections();
      await inFlight.settled(options.drainMs ?? DEFAULT_DRAIN_MS);
      server.closeAllConnections();
      await closed;
    },
  };
}
