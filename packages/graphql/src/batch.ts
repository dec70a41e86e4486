import DataLoader from 'dataloader';
import { and, getTableColumns, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { keysetBounds, keysetOrder, type PageRequest, type SortDirection } from '@weixi/core';
import type { Db } from '@weixi/db';
import { idsPlaceholder, runSelect, shapeOf } from './statements.js';

/** A loader whose keys carry shared arguments: keys with the same `group` are fetched in one call. */
export function groupedLoader<K extends { parentId: number }, V>(
  group: (key: K) => string,
  fetch: (parentIds: number[], sample: K) => Promise<Map<number, V>>,
  empty: V,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, K[]>();
      for (const key of keys) {
        const g = group(key);
        groups.set(g, [...(groups.get(g) ?? []), key]);
      }
      const results = new Map<string, V>();
      await Promise.all(
        [...groups.entries()].map(async ([g, members]) => {
          const byParent = await fetch([...new Set(members.map((m) => m.parentId))], members[0]!);
          for (const m of members) results.set(`${g}/${m.parentId}`, byParent.get(m.parentId) ?? empty);
        }),
      );
      return keys.map((k) => results.get(`${group(k)}/${k.parentId}`) ?? empty);
    },
    { cacheKeyFn: (k) => `${group(k)}/${k.parentId}` },
  );
}

export interface ChildPageSpec {
  table: PgTable;
  parent: PgColumn;
  /** Sort keys, the last one unique within a parent. */
  keys: SQL[];
  direction: SortDirection;
  where?: SQL;
}

/**
 * One page of children for each of many parents in ONE statement: a window function numbers each
 * parent's rows in page order and the outer query keeps the first `limit` of each. The statement is built
 * once per shape (`name`, its conditions and bounds, the page size and direction; see statements.ts).
 */
export async function pagePerParent<Row>(db: Db, name: string, spec: ChildPageSpec, parentIds: number[], page: PageRequest): Promise<Map<number, Row[]>> {
  const bounds = keysetBounds(spec.keys, spec.direction, page);
  const conditions = and(bounds, spec.where);
  const key = `page:${name}:${page.limit}:${page.inverted ? 'inverted' : ''}:${shapeOf(db, conditions)}`;
  const rows = await runSelect<Row & { weixiRank: number }>(
    db,
    key,
    () => {
      const ranked = db
        .select({
          ...getTableColumns(spec.table),
          weixiRank: sql<number>`row_number() over (partition by ${spec.parent} order by ${keysetOrder(spec.keys, spec.direction, page.inverted)})`.as('weixi_rank'),
        })
        .from(spec.table)
        .where(and(idsPlaceholder(spec.parent), conditions))
        .as('ranked');
      return db.select().from(ranked).where(lte(ranked.weixiRank, page.limit));
    },
    { ids: parentIds },
  );
  const byParent = new Map<number, (Row & { weixiRank: number })[]>();
  const parentKey = parentKeyOf(spec);
  for (const row of rows) {
    const id = (row as Record<string, unknown>)[parentKey] as number;
    const list = byParent.get(id);
    if (list) list.push(row);
    else byParent.set(id, [row]);
  }
  return new Map([...byParent.entries()].map(([id, list]) => [id, list.sort((a, b) => a.weixiRank - b.weixiRank).map(({ weixiRank: _r, ...row }) => row as Row)]));
}

const parentKeys = new WeakMap<PgColumn, string>();
/** The row property holding the parent id (the TypeScript name of the spec's parent column). */
function parentKeyOf(spec: ChildPageSpec): string {
  let key = parentKeys.get(spec.parent);
  if (key === undefined) {
    key = Object.entries(getTableColumns(spec.table)).find(([, c]) => c.name === spec.parent.name)![0];
    parentKeys.set(spec.parent, key);
  }
  return key;
}

/** Row counts per parent in one grouped statement. */
export async function countPerParent(db: Db, table: PgTable, parent: PgColumn, parentIds: number[], where?: SQL): Promise<Map<number, number>> {
  const rows = await db
    .select({ id: sql<number>`${parent}`, n: sql<number>`count(*)::int` })
    .from(table)
    .where(and(inArray(parent, parentIds), where))
    .groupBy(parent);
  return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
}
