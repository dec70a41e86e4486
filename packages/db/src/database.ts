import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.js';
import { withPrelude } from './prelude.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A drizzle database over either driver; every Weixi query is written against this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseClient =
  | { kind: 'pglite'; pglite: PGlite }
  | { kind: 'postgres'; sql: postgres.Sql };

export interface Database {
  readonly db: Db;
  readonly kind: DatabaseClient['kind'];
  readonly client: DatabaseClient;
  /** Runs raw SQL and returns its rows, whichever driver is underneath. Cast bigint/numeric in SQL. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Calls `listener` with the text of every statement sent through drizzle; returns an unsubscribe. */
  onStatement(listener: (text: string) => void): () => void;
  /**
   * This database with `prelude` executed just before each of its statements, in that statement's own
   * implicit transaction (or inside the transaction the statement belongs to): what the prelude sets with
   * `set_config(..., true)` holds for that statement alone and never outlives it on a pooled connection.
   * If the prelude fails, the statement fails without running. PostgreSQL only (row-level security).
   */
  withPrelude(prelude: SQL): Database;
  /** Applies pending migrations (safe to call from several processes at once on PostgreSQL). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL. Defaults to `DATABASE_URL`; when neither is set, the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory. Defaults to `WEIXI_DATA_DIR`, then `.weixi/data`. `memory://` keeps it in memory. */
  dataDir?: string;
  /** An existing PGlite (tests load one from a migrated template). */
  pglite?: PGlite;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

export function resolveDatabaseTarget(options: OpenDatabaseOptions = {}): { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } {
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: options.dataDir ?? process.env.WEIXI_DATA_DIR ?? '.weixi/data' };
}

/** Opens the platform database: PostgreSQL when a URL is given or `DATABASE_URL` is set, else PGlite. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const listeners = new Set<(text: string) => void>();
  const logger: Logger = {
    logQuery(query) {
      for (const listener of listeners) listener(query);
    },
  };
  const target = options.pglite ? undefined : resolveDatabaseTarget(options);

  if (target?.kind === 'postgres') {
    // Our driver patch: a transaction's BEGIN travels with its first statements (pipeline_begin), and a
    // statement drizzle sends unnamed is prepared from its text's second run on (prepare_repeated), so it
    // stops paying a Describe round trip and a parse and plan each time.
    const sql = postgres(target.url, { max: options.maxConnections ?? 10, onnotice: () => {}, pipeline_begin: true, prepare_repeated: 2 });
    const db = drizzlePostgres(sql, { schema, logger }) as unknown as Db;
    const preluded = (prelude: SQL) => drizzlePostgres(withPrelude(sql, prelude), { schema, logger }) as unknown as Db;
    return makeDatabase(db, { kind: 'postgres', sql }, listeners, preluded, async () => {
      // One migrator at a time: a single-connection client holds a session advisory lock.
      const conn = postgres(target.url, { max: 1, onnotice: () => {} });
      try {
        await conn`select pg_advisory_lock(hashtext('weixi.migrate'))`;
        await migratePostgres(drizzlePostgres(conn), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await conn.end({ timeout: 5 });
      }
    }, () => sql.end({ timeout: 5 }));
  }

  let pglite = options.pglite;
  let release = () => {};
  if (!pglite) {
    const dataDir = target!.kind === 'pglite' ? target!.dataDir : 'memory://';
    if (!dataDir.startsWith('memory://')) {
      mkdirSync(dataDir, { recursive: true });
      release = await lockDataDir(dataDir);
    }
    pglite = new PGlite(dataDir);
  }
  try {
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const client = pglite;
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  const noPrelude = () => {
    throw new Error('a statement prelude needs PostgreSQL; the embedded database is one session');
  };
  return makeDatabase(db, { kind: 'pglite', pglite: client }, listeners, noPrelude, async () => {
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
  }, async () => {
    try {
      await client.close();
    } finally {
      release();
    }
  });
}

/** Runs raw SQL through drizzle and returns its rows, whichever driver is underneath. */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

function makeDatabase(
  db: Db,
  client: DatabaseClient,
  listeners: Set<(text: string) => void>,
  preluded: (prelude: SQL) => Db,
  migrate: () => Promise<void>,
  close: () => Promise<void>,
): Database {
  return {
    db,
    kind: client.kind,
    client,
    rows: (query) => queryRows(db, query),
    withPrelude: (prelude) => makeDatabase(preluded(prelude), client, listeners, preluded, migrate, close),
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    migrate,
    close,
  };
}
