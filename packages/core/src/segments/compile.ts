/**
 * Compiles segment conditions to SQL over `customers c` (plus the usage aggregates `m` when needed).
 * `select c.id from ${from} where ${where}` selects the members; callers add their own ORDER BY / LIMIT.
 * Expects a validated definition (see validate.ts); it throws on shapes validation would have rejected.
 */
import { sql, type SQL } from 'drizzle-orm';
import { customers, regions } from '@weixi/db';
import { dayOf } from './calendar.js';
import { CONDITION_KINDS, type SegmentCondition } from './definition.js';
import { attributePredicate, fieldPredicate } from './fields.js';
import { correlatedUsage, metricPredicate, metricWithoutUsage, UsageAggregates } from './metrics.js';

export interface CompileOptions {
  now: Date;
  /** Restricts the usage aggregation to these customers: for batch lookups by id. */
  customerIds?: readonly number[];
}

interface Compilation {
  now: Date;
  usage: UsageAggregates;
  /** Whether a metric beside a customer-field condition reads its usage per customer (see correlatedUsage). */
  correlateGuarded: boolean;
}

const isMetric = (cond: SegmentCondition) => cond.metric !== undefined && cond.metric !== null;

function conditionSql(cond: SegmentCondition, c: Compilation): SQL {
  const kinds = CONDITION_KINDS.filter((k) => cond[k] !== undefined && cond[k] !== null);
  if (kinds.length !== 1) throw new Error(`a segment condition needs exactly one of ${CONDITION_KINDS.join(', ')}`);
  const nested = (list: SegmentCondition[], joiner: SQL) => sql`(${sql.join(list.map((item) => conditionSql(item, c)), joiner)})`;
  if (cond.and) {
    // Customer-field conditions first: AND inside OR is evaluated in order, so they guard the usage reads.
    const guarded = c.correlateGuarded && cond.and.some((item) => !isMetric(item));
    const ordered = [...cond.and.filter((item) => !isMetric(item)), ...cond.and.filter(isMetric)];
    return sql`(${sql.join(
      ordered.map((item) => (guarded && isMetric(item) ? metricPredicate(item.metric!, correlatedUsage, c.now) : conditionSql(item, c))),
      sql` and `,
    )})`;
  }
  if (cond.or) return nested(cond.or, sql` or `);
  // `is not true` makes NOT the exact complement: customers for whom the inner condition is unknown match.
  if (cond.not) return sql`(${conditionSql(cond.not, c)}) is not true`;
  if (cond.field) return fieldPredicate(cond.field, dayOf(c.now));
  if (cond.attribute) return attributePredicate(cond.attribute);
  if (cond.region) {
    // Prefix match on the region path: the customer's region lies in the subtree of one of the codes. As an
    // array of ids (an init plan) rather than `in (select …)`: the planner cannot estimate the path join
    // (it guesses one region) and would probe the other conditions' indexes once per region of the subtree.
    return sql`c.region_id = any(array(select r.id from ${regions} r join ${regions} a on starts_with(r.path, a.path) where a.code = any(${sql.param(cond.region.codes)}::text[])))`;
  }
  if (cond.tier) return sql`c.tier = any(${sql.param(cond.tier.in)}::text[])`;
  return metricPredicate(cond.metric!, c.usage, c.now);
}

/**
 * What `cond` is for a customer without a usage row in its months (every aggregate 0, no active month):
 * true, false, or undefined when it depends on the customer's fields (SQL's unknown, Kleene logic).
 */
function withoutUsage(cond: SegmentCondition): boolean | undefined {
  const all = (list: SegmentCondition[], stop: boolean) => {
    let unknown = false;
    for (const item of list) {
      const value = withoutUsage(item);
      if (value === stop) return stop;
      if (value === undefined) unknown = true;
    }
    return unknown ? undefined : !stop;
  };
  if (cond.and) return all(cond.and, false);
  if (cond.or) return all(cond.or, true);
  if (cond.not) {
    const inner = withoutUsage(cond.not);
    return inner === undefined ? undefined : !inner;
  }
  return cond.metric ? metricWithoutUsage(cond.metric) : undefined;
}

/**
 * Several named predicates over one shared FROM (one usage subquery for all of them): lifecycle uses it to
 * evaluate every warning in one statement.
 */
export function compileCustomerPredicates<K extends string>(
  conditions: Readonly<Record<K, SegmentCondition>>,
  opts: CompileOptions,
): { from: SQL; predicates: Record<K, SQL>; usageFrom?: SQL } {
  // When no predicate can hold without usage rows, customers without any need not be joined at all, and
  // PostgreSQL moves the conditions into the usage subquery's HAVING: it aggregates, filters, then joins
  // the few that pass instead of every customer. Otherwise every customer is joined, and a metric guarded
  // by a field condition reads only its guarded customers' rows instead (not for a batch lookup by id).
  const needsUsage = Object.values<SegmentCondition>(conditions).every((cond) => withoutUsage(cond) === false);
  const c: Compilation = { now: opts.now, usage: new UsageAggregates(opts.customerIds), correlateGuarded: !needsUsage && !opts.customerIds };
  const predicates = {} as Record<K, SQL>;
  for (const key of Object.keys(conditions) as K[]) predicates[key] = conditionSql(conditions[key], c);
  // Conditions on usage alone, none holding without usage rows, read nothing of `customers`: they can be
  // evaluated over the aggregates `m` alone, each row a customer (monthly_usage's foreign key).
  const aggregates = needsUsage && Object.values<SegmentCondition>(conditions).every(onUsageAlone) ? c.usage.subquery() : undefined;
  const from = sql`${customers} c${c.usage.join(needsUsage ? 'inner' : 'left')}`;
  return { from, predicates, ...(aggregates ? { usageFrom: sql`${aggregates} m` } : {}) };
}

/** Whether `cond` reads usage metrics only (no customer field, attribute, region or tier). */
function onUsageAlone(cond: SegmentCondition): boolean {
  if (cond.and) return cond.and.every(onUsageAlone);
  if (cond.or) return cond.or.every(onUsageAlone);
  if (cond.not) return onUsageAlone(cond.not);
  return isMetric(cond);
}

/**
 * One condition's FROM and WHERE over `customers c`; with `usageFrom` when the WHERE reads the usage
 * aggregates `m` alone: `select count(*) from ${usageFrom} where ${where}` counts the same members without
 * joining a million customers (`m.customer_id` is the member's id).
 */
export function compileCustomerPredicate(def: SegmentCondition, opts: { now: Date }): { from: SQL; where: SQL; usageFrom?: SQL } {
  const { from, predicates, usageFrom } = compileCustomerPredicates({ where: def }, opts);
  return { from, where: predicates.where, ...(usageFrom ? { usageFrom } : {}) };
}
