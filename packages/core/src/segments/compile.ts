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
import { metricPredicate, UsageAggregates } from './metrics.js';

export interface CompileOptions {
  now: Date;
  /** Restricts the usage aggregation to these customers: for batch lookups by id. */
  customerIds?: readonly number[];
}

function conditionSql(cond: SegmentCondition, now: Date, usage: UsageAggregates): SQL {
  const kinds = CONDITION_KINDS.filter((k) => cond[k] !== undefined && cond[k] !== null);
  if (kinds.length !== 1) throw new Error(`a segment condition needs exactly one of ${CONDITION_KINDS.join(', ')}`);
  const nested = (list: SegmentCondition[], joiner: SQL) =>
    sql`(${sql.join(list.map((item) => conditionSql(item, now, usage)), joiner)})`;
  if (cond.and) return nested(cond.and, sql` and `);
  if (cond.or) return nested(cond.or, sql` or `);
  // `is not true` makes NOT the exact complement: customers for whom the inner condition is unknown match.
  if (cond.not) return sql`(${conditionSql(cond.not, now, usage)}) is not true`;
  if (cond.field) return fieldPredicate(cond.field, dayOf(now));
  if (cond.attribute) return attributePredicate(cond.attribute);
  if (cond.region) {
    // Prefix match on the region path: the customer's region lies in the subtree of one of the codes.
    return sql`c.region_id in (select r.id from ${regions} r join ${regions} a on starts_with(r.path, a.path) where a.code = any(${sql.param(cond.region.codes)}::text[]))`;
  }
  if (cond.tier) return sql`c.tier = any(${sql.param(cond.tier.in)}::text[])`;
  return metricPredicate(cond.metric!, usage, now);
}

/**
 * Several named predicates over one shared FROM (one usage subquery for all of them): lifecycle uses it to
 * evaluate every warning in one statement.
 */
export function compileCustomerPredicates<K extends string>(
  conditions: Readonly<Record<K, SegmentCondition>>,
  opts: CompileOptions,
): { from: SQL; predicates: Record<K, SQL> } {
  const usage = new UsageAggregates(opts.customerIds);
  const predicates = {} as Record<K, SQL>;
  for (const key of Object.keys(conditions) as K[]) predicates[key] = conditionSql(conditions[key], opts.now, usage);
  return { from: sql`${customers} c${usage.join()}`, predicates };
}

export function compileCustomerPredicate(def: SegmentCondition, opts: { now: Date }): { from: SQL; where: SQL } {
  const { from, predicates } = compileCustomerPredicates({ where: def }, opts);
  return { from, where: predicates.where };
}
