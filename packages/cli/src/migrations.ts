/**
 * Applies the migrations and tells which ones it applied. The drizzle migrator reports nothing, so this
 * compares its bookkeeping table (`drizzle.__drizzle_migrations`, one row per migration, `created_at` = the
 * journal's `when`) before and after.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, type Database } from '@weixi/db';
import { sql } from 'drizzle-orm';

export interface MigrationReport {
  /** Tags of the migrations this run applied, in order (`0000_initial`, ...). */
  applied: string[];
  /** How many migrations the database has now. */
  total: number;
}

export async function applyMigrations(database: Database): Promise<MigrationReport> {
  const before = await appliedTimestamps(database);
  await database.migrate();
  const after = await appliedTimestamps(database);
  const journal = await readJournal();
  const applied = [...after].filter((when) => !before.has(when)).map((when) => journal.get(when) ?? `migration ${when}`);
  return { applied, total: after.size };
}

async function appliedTimestamps(database: Database): Promise<Set<string>> {
  const [table] = await database.rows<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!table?.present) return new Set();
  const rows = await database.rows<{ when: string }>(sql`select created_at::text as when from drizzle.__drizzle_migrations`);
  return new Set(rows.map((r) => r.when));
}

async function readJournal(): Promise<Map<string, string>> {
  const text = await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8');
  const journal = JSON.parse(text) as { entries: Array<{ when: number; tag: string }> };
  return new Map(journal.entries.map((e) => [String(e.when), e.tag]));
}
