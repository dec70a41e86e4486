import { inArray } from 'drizzle-orm';
import { regions, type Db } from '@weixi/db';

export type Region = typeof regions.$inferSelect;

/** Looks up regions by code in one query; the map holds only the codes that exist. */
export async function regionsByCode(db: Db, codes: readonly string[]): Promise<Map<string, Region>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Map();
  const rows = await db.select().from(regions).where(inArray(regions.code, unique));
  return new Map(rows.map((r) => [r.code, r]));
}
