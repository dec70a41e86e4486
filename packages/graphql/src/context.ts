import type { Clock, PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import type { JobRunner } from '@weixi/jobs';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver gets: the database, the clock, the plugin host (when plugins run) and DataLoaders. */
export interface WeixiContext {
  database: Database;
  clock: Clock;
  plugins?: PluginHost;
  jobs?: JobRunner;
  loaders: Loaders;
}

export function createContext(database: Database, clock: Clock, plugins?: PluginHost, jobs?: JobRunner): WeixiContext {
  return { database, clock, plugins, jobs, loaders: createLoaders(database.db, clock) };
}
