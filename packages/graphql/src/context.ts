import type { Clock } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver gets: the database, the clock and this request's DataLoaders. */
export interface WeixiContext {
  database: Database;
  clock: Clock;
  loaders: Loaders;
}

export function createContext(database: Database, clock: Clock): WeixiContext {
  return { database, clock, loaders: createLoaders(database.db, clock) };
}
