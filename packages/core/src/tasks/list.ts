import { and, eq, getTableColumns, inArray, lt, type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { retentionTasks, type Db, type TaskState } from '@weixi/db';
import { inRegionSubtrees } from '../regions/subtrees.js';
import { keysetBounds, keysetOrder, type PageRequest } from '../pages.js';
import type { RetentionTask } from './tasks.js';

export interface TaskFilter {
  states?: readonly TaskState[] | null;
  customerId?: number | null;
  assignee?: string | null;
  tactic?: string | null;
  channel?: string | null;
  dueBefore?: Date | null;
  /** Tasks whose customer lives in the subtree of any of these regions. */
  regionCodes?: readonly string[] | null;
}

export async function taskFilterSql(db: Db, filter: TaskFilter | null | undefined, path = 'filter'): Promise<SQL | undefined> {
  if (!filter) return undefined;
  const parts: (SQL | undefined)[] = [];
  if (filter.states?.length) parts.push(inArray(retentionTasks.state, [...filter.states]));
  if (filter.customerId != null) parts.push(eq(retentionTasks.customerId, filter.customerId));
  if (filter.assignee != null) parts.push(eq(retentionTasks.assignee, filter.assignee));
  if (filter.tactic != null) parts.push(eq(retentionTasks.tactic, filter.tactic));
  if (filter.channel != null) parts.push(eq(retentionTasks.channel, filter.channel));
  if (filter.dueBefore != null) parts.push(lt(retentionTasks.dueAt, filter.dueBefore));
  if (filter.regionCodes?.length) parts.push(await inRegionSubtrees(db, filter.regionCodes, `${path}.regionCodes`, retentionTasks.regionId));
  return and(...parts);
}

/** Tasks by due time, soonest first (the work queue order), keyset-paged. */
export async function listTasks(db: Db, where: SQL | undefined, page: PageRequest): Promise<RetentionTask[]> {
  return tasksPageQuery(db, where, page);
}

/**
 * The select of `listTasks`, not yet run (to be prepared once per shape by the caller). `columns` replaces
 * the select list (the API selects the columns its fields read, and nested fields as json); it must hold
 * `dueAt` and `id`, the sort keys.
 */
export function tasksPageQuery(db: Db, where: SQL | undefined, page: PageRequest, columns?: Record<string, AnyColumn | SQL>) {
  const keys = [sql`${retentionTasks.dueAt}`, sql`${retentionTasks.id}`];
  return db
    .select((columns ?? getTableColumns(retentionTasks)) as ReturnType<typeof getTableColumns<typeof retentionTasks>>)
    .from(retentionTasks)
    .where(and(where, keysetBounds(keys, 'asc', page)))
    .orderBy(keysetOrder(keys, 'asc', page.inverted))
    .limit(page.limit);
}

export function taskSortKey(task: RetentionTask): unknown[] {
  return [task.dueAt.toISOString(), task.id];
}

export async function countTasks(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(retentionTasks).where(where);
  return Number(row?.n ?? 0);
}
