/**
 * The per-customer aggregates rules need, as columns of grouped subqueries joined to `customers c`: one
 * over monthly_usage (`mu`), one over customer_events (`ev`) and one over the households' churned members
 * (`hh`, by `group_id`). However many expressions the rules have, each table is read once, restricted to
 * the months or days needed, and split with `FILTER`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { customerEvents, monthlyUsage } from '@weixi/db';
import type { UsageMetric } from '@weixi/sdk';

const METRIC_COLUMNS: Readonly<Record<UsageMetric, string>> = {
  revenueCents: monthlyUsage.revenueCents.name,
  voiceMinutes: monthlyUsage.voiceMinutes.name,
  dataMb: monthlyUsage.dataMb.name,
  sms: monthlyUsage.sms.name,
  rechargeCents: monthlyUsage.rechargeCents.name,
  activeDays: monthlyUsage.activeDays.name,
  complaints: monthlyUsage.complaints.name,
  competitorContacts: monthlyUsage.competitorContacts.name,
};

interface Columns {
  byKey: Map<string, { name: string; expr: SQL }>;
  from?: string;
  to?: string;
}

export class RuleAggregates {
  private readonly usage: Columns = { byKey: new Map() };
  private readonly events: Columns = { byKey: new Map() };
  private readonly households: Columns = { byKey: new Map() };
  private readonly eventTypes = new Set<string>();

  private column(cols: Columns, alias: string, key: string, expr: SQL, from: string, to: string): SQL {
    let col = cols.byKey.get(key);
    if (!col) {
      col = { name: `${alias}${cols.byKey.size}`, expr };
      cols.byKey.set(key, col);
      if (cols.from === undefined || from < cols.from) cols.from = from;
      if (cols.to === undefined || to > cols.to) cols.to = to;
    }
    return sql`${sql.identifier(alias)}.${sql.identifier(col.name)}`;
  }

  private static months(from: string, to: string): SQL {
    return sql`month >= ${from}::date and month < ${to}::date`;
  }

  /** total/max/min of a metric over the months [from, to) (`months` of them); a missing month counts as 0. */
  usageAggregate(metric: UsageMetric, measure: 'total' | 'max' | 'min', from: string, to: string, months: number): SQL {
    const col = sql.identifier(METRIC_COLUMNS[metric]);
    const window = RuleAggregates.months(from, to);
    const expr =
      measure === 'total'
        ? sql`sum(${col}) filter (where ${window})`
        : measure === 'max'
          ? sql`max(${col}) filter (where ${window})`
          : sql`case when count(*) filter (where ${window}) < ${months}::int then 0 else min(${col}) filter (where ${window}) end`;
    return sql`coalesce(${this.column(this.usage, 'mu', `${measure}:${metric}:${from}:${to}`, expr, from, to)}, 0)::numeric`;
  }

  /** The latest month in [from, to) where the metric is above 0; null when none. */
  lastActiveMonth(metric: UsageMetric, from: string, to: string): SQL {
    const col = sql.identifier(METRIC_COLUMNS[metric]);
    const expr = sql`max(month) filter (where ${RuleAggregates.months(from, to)} and ${col} > 0)`;
    return this.column(this.usage, 'mu', `last:${metric}:${from}:${to}`, expr, from, to);
  }

  /** Events of `type` that occurred in [from, to) (ISO instants). */
  eventCount(type: string, from: string, to: string): SQL {
    this.eventTypes.add(type);
    const expr = sql`count(*) filter (where type = ${type} and occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz)`;
    return sql`coalesce(${this.column(this.events, 'ev', `events:${type}:${from}:${to}`, expr, from, to)}, 0)::numeric`;
  }

  /**
   * Other members of the customer's household (`group_id`) who churned in [from, to) (dates): the group's
   * churned members, less the customer itself when it churned then.
   */
  householdChurned(from: string, to: string): SQL {
    const expr = sql`count(*) filter (where churned_on >= ${from}::date and churned_on < ${to}::date)`;
    const churned = this.column(this.households, 'hh', `churned:${from}:${to}`, expr, from, to);
    return sql`(case when c.group_id is null then 0 else coalesce(${churned}, 0)
      - (case when c.churned_on >= ${from}::date and c.churned_on < ${to}::date then 1 else 0 end) end)::numeric`;
  }

  /**
   * The LEFT JOINs to append after `customers c`, usage and events restricted to the customers `scope`
   * selects (null: not restricted, when `c` is every customer they could join; households: never).
   */
  joins(scope: SQL | null): SQL {
    const inScope = scope === null ? sql`` : sql` and customer_id in (${scope})`;
    const parts: SQL[] = [];
    const u = this.usage;
    if (u.byKey.size > 0) {
      const cols = [...u.byKey.values()].map((c) => sql`${c.expr} as ${sql.identifier(c.name)}`);
      parts.push(sql` left join (select customer_id, ${sql.join(cols, sql`, `)} from ${monthlyUsage}
        where ${RuleAggregates.months(u.from!, u.to!)}${inScope} group by customer_id) mu on mu.customer_id = c.id`);
    }
    const e = this.events;
    if (e.byKey.size > 0) {
      const cols = [...e.byKey.values()].map((c) => sql`${c.expr} as ${sql.identifier(c.name)}`);
      parts.push(sql` left join (select customer_id, ${sql.join(cols, sql`, `)} from ${customerEvents}
        where type = any(${sql.param([...this.eventTypes])}::text[]) and occurred_at >= ${e.from!}::timestamptz and occurred_at < ${e.to!}::timestamptz${inScope}
          group by customer_id) ev on ev.customer_id = c.id`);
    }
    const h = this.households;
    if (h.byKey.size > 0) {
      const cols = [...h.byKey.values()].map((c) => sql`${c.expr} as ${sql.identifier(c.name)}`);
      parts.push(sql` left join (select group_id, ${sql.join(cols, sql`, `)} from customers
        where group_id is not null and churned_on >= ${h.from!}::date and churned_on < ${h.to!}::date group by group_id) hh on hh.group_id = c.group_id`);
    }
    return sql.join(parts, sql``);
  }
}
