import type { Clock, PluginHost } from '@weixi/core';
import type { Principal } from '@weixi/core/access';
import type { Database } from '@weixi/db';
import type { PluginInstallations } from '@weixi/plugin-store';
import type { JobRunner } from '@weixi/jobs';
import type { LiveStreams } from './live.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * What every resolver gets: who is asking (`principal`, authenticated before execution), the database,
 * the clock, the plugin host and job runner (when they run) and the request's DataLoaders.
 */
export interface WeixiContext {
  principal: Principal;
  database: Database;
  clock: Clock;
  plugins?: PluginHost;
  /** Plugins installed from a registry, when the server runs a plugin host. */
  installations?: PluginInstallations;
  jobs?: JobRunner;
  /** Changed ids for subscriptions, when the server follows live notices. */
  live?: LiveStreams;
  loaders: Loaders;
  /** The HTTP request's id (`X-Request-Id`), recorded in the audit log. */
  requestId?: string;
  /**
   * The database outside any request-long transaction (row security runs one): failed mutations are
   * audited there, so a request whose transaction rolls back keeps its audit rows. Default: `database`.
   */
  auditDatabase: Database;
}

export interface ContextOptions {
  principal: Principal;
  database: Database;
  clock: Clock;
  plugins?: PluginHost;
  installations?: PluginInstallations;
  jobs?: JobRunner;
  live?: LiveStreams;
  requestId?: string;
  auditDatabase?: Database;
}

export function createContext(options: ContextOptions): WeixiContext {
  return { ...options, auditDatabase: options.auditDatabase ?? options.database, loaders: createLoaders(options.database.db, options.clock, options.principal) };
}
