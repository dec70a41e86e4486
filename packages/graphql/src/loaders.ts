import DataLoader from 'dataloader';
import { and, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { lifecycleOf, monthStart, type Clock, type CustomerLifecycle, type PageRequest } from '@weixi/core';
import { regionScopeSql, visibleRegionPaths, type Principal } from '@weixi/core/access';
import {
  customerEvents,
  customers,
  monthlyUsage,
  regions,
  retentionTasks,
  segmentMemberships,
  segments,
  taskAttempts,
  taskTransitions,
  type Db,
} from '@weixi/db';
import { countPerParent, groupedLoader, pagePerParent, type ChildPageSpec } from './batch.js';
import { once } from './once.js';
import { customerScope, regionVisibility, segmentVisibility, taskScope } from './visibility.js';

export type CustomerRow = typeof customers.$inferSelect;
export type RegionRow = typeof regions.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;
export type MembershipRow = typeof segmentMemberships.$inferSelect;
export type TaskRow = typeof retentionTasks.$inferSelect;
export type UsageRow = typeof monthlyUsage.$inferSelect;
export type EventRow = typeof customerEvents.$inferSelect;
export type TransitionRow = typeof taskTransitions.$inferSelect;
export type AttemptRow = typeof taskAttempts.$inferSelect;

/** Rows by id in one statement per batch; ids the caller cannot see (outside `visible`) load as null. */
export function byIdLoader<Row extends { id: number }>(db: Db, table: PgTable & { id: unknown }, visible: SQL) {
  return new DataLoader<number, Row | null>(async (ids) => {
    const rows = (await db
      .select()
      .from(table)
      .where(and(inArray((table as unknown as { id: typeof customers.id }).id, [...ids]), visible))) as unknown as Row[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Field arguments beyond paging (`months`, `includePast`); keys with equal args batch together. */
export interface ChildArgs {
  months?: number;
  includePast?: boolean;
}

/** A page request for the children of one parent. */
export interface ChildPageKey {
  parentId: number;
  page: PageRequest;
  args?: ChildArgs;
}

/** The two loaders behind a nested connection: its pages and its total counts, both batched per request. */
export interface ChildLoaders<Row> {
  pages: DataLoader<ChildPageKey, Row[], string>;
  count: DataLoader<{ parentId: number; args?: ChildArgs }, number, string>;
}

export function child<Row>(db: Db, spec: (args: ChildArgs) => ChildPageSpec): ChildLoaders<Row> {
  return {
    pages: groupedLoader<ChildPageKey, Row[]>(
      (k) => JSON.stringify([k.page, k.args ?? {}]),
      (ids, sample) => pagePerParent<Row>(db, spec(sample.args ?? {}), ids, sample.page),
      [],
    ),
    count: groupedLoader<{ parentId: number; args?: ChildArgs }, number>(
      (k) => JSON.stringify(k.args ?? {}),
      (ids, sample) => {
        const s = spec(sample.args ?? {});
        return countPerParent(db, s.table, s.parent, ids, s.where);
      },
      0,
    ),
  };
}

/**
 * The DataLoaders of one request: every nested list is fetched once per page, never once per parent, and
 * every loader only returns what the principal sees (its predicate is part of the same statement).
 */
export function createLoaders(db: Db, clock: Clock, principal: Principal) {
  const openStay = isNull(segmentMemberships.leftAt);
  const visibleSegment = inArray(segmentMemberships.segmentId, db.select({ id: segments.id }).from(segments).where(segmentVisibility(principal)));
  const visibleRegion = regionVisibility(principal);
  const visibleCustomer = inArray(segmentMemberships.customerId, db.select({ id: customers.id }).from(customers).where(customerScope(principal)));
  return {
    customer: byIdLoader<CustomerRow>(db, customers, customerScope(principal)),
    region: byIdLoader<RegionRow>(db, regions, visibleRegion),
    segment: byIdLoader<SegmentRow>(db, segments, segmentVisibility(principal)),
    task: byIdLoader<TaskRow>(db, retentionTasks, taskScope(principal)),
    /** Current members of each segment among the customers the principal sees. */
    segmentCount: new DataLoader<number, number>(async (ids) => {
      const counts = await countPerParent(db, segmentMemberships, segmentMemberships.segmentId, [...ids], and(openStay, visibleCustomer));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    /** Codes of the regions the principal sees as a whole (its subtrees), for plugin resolvers; `all` when unbounded. */
    visibleRegionCodes: once(async (): Promise<readonly string[] | 'all'> => {
      const paths = visibleRegionPaths(principal);
      if (paths === 'all') return 'all';
      if (paths === 'none') return [];
      return (await db.select({ code: regions.code }).from(regions).where(regionScopeSql(principal, regions.id)).orderBy(regions.path)).map((r) => r.code);
    }),
    lifecycle: new DataLoader<number, CustomerLifecycle | undefined>(async (ids) => {
      const found = await lifecycleOf(db, ids, { now: clock.now() });
      return ids.map((id) => found.get(id));
    }),

    /** Usage from `months` months back, newest first (the current month too, once recorded). */
    usage: child<UsageRow>(db, (a) => ({
      table: monthlyUsage,
      parent: monthlyUsage.customerId,
      keys: [sql`${monthlyUsage.month}`],
      direction: 'desc',
      where: sql`${monthlyUsage.month} >= ${monthStart(clock.now(), -(a.months ?? 6))}`,
    })),
    tasks: child<TaskRow>(db, () => ({ table: retentionTasks, parent: retentionTasks.customerId, keys: [sql`${retentionTasks.id}`], direction: 'desc', where: taskScope(principal) })),
    events: child<EventRow>(db, () => ({
      table: customerEvents,
      parent: customerEvents.customerId,
      keys: [sql`${customerEvents.occurredAt}`, sql`${customerEvents.id}`],
      direction: 'desc',
    })),
    memberships: child<MembershipRow>(db, (a) => ({
      table: segmentMemberships,
      parent: segmentMemberships.customerId,
      keys: [sql`${segmentMemberships.id}`],
      direction: 'desc',
      where: and(a.includePast ? undefined : openStay, visibleSegment),
    })),
    transitions: child<TransitionRow>(db, () => ({ table: taskTransitions, parent: taskTransitions.taskId, keys: [sql`${taskTransitions.id}`], direction: 'asc' })),
    attempts: child<AttemptRow>(db, () => ({ table: taskAttempts, parent: taskAttempts.taskId, keys: [sql`${taskAttempts.id}`], direction: 'asc' })),
    regionChildren: child<RegionRow>(db, () => ({ table: regions, parent: regions.parentId, keys: [sql`${regions.code}`], direction: 'asc', where: visibleRegion })),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
