/**
 * The write oracle: an md5 per table over the rows a role may not change, taken before and after each of
 * its mutations. Tables are read from the catalogue, so a table added later is covered the day it lands:
 * a row is bound to a region through its `customer_id`, `task_id`, `segment_id` or `region_id` (null: the
 * national or global level, which only admins change), and a table with none of them is protected whole.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { TestApi } from '../api/harness.js';
import { inBound } from './oracle.js';
import type { SweepRole } from './roles.js';

/** Tables no fingerprint reads, and why. */
const UNFINGERPRINTED: Record<string, string> = {
  audit_log: 'append-only: every mutation adds a row, refused ones included',
};
/** Columns that change without a write by the caller (authentication stamps them). */
const VOLATILE_COLUMNS = ['last_used_at'];

export type Fingerprint = Map<string, { rows: number; hash: string }>;

interface Table {
  name: string;
  columns: string[];
}

export async function tablesOf(api: TestApi): Promise<Table[]> {
  const rows = await api.database.rows<{ name: string; columns: string[] }>(sql`
    select table_name as name, array_agg(column_name::text order by ordinal_position) as columns
    from information_schema.columns
    where table_schema = 'public' and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')
    group by table_name order by table_name`);
  return rows.filter((t) => !(t.name in UNFINGERPRINTED));
}

/** The predicate (over alias `x`) of the rows of `table` that `writes` may change. */
export function writable(table: Table, writes: SweepRole['writes']): SQL {
  if (writes.tables !== 'all' && !writes.tables.includes(table.name)) return sql`false`;
  const region = (column: SQL) => sql`(${column} is not null and ${inBound(column, writes.regions)})`;
  const customer = (column: SQL) => sql`${column} in (select id from customers where ${region(sql`region_id`)})`;
  const task = (column: SQL) =>
    sql`${column} in (select id from retention_tasks where ${customer(sql`customer_id`)}${writes.agent ? sql` and assignee = ${writes.agent}` : sql``})`;
  const has = (column: string) => table.columns.includes(column);
  if (table.name === 'retention_tasks') return writes.agent ? sql`(${customer(sql`x.customer_id`)} and x.assignee = ${writes.agent})` : customer(sql`x.customer_id`);
  if (has('customer_id')) return customer(sql`x.customer_id`);
  if (has('task_id')) return task(sql`x.task_id`);
  if (has('segment_id')) return sql`x.segment_id in (select id from segments where ${region(sql`region_id`)})`;
  if (has('region_id')) return region(sql`x.region_id`);
  return sql`false`;
}

/** Row count and md5 per table of the rows `writes` may not change. */
export async function fingerprint(api: TestApi, tables: Table[], writes: SweepRole['writes']): Promise<Fingerprint> {
  const volatile = sql.raw(VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join(''));
  const parts = tables.map(
    (t) => sql`select ${t.name} as name, count(*)::int as rows, md5(coalesce(string_agg(j, '|' order by j), '')) as hash
      from (select (to_jsonb(x)${volatile})::text as j from ${sql.identifier(t.name)} x where not ${writable(t, writes)}) rows`,
  );
  const rows = await api.database.rows<{ name: string; rows: number; hash: string }>(sql.join(parts, sql` union all `));
  return new Map(rows.map((r) => [r.name, { rows: r.rows, hash: r.hash }]));
}

/** The tables whose protected rows differ, with their row counts: `customers (5 → 6 rows)`. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...after].filter(([name, a]) => before.get(name)?.hash !== a.hash).map(([name, a]) => `${name} (${before.get(name)?.rows ?? 0} → ${a.rows} rows)`);
}
