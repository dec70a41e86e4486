import DataLoader from 'dataloader';
import { inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { lifecycleOf, monthStart, type Clock, type CustomerLifecycle, type PageRequest } from '@weixi/core';
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

export type CustomerRow = typeof customers.$inferSelect;
export type RegionRow = typeof regions.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;
export type MembershipRow = typeof segmentMemberships.$inferSelect;
export type TaskRow = typeof retentionTasks.$inferSelect;
export type UsageRow = typeof monthlyUsage.$inferSelect;
export type EventRow = typeof customerEvents.$inferSelect;
export type TransitionRow = typeof taskTransitions.$inferSelect;
export type AttemptRow = typeof taskAttempts.$inferSelect;

function byIdLoader<Row extends { id: number }>(db: Db, table: PgTable & { id: unknown }) {
  return new DataLoader<number, Row | null>(async (ids) => {
    const rows = (await db
      .select()
      .from(table)
      .where(inArray((table as unknown as { id: typeof customers.id }).id, [...ids]))) as unknown as Row[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** A page request for the children of one parent. */
export interface ChildPageKey {
  parentId: number;
  page: PageRequest;
  /** Field arguments beyond paging (`months`, `includePast`); keys with equal args batch together. */
  args?: { months?: number; includePast?: boolean };
}

function childPages<Row>(db: Db, spec: (key: ChildPageKey) => ChildPageSpec) {
  return groupedLoader<ChildPageKey, Row[]>(
    (k) => JSON.stringify([k.page, k.args ?? {}]),
    (ids, sample) => pagePerParent<Row>(db, spec(sample), ids, sample.page),
    [],
  );
}

function childCounts(db: Db, table: PgTable, parent: Parameters<typeof countPerParent>[2], where?: (key: { parentId: number; flag?: boolean }) => SQL | undefined) {
  return groupedLoader<{ parentId: number; flag?: boolean }, number>(
    (k) => String(k.flag ?? ''),
    (ids, sample) => countPerParent(db, table, parent, ids, where?.(sample)),
    0,
  );
}

/** The DataLoaders of one request: every nested list is fetched once per page, never once per parent. */
export function createLoaders(db: Db, clock: Clock) {
  const openStay = isNull(segmentMemberships.leftAt);
  return {
    customer: byIdLoader<CustomerRow>(db, customers),
    region: byIdLoader<RegionRow>(db, regions),
    segment: byIdLoader<SegmentRow>(db, segments),
    task: byIdLoader<TaskRow>(db, retentionTasks),
    lifecycle: new DataLoader<number, CustomerLifecycle | undefined>(async (ids) => {
      const found = await lifecycleOf(db, ids, { now: clock.now() });
      return ids.map((id) => found.get(id));
    }),

    /** Usage from `months` months back, newest first (the current month too, once recorded). */
    usage: childPages<UsageRow>(
      db,
      (k) => ({
        table: monthlyUsage,
        parent: monthlyUsage.customerId,
        keys: [sql`${monthlyUsage.month}`],
        direction: 'desc',
        where: sql`${monthlyUsage.month} >= ${monthStart(clock.now(), -(k.args?.months ?? 6))}`,
      }),
    ),
    usageCount: groupedLoader<{ parentId: number; months: number }, number>(
      (k) => String(k.months),
      (ids, sample) => countPerParent(db, monthlyUsage, monthlyUsage.customerId, ids, sql`${monthlyUsage.month} >= ${monthStart(clock.now(), -sample.months)}`),
      0,
    ),
    tasks: childPages<TaskRow>(db, () => ({ table: retentionTasks, parent: retentionTasks.customerId, keys: [sql`${retentionTasks.id}`], direction: 'desc' })),
    taskCount: childCounts(db, retentionTasks, retentionTasks.customerId),
    events: childPages<EventRow>(db, () => ({
      table: customerEvents,
      parent: customerEvents.customerId,
      keys: [sql`${customerEvents.occurredAt}`, sql`${customerEvents.id}`],
      direction: 'desc',
    })),
    eventCount: childCounts(db, customerEvents, customerEvents.customerId),
    memberships: childPages<MembershipRow>(
      db,
      (k) => ({
        table: segmentMemberships,
        parent: segmentMemberships.customerId,
        keys: [sql`${segmentMemberships.id}`],
        direction: 'desc',
        where: k.args?.includePast ? undefined : openStay,
      }),
    ),
    membershipCount: childCounts(db, segmentMemberships, segmentMemberships.customerId, (k) => (k.flag ? undefined : openStay)),
    transitions: childPages<TransitionRow>(db, () => ({ table: taskTransitions, parent: taskTransitions.taskId, keys: [sql`${taskTransitions.id}`], direction: 'asc' })),
    transitionCount: childCounts(db, taskTransitions, taskTransitions.taskId),
    attempts: childPages<AttemptRow>(db, () => ({ table: taskAttempts, parent: taskAttempts.taskId, keys: [sql`${taskAttempts.id}`], direction: 'asc' })),
    attemptCount: childCounts(db, taskAttempts, taskAttempts.taskId),
    regionChildren: childPages<RegionRow>(db, () => ({ table: regions, parent: regions.parentId, keys: [sql`${regions.code}`], direction: 'asc' })),
    regionChildCount: childCounts(db, regions, regions.parentId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
