import { sql, type SQL } from 'drizzle-orm';

/**
 * Keyset pagination. A page is asked for after or before a position (the sort key values of a row, last
 * one the unique id) and comes back in the requested order, reversed when `inverted` (paging backwards).
 */
export interface PageRequest {
  after?: readonly unknown[] | null;
  before?: readonly unknown[] | null;
  /** Rows to fetch: page size + 1, so the caller can tell whether there is another page. */
  limit: number;
  inverted?: boolean;
}

export type SortDirection = 'asc' | 'desc';

/** `(k1, k2) > (v1, v2)`-style bounds for a page over `keys` sorted `direction`. */
export function keysetBounds(keys: readonly SQL[], direction: SortDirection, page: PageRequest): SQL | undefined {
  const parts: SQL[] = [];
  const tuple = sql.join(keys as SQL[], sql`, `);
  const values = (v: readonly unknown[]) => sql.join(v.map((x) => sql`${x}`), sql`, `);
  const forward = direction === 'asc' ? sql`>` : sql`<`;
  const backward = direction === 'asc' ? sql`<` : sql`>`;
  if (page.after) parts.push(sql`(${tuple}) ${forward} (${values(page.after)})`);
  if (page.before) parts.push(sql`(${tuple}) ${backward} (${values(page.before)})`);
  return parts.length ? sql.join(parts, sql` and `) : undefined;
}

/** ORDER BY for a page: the sort direction, flipped when paging backwards. */
export function keysetOrder(keys: readonly SQL[], direction: SortDirection, inverted = false): SQL {
  const descending = (direction === 'desc') !== inverted;
  return sql.join(keys.map((k) => (descending ? sql`${k} desc` : sql`${k} asc`)), sql`, `);
}
