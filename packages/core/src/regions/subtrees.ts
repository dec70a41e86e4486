/** Region subtrees as SQL: a region path covers itself and every region below it (`/JS/` covers `/JS/JS-NJ/`). */
import { like, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { regions, type Db } from '@weixi/db';
import { IssueList } from '../errors.js';
import { regionsByCode } from './regions.js';

/** Escapes LIKE wildcards, so a code such as `A_B` matches only itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `<column> in (select id from regions where path like '/JS/%' or ...)`; no paths: FALSE. */
export function inSubtreesSql(paths: readonly string[], regionIdColumn: AnyColumn | SQL): SQL {
  if (paths.length === 0) return sql`false`;
  const matches = or(...paths.map((p) => like(regions.path, `${escapeLike(p)}%`)))!;
  return sql`${regionIdColumn} in (select ${regions.id} from ${regions} where ${matches})`;
}

/**
 * `regionIdColumn` within the subtree of any of the regions of `codes`; an unknown code is a BAD_USER_INPUT
 * issue at `${path}[i]`.
 */
export async function inRegionSubtrees(db: Db, codes: readonly string[], path: string, regionIdColumn: AnyColumn): Promise<SQL> {
  const found = await regionsByCode(db, codes);
  const issues = new IssueList();
  codes.forEach((code, i) => {
    if (!found.has(code)) issues.add(`${path}[${i}]`, `region ${JSON.stringify(code)} does not exist`);
  });
  issues.throwIfAny();
  return inSubtreesSql([...found.values()].map((r) => r.path), regionIdColumn);
}
