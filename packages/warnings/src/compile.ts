/**
 * Compiles a validated WarningRuleDefinition to SQL expressions over `customers c` and the aggregates of
 * `RuleAggregates`. Numbers are `numeric`; every condition compiles to a boolean that is never null (a
 * comparison with a null side is false), so `not` is the exact complement.
 */
import { sql, type SQL } from 'drizzle-orm';
import { reasonPlaceholders, WARNING_LEVEL_THRESHOLDS, type WarningCompareOp, type WarningCondition, type WarningCustomerFlag, type WarningExpr, type WarningRuleDefinition } from '@weixi/sdk';
import { RuleAggregates } from './aggregates.js';
import { firstDay, monthIndex } from './months.js';

/** When a rule is evaluated: the last complete month counted, and the evaluation day after it. */
export interface AsOf {
  /** `YYYY-MM`: M, the last complete month counted. */
  month: string;
  /** `YYYY-MM-DD`: the day day-based facts count from (the run's day in the region). */
  day: string;
  /** The first instant of `day` in the region's time zone: event windows end here. */
  dayStart: Date;
}

const DAY_MS = 86_400_000;

const OPS: Readonly<Record<WarningCompareOp, SQL>> = { eq: sql`=`, ne: sql`<>`, lt: sql`<`, lte: sql`<=`, gt: sql`>`, gte: sql`>=` };

const FACTS = {
  balanceCents: sql`c.balance_cents::numeric`,
  creditLimitCents: sql`c.credit_limit_cents::numeric`,
  points: sql`c.points::numeric`,
} as const;

const FLAGS: Readonly<Record<WarningCustomerFlag, SQL>> = { isCampus: sql`c.is_campus`, hasAccountManager: sql`(c.account_manager is not null)` };

const SETS = { status: sql`c.status`, tier: sql`c.tier`, paymentType: sql`c.payment_type`, plan: sql`c.plan`, groupKind: sql`c.group_kind` } as const;

/**
 * In a backtest the customers are judged as they were on the evaluation day, and those who churned since
 * were still customers then: their status reads `active` (the status history before a churn is not kept).
 */
const SETS_IN_HINDSIGHT = { ...SETS, status: sql`(case when c.churned_on is not null then 'active' else c.status end)` } as const;

export class RuleCompiler {
  readonly aggregates = new RuleAggregates();
  private readonly monthIdx: number;

  private readonly sets: typeof SETS;

  /** `hindsight`: evaluated for a backtest, when customers who churned after `asOf.day` were still customers. */
  constructor(
    private readonly asOf: AsOf,
    options: { hindsight?: boolean } = {},
  ) {
    this.monthIdx = monthIndex(asOf.month);
    this.sets = options.hindsight ? SETS_IN_HINDSIGHT : SETS;
  }

  private daysBefore(days: number): string {
    return new Date(this.asOf.dayStart.getTime() - days * DAY_MS).toISOString();
  }

  expr(e: WarningExpr): SQL {
    if (typeof e === 'number') return sql`${String(e)}::numeric`;
    if ('usage' in e) {
      const offset = e.offset ?? 0;
      const from = firstDay(this.asOf.month, -offset - e.months + 1);
      const to = firstDay(this.asOf.month, -offset + 1);
      if (e.measure === 'average') return sql`(${this.aggregates.usageAggregate(e.usage, 'total', from, to, e.months)} / ${e.months}::numeric)`;
      return this.aggregates.usageAggregate(e.usage, e.measure, from, to, e.months);
    }
    if ('monthsWithout' in e) {
      const last = this.aggregates.lastActiveMonth(e.monthsWithout, firstDay(this.asOf.month, -e.months + 1), firstDay(this.asOf.month, 1));
      return sql`coalesce(${this.monthIdx}::int - (extract(year from ${last})::int * 12 + extract(month from ${last})::int - 1), ${e.months}::int)::numeric`;
    }
    if ('customer' in e) {
      switch (e.customer) {
        case 'tenureMonths':
          return sql`(${this.monthIdx}::int - (extract(year from c.joined_on)::int * 12 + extract(month from c.joined_on)::int - 1))::numeric`;
        case 'contractEndsInDays':
          return sql`(c.contract_ends_on - ${this.asOf.day}::date)::numeric`;
        case 'birthdayInDays':
          return this.birthdayInDays();
        default:
          return FACTS[e.customer];
      }
    }
    if ('monthsSinceDate' in e) {
      const value = sql`(c.attributes ->> ${e.monthsSinceDate.attribute})`;
      const age = sql`age(${this.asOf.day}::date, (${value})::date)`;
      return sql`(case when ${value} ~ '^\\d{4}-\\d{2}-\\d{2}$' then (extract(year from ${age}) * 12 + extract(month from ${age}))::numeric end)`;
    }
    if ('events' in e) return this.aggregates.eventCount(e.events.type, this.daysBefore(e.events.days), this.asOf.dayStart.toISOString());
    if ('householdChurned' in e) {
      const from = new Date(Date.parse(`${this.asOf.day}T00:00:00Z`) - e.householdChurned.days * DAY_MS).toISOString().slice(0, 10);
      return this.aggregates.householdChurned(from, this.asOf.day);
    }
    if ('add' in e) return sql`(${sql.join(e.add.map((x) => this.expr(x)), sql` + `)})`;
    if ('mul' in e) return sql`(${sql.join(e.mul.map((x) => this.expr(x)), sql` * `)})`;
    if ('min' in e) return sql`least(${sql.join(e.min.map((x) => this.expr(x)), sql`, `)})`;
    if ('max' in e) return sql`greatest(${sql.join(e.max.map((x) => this.expr(x)), sql`, `)})`;
    if ('sub' in e) return sql`(${this.expr(e.sub[0])} - ${this.expr(e.sub[1])})`;
    if ('div' in e) return sql`(${this.expr(e.div[0])} / nullif(${this.expr(e.div[1])}, 0))`;
    if ('change' in e) {
      const from = this.expr(e.change.from);
      return sql`((${this.expr(e.change.to)} - ${from}) / nullif(${from}, 0))`;
    }
    throw new Error(`unknown warning expression ${JSON.stringify(e)}`);
  }

