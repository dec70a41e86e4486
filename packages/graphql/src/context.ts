import type { Clock, PluginHost } from '@weixi/core';
import type { Principal } from '@weixi/core/access';
import type { Database } from '@weixi/db';
import type { JobRunner } from '@weixi/jobs';
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
  jobs?: JobRunner;
  loaders: Loaders;
}

export interface ContextOptions {
  principal: Principal;
  database: Database;
  clock: Clock;
  plugins?: PluginHost;
  jobs?: JobRunner;
}

export function createContext(options: ContextOptions): WeixiContext {
  return { ...options, loaders: createLoaders(options.database.db, options.clock) };
}
