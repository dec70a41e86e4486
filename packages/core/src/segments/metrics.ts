/**
 * Usage conditions. Every aggregate a definition needs becomes one column of a single grouped subquery over
 * monthly_usage, restricted to the months needed and split with `FILTER` on date parameters: one pass over
 * the usage rows whatever the number of conditions, and no date arithmetic per row.
 */
import { sql, type SQL } from 'drizzle-orm';
import { monthlyUsage } from '@weixi/db';
import { monthStart } from '../months.js';
import type { MetricCondition, MetricOp, UsageMetric } from './definition.js';

const METRIC_COLUMNS = {
  revenueCents: monthlyUsage.revenueCents,
  voiceMinutes: monthlyUsage.voiceMinutes,
  dataMb: monthlyUsage.dataMb,
  sms: monthlyUsage.sms,
  rechargeCents: monthlyUsage.rechargeCents,
  activeDays: monthlyUsage.activeDays,
  complaints: monthlyUsage.complaints,
  competitorContacts: monthlyUsage.competitorContacts,
} as const satisfies Record<UsageMetric, unknown>;

const OPS: Readonly<Record<MetricOp, SQL>> = {
  eq: sql`=`,
  ne: sql`<>`,
  lt: sql`<`,
  lte: sql`<=`,
  gt: sql`>`,
  gte: sql`>=`,
};

/** Where a metric condition reads a customer's usage sums from. */
export interface UsageSource {
  /** Sum of the metric over the months [from, to), 0 without rows. */
  sum(metric: UsageMetric, from: string, to: string): SQL;
  /** The latest month in [from, to) where the metric is above 0, null when there is none. */
  lastActive(metric: UsageMetric, from: string, to: string): SQL;
}

/**
 * Usage read per customer by a correlated subquery on the (customer, month) key: for a condition guarded
 * by a customer field (`status = suspended and complaints >= 1`), which PostgreSQL only evaluates for the
 * few customers who pass the guard, where aggregating every customer's months would cost more.
 */
export const correlatedUsage: UsageSource = {
  sum(metric, from, to) {
    const u = monthlyUsage;
    return sql`coalesce((select sum(u.${sql.identifier(METRIC_COLUMNS[metric].name)}) from ${u} u where u.${sql.identifier(u.customerId.name)} = c.id and u.${sql.identifier(u.month.name)} >= ${from}::date and u.${sql.identifier(u.month.name)} < ${to}::date), 0)`;
  },
  lastActive(metric, from, to) {
    const u = monthlyUsage;
    return sql`(select max(u.${sql.identifier(u.month.name)}) from ${u} u where u.${sql.identifier(u.customerId.name)} = c.id and u.${sql.identifier(u.month.name)} >= ${from}::date and u.${sql.identifier(u.month.name)} < ${to}::date and u.${sql.identifier(METRIC_COLUMNS[metric].name)} > 0)`;
  },
};

/** The aggregate columns of one compilation, joined to the customers as `m`. */
export class UsageAggregates implements UsageSource {
  private readonly columns = new Map<string, { name: string; expr: SQL }>();
  private from: string | undefined;
  private to: string | undefined;

  /** `customerIds` limits the aggregation to those customers (a batch lookup); all customers otherwise. */
  constructor(private readonly customerIds?: readonly number[]) {}

  private column(key: string, expr: SQL, from: string, to: string): SQL {
    let col = this.columns.get(key);
    if (!col) {
      col = { name: `u${this.columns.size}`, expr };
      this.columns.set(key, col);
      if (this.from === undefined || from < this.from) this.from = from;
      if (this.to === undefined || to > this.to) this.to = to;
    }
    return sql`m.${sql.identifier(col.name)}`;
  }

  private static window(from: string, to: string): SQL {
    return sql`${sql.identifier(monthlyUsage.month.name)} >= ${from}::date and ${sql.identifier(monthlyUsage.month.name)} < ${to}::date`;
  }

  /** Sum of the metric over the months [from, to), 0 without rows. */
  sum(metric: UsageMetric, from: string, to: string): SQL {
    const col = sql.identifier(METRIC_COLUMNS[metric].name);
    const ref = this.column(`sum:${metric}:${from}:${to}`, sql`sum(${col}) filter (where ${UsageAggregates.window(from, to)})`, from, to);
    return sql`coalesce(${ref}, 0)`;
  }

