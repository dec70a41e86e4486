/** A preset's sample region subtree, created when absent (an operator's own regions are never changed). */
import { upsertRegions, type RegionInput } from '@weixi/core';
import { queryRows, type Database } from '@weixi/db';
import { sql } from 'drizzle-orm';

export async function ensureRegions(database: Database, regions: readonly RegionInput[]): Promise<void> {
  const codes = regions.map((r) => r.code);
  const existing = new Set((await queryRows<{ code: string }>(database.db, sql`select code from regions where code = any(${sql.param(codes)}::text[])`)).map((r) => r.code));
  const missing = regions.filter((r) => !existing.has(r.code));
  if (missing.length > 0) await upsertRegions(database.db, missing);
}