  condition(c: WarningCondition): SQL {
    if ('all' in c) return sql`(${sql.join(c.all.map((x) => this.condition(x)), sql` and `)})`;
    if ('any' in c) return sql`(${sql.join(c.any.map((x) => this.condition(x)), sql` or `)})`;
    if ('not' in c) return sql`(not ${this.condition(c.not)})`;
    if ('compare' in c) {
      const [left, op, right] = c.compare;
      return sql`coalesce(${this.expr(left)} ${OPS[op]} ${this.expr(right)}, false)`;
    }
    if ('in' in c) return sql`coalesce(${this.sets[c.in.fact]} = any(${sql.param(c.in.values)}::text[]), false)`;
    if ('flag' in c) return sql`coalesce(${FLAGS[c.flag]}, false)`;
    throw new Error(`unknown warning condition ${JSON.stringify(c)}`);
  }

  /** Days from the evaluation day to the next birthday; `date + interval` clamps Feb 29 to Feb 28 in common years. */
  private birthdayInDays(): SQL {
    const year = Number(this.asOf.day.slice(0, 4));
    const inYear = (y: number) => sql`(c.birthday + make_interval(years => ${y}::int - extract(year from c.birthday)::int))::date`;
    return sql`(case when ${inYear(year)} >= ${this.asOf.day}::date then ${inYear(year)} else ${inYear(year + 1)} end - ${this.asOf.day}::date)::numeric`;
  }

  /** The score clamped to 0..100 (null counts 0), rounded to 2 decimals. */
  score(e: WarningExpr): SQL {
    return sql`round(greatest(0, least(100, coalesce(${this.expr(e)}, 0))), 2)`;
  }

  evidence(evidence: Record<string, WarningExpr>): SQL {
    const pairs = Object.entries(evidence).map(([name, e]) => sql`${name}::text, round(${this.expr(e)}, 4)`);
    return pairs.length === 0 ? sql`'{}'::jsonb` : sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`;
  }

  /** The reason with each `{name}` replaced by that evidence value (2 decimals at most, `-` for null). */
  reason(def: WarningRuleDefinition): SQL {
    const parts: SQL[] = [];
    let rest = def.reason;
    for (const name of reasonPlaceholders(def.reason)) {
      const at = rest.indexOf(`{${name}}`);
      parts.push(sql`${rest.slice(0, at)}::text`);
      parts.push(sql`coalesce(trim_scale(round(${this.expr(def.evidence[name]!)}, 2))::text, '-')`);
      rest = rest.slice(at + name.length + 2);
    }
    parts.push(sql`${rest}::text`);
    return sql`concat(${sql.join(parts, sql`, `)})`;
  }
}

/** The level of a score column. */
export function levelOf(score: SQL): SQL {
  return sql`case when ${score} >= ${WARNING_LEVEL_THRESHOLDS.high} then 'high' when ${score} >= ${WARNING_LEVEL_THRESHOLDS.medium} then 'medium' else 'low' end`;
}
