import type { Clock, PluginHost } from '@weixi/core';
import type { Principal } from '@weixi/core/access';
import type { Database } from '@weixi/db';
import type { PluginInstallations } from '@weixi/plugin-store';
import type { JobRunner } from '@weixi/jobs';
import type { LiveStreams } from './live.js';
import { createLoaders, type Loaders } from './loaders.js';

/** A plugin's figures where its code runs (the extension host measures them per plugin). */
export interface PluginRuntimeFigures {
  cpuMicros: number;
  heapBytes: number;
  calls: number;
  crashes: number;
  lastCrash: string | null;
}

/** Where plugin code runs in this process, and what each plugin used there. */
export interface PluginRuntime {
  where: 'extension-host' | 'in-process';
  figures(pluginId: string): PluginRuntimeFigures | undefined;
}

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
  /** Where plugin code runs, for admins' `Plugin.runtime`. */
  pluginRuntime?: PluginRuntime;
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
  pluginRuntime?: PluginRuntime;
  jobs?: JobRunner;
  live?: LiveStreams;
  requestId?: string;
  auditDatabase?: Database;
}

export function createContext(options: ContextOptions): WeixiContext {
  return { ...options, auditDatabase: options.auditDatabase ?? options.database, loaders: createLoaders(options.database.db, options.clock, options.principal) };
}
