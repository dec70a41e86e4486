/**
 * The database a command works on: the same settings the server reads (`DATABASE_URL`, else PGlite at
 * `WEIXI_DATA_DIR` or `.weixi/data`), described in words for messages and opened for one command.
 */
import { resolve } from 'node:path';
import { openDatabase, resolveDatabaseTarget, type Database } from '@weixi/db';

export function describeDatabase(): string {
  const target = resolveDatabaseTarget();
  if (target.kind === 'pglite') {
    return target.dataDir.startsWith('memory://') ? 'in-memory PGlite' : `PGlite at ${resolve(target.dataDir)}`;
  }
  try {
    const url = new URL(target.url);
    // Never print the password.
    return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ maxConnections: 2 });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
