import DataLoader from 'dataloader';
import { and, getTableName, inArray, isNull, sql, type SQL } from 'drizzle-orm';
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
import { idsPlaceholder, runSelect, shapeOf } from './statements.js';
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
  const idColumn = (table as unknown as { id: typeof customers.id }).id;
  const key = `byId:${getTableName(table)}:${shapeOf(db, visible)}`;
  return new DataLoader<number, Row | null>(async (ids) => {
    const rows = await runSelect<Row>(db, key, () => db.select().from(table).where(and(idsPlaceholder(idColumn), visible)), { ids: [...ids] });
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
  /** What the loaders fetch, for a statement that fetches the same pages with their parents (prefetch.ts). */
  spec: (args: ChildArgs) => ChildPageSpec;
}

/**
 * The group of a child page key: keys with equal page and arguments are fetched together. Written out
 * rather than JSON of the key objects (this runs for every load and prime); the cursors, last, as JSON.
 */
export function childGroup(page: PageRequest, args: ChildArgs | undefined): string {
  const cursors = page.after || page.before ? JSON.stringify([page.after ?? null, page.before ?? null]) : '';
  return `${page.limit}:${page.inverted ? 1 : 0}:${args?.months ?? ''}:${args?.includePast ?? ''}:${cursors}`;
}

export function child<Row>(db: Db, name: string, spec: (args: ChildArgs) => ChildPageSpec): ChildLoaders<Row> {
  return {
    spec,
    pages: groupedLoader<ChildPageKey, Row[]>(
      (k) => childGroup(k.page, k.args),
      (ids, sample) => pagePerParent<Row>(db, name, spec(sample.args ?? {}), ids, sample.page),
      [],
    ),
    count: groupedLoader<{ parentId: number; args?: ChildArgs }, number>(
      (k) => `${k.args?.months ?? ''}:${k.args?.includePast ?? ''}`,
      (ids, sample) => {
        const s = spec(sample.args ?? {});
        return countPerParent(db, s.table, s.parent, ids, s.where);
      },
      0,
    ),
  };
}

const USAGE_KEYS = [sql`${monthlyUsage.month}`];
const TASK_KEYS = [sql`${retentionTasks.id}`];
const usageBounds = new Map<string, SQL>();

/** Usage from `month` on, one SQL object per month, so statements.ts writes its text once. */
function usageFrom(month: string): SQL {
  let bound = usageBounds.get(month);
  if (!bound) {
    if (usageBounds.size >= 100) usageBounds.clear();
    bound = sql`${monthlyUsage.month} >= ${month}`;
    usageBounds.set(month, bound);
  }
  return bound;
}

/**
 * The DataLoaders of one request: every nested list is fetched once per page, never once per parent, and
 * every loader only returns what the principal sees (its predicate is part of the same statement). Each
 * loader is built on first use: a request touches a few of them, and row security builds a second set on
 * its transaction, so building all of them up front was most of a small request's allocations.
 */
export class Loaders {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #principal: Principal;
  readonly #built = new Map<string, unknown>();

  constructor(db: Db, clock: Clock, principal: Principal) {
    this.#db = db;
    this.#clock = clock;
    this.#principal = principal;
  }

  #once<T>(name: string, build: (db: Db, principal: Principal) => T): T {
    let loader = this.#built.get(name) as T | undefined;
    if (loader === undefined) {
      loader = build(this.#db, this.#principal);
      this.#built.set(name, loader);
    }
    return loader;
  }

  get customer() {
    return this.#once('customer', (db, p) => byIdLoader<CustomerRow>(db, customers, customerScope(p)));
  }
  get region() {
    return this.#once('region', (db, p) => byIdLoader<RegionRow>(db, regions, regionVisibility(p)));
  }
  get segment() {
    return this.#once('segment', (db, p) => byIdLoader<SegmentRow>(db, segments, segmentVisibility(p)));
  }
  get task() {
    return this.#once('task', (db, p) => byIdLoader<TaskRow>(db, retentionTasks, taskScope(p)));
  }
  /** Current members of each segment among the customers the principal sees. */
  get segmentCount() {
    return this.#once('segmentCount', (db, p) => {
      const visibleCustomer = inArray(segmentMemberships.customerId, db.select({ id: customers.id }).from(customers).where(customerScope(p)));
      return new DataLoader<number, number>(async (ids) => {
        const counts = await countPerParent(db, segmentMemberships, segmentMemberships.segmentId, [...ids], and(isNull(segmentMemberships.leftAt), visibleCustomer));
        return ids.map((id) => counts.get(id) ?? 0);
      });
    });
  }
  /** Codes of the regions the principal sees as a whole (its subtrees), for plugin resolvers; `all` when unbounded. */
  get visibleRegionCodes() {
    return this.#once('visibleRegionCodes', (db, p) =>
      once(async (): Promise<readonly string[] | 'all'> => {
        const paths = visibleRegionPaths(p);
        if (paths === 'all') return 'all';
        if (paths === 'none') return [];
        return (await db.select({ code: regions.code }).from(regions).where(regionScopeSql(p, regions.id)).orderBy(regions.path)).map((r) => r.code);
      }),
    );
  }
  get lifecycle() {
    return this.#once('lifecycle', (db) => {
      const now = this.#clock.now();
      return new DataLoader<number, CustomerLifecycle | undefined>(async (ids) => {
        const found = await lifecycleOf(db, ids, { now });
        return ids.map((id) => found.get(id));
      });
    });
  }

  /** Usage from `months` months back, newest first (the current month too, once recorded). */
  get usage() {
    return this.#once('usage', (db) => {
      const now = this.#clock.now();
      return child<UsageRow>(db, 'usage', (a) => ({
        table: monthlyUsage,
        parent: monthlyUsage.customerId,
        keys: USAGE_KEYS,
        direction: 'desc',
        where: usageFrom(monthStart(now, -(a.months ?? 6))),
      }));
    });
  }
  get tasks() {
    return this.#once('tasks', (db, p) =>
      child<TaskRow>(db, 'tasks', () => ({ table: retentionTasks, parent: retentionTasks.customerId, keys: TASK_KEYS, direction: 'desc', where: taskScope(p) })),
    );
  }
  get events() {
    return this.#once('events', (db) =>
      child<EventRow>(db, 'events', () => ({
        table: customerEvents,
        parent: customerEvents.customerId,
        keys: [sql`${customerEvents.occurredAt}`, sql`${customerEvents.id}`],
        direction: 'desc',
      })),
    );
  }
  get memberships() {
    return this.#once('memberships', (db, p) => {
      const visibleSegment = inArray(segmentMemberships.segmentId, db.select({ id: segments.id }).from(segments).where(segmentVisibility(p)));
      return child<MembershipRow>(db, 'memberships', (a) => ({
        table: segmentMemberships,
        parent: segmentMemberships.customerId,
        keys: [sql`${segmentMemberships.id}`],
        direction: 'desc',
        where: and(a.includePast ? undefined : isNull(segmentMemberships.leftAt), visibleSegment),
      }));
    });
  }
  get transitions() {
    return this.#once('transitions', (db) =>
      child<TransitionRow>(db, 'transitions', () => ({ table: taskTransitions, parent: taskTransitions.taskId, keys: [sql`${taskTransitions.id}`], direction: 'asc' })),
    );
  }
  get attempts() {
    return this.#once('attempts', (db) =>
      child<AttemptRow>(db, 'attempts', () => ({ table: taskAttempts, parent: taskAttempts.taskId, keys: [sql`${taskAttempts.id}`], direction: 'asc' })),
    );
  }
  get regionChildren() {
    return this.#once('regionChildren', (db, p) =>
      child<RegionRow>(db, 'regionChildren', () => ({ table: regions, parent: regions.parentId, keys: [sql`${regions.code}`], direction: 'asc', where: regionVisibility(p) })),
    );
  }
}

export function createLoaders(db: Db, clock: Clock, principal: Principal): Loaders {
  return new Loaders(db, clock, principal);
}

