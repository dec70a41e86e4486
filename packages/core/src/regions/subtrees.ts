/** Region subtrees as SQL: a region path covers itself and every region below it (`/JS/` covers `/JS/JS-NJ/`). */
import { like, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { regions } from '@weixi/db';

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
