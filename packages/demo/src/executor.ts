import type { Db } from '@weixi/db';
import type { SQL } from 'drizzle-orm';

/** A database handle or an open transaction: the generator runs the same statements on either. */
export type Executor = Pick<Db, 'execute' | 'insert'>;

/** Rows of a raw statement; postgres.js returns them as the result, PGlite under `.rows`. */
export async function queryRows<T extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