  /** The latest month in [from, to) where the metric is above 0, null when there is none. */
  lastActive(metric: UsageMetric, from: string, to: string): SQL {
    const col = sql.identifier(METRIC_COLUMNS[metric].name);
    return this.column(
      `last:${metric}:${from}:${to}`,
      sql`max(${sql.identifier(monthlyUsage.month.name)}) filter (where ${UsageAggregates.window(from, to)} and ${col} > 0)`,
      from,
      to,
    );
  }

  /**
   * The join to append after `customers c`, or nothing when no metric condition was compiled: LEFT, or
   * INNER when the caller knows a customer without usage rows cannot match.
   */
  join(kind: 'left' | 'inner' = 'left'): SQL {
    const aggregates = this.subquery();
    return aggregates ? sql` ${sql.raw(kind)} join ${aggregates} m on m.customer_id = c.id` : sql``;
  }

  /** The aggregates a customer (`customer_id`) as a subquery; undefined when no metric asked for any. */
  subquery(): SQL | undefined {
    if (this.columns.size === 0 || this.from === undefined || this.to === undefined) return undefined;
    const customerId = sql.identifier(monthlyUsage.customerId.name);
    const selected = [...this.columns.values()].map((col) => sql`${col.expr} as ${sql.identifier(col.name)}`);
    const scope = this.customerIds ? sql` and ${customerId} = any(${sql.param([...this.customerIds])}::int[])` : sql``;
    return sql`(select ${customerId} as customer_id, ${sql.join(selected, sql`, `)} from ${monthlyUsage} where ${UsageAggregates.window(this.from, this.to)}${scope} group by ${customerId})`;
  }
}

const COMPARE: Readonly<Record<MetricOp, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

/** What metricPredicate yields for a customer without usage rows in the months it reads. */
export function metricWithoutUsage(cond: MetricCondition): boolean {
  switch (cond.measure) {
    case 'total':
    case 'average':
      return COMPARE[cond.op](0, cond.value);
    case 'changeRatio':
      return false; // no prior revenue: no ratio
    case 'monthsWithoutActivity':
      return COMPARE[cond.op](cond.months, cond.value);
    default:
      throw new Error(`unknown metric measure ${JSON.stringify(cond.measure)}`);
  }
}

export function metricPredicate(cond: MetricCondition, usage: UsageSource, now: Date): SQL {
  const current = monthStart(now, 0);
  const start = monthStart(now, -cond.months);
  if (!Object.hasOwn(OPS, cond.op) || !Object.hasOwn(METRIC_COLUMNS, cond.metric)) {
    throw new Error(`unknown metric or op in ${JSON.stringify(cond)}`);
  }
  const op = OPS[cond.op];
  // Compared in numeric: `value * months` and `value * prior` are exact, so no division rounds a boundary away.
  const value = sql`${String(cond.value)}::numeric`;
  switch (cond.measure) {
    case 'total':
      return sql`${usage.sum(cond.metric, start, current)} ${op} ${value}`;
    case 'average':
      return sql`${usage.sum(cond.metric, start, current)} ${op} ${value} * ${cond.months}::int`;
    case 'changeRatio': {
      const recent = usage.sum(cond.metric, start, current);
      const prior = usage.sum(cond.metric, monthStart(now, -2 * cond.months), start);
      // (recent − prior) / prior op v  ⇔  recent − prior op v × prior, as prior > 0.
      return sql`(${prior} > 0 and ${recent} - ${prior} ${op} ${value} * ${prior})`;
    }
    case 'monthsWithoutActivity': {
      const last = usage.lastActive(cond.metric, start, current);
      const currentIndex = Number(current.slice(0, 4)) * 12 + Number(current.slice(5, 7));
      const idle = sql`coalesce(${currentIndex}::int - (extract(year from ${last})::int * 12 + extract(month from ${last})::int) - 1, ${cond.months}::int)`;
      return sql`${idle} ${op} ${value}`;
    }
    default:
      throw new Error(`unknown metric measure ${JSON.stringify(cond.measure)}`);
  }
}
