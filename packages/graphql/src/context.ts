import type { Clock, PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver gets: the database, the clock, the plugin host (when plugins run) and DataLoaders. */
export interface WeixiContext {
  database: Database;
  clock: Clock;
  plugins?: PluginHost;
  loaders: Loaders;
}

export function createContext(database: Database, clock: Clock, plugins?: PluginHost): WeixiContext {
  return { database, clock, plugins, loaders: createLoaders(database.db, clock) };
}
