/**
 * How often each rule would have been right: the rules are evaluated as of a past month M (with hindsight:
 * customers who churned since count as the customers they were), over the customers active at the end of
 * M, and their flags are compared with who churned in the `horizon` months after M. ONE read-only
 * statement: nothing is written, nothing per customer reaches Node.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { warningRuleProblems, type WarningRuleDefinition } from '@weixi/sdk';
import { RuleCompiler, type AsOf } from './compile.js';
import { firstDay } from './months.js';
import { WarningRuleError } from './run.js';

/** Who counts as churned in the horizon: status churned (`churned_on` in it), or, when set, this many consecutive months of it without revenue. */
export interface ChurnDefinition {
  monthsWithoutRevenue: number | null;
}

/** One rule as configured in some regions: where, with which definition and combined-risk weight. */
export interface BacktestPart {
  /** Paths of the regions (cities) whose subtrees this part covers. */
  regionPaths: string[];
  asOf: AsOf;
  definition: WarningRuleDefinition;
  /** The plugin's `weight` in the combined risk (0 to 1). */
  weight: number;
}

export interface BacktestRule {
  pluginId: string;
  ruleId: string;
  parts: BacktestPart[];
}

export interface BacktestInput {
  /** The region subtree judged; null for every region. */
  regionPath: string | null;
  /** M, `YYYY-MM`: the last complete month the rules count. */
  asOfMonth: string;
  horizonMonths: number;
  churn: ChurnDefinition;
  rules: BacktestRule[];
  /** The share of the population an operator could call: the "top" figures rank this many by score (default 0.1). */
  topShare?: number;
}

/** Precision, recall and lift of one set of flags; null where the denominator is 0. */
export interface BacktestFigures {
  flagged: number;
  churned: number;
  precision: number | null;
  recall: number | null;
  lift: number | null;
  /** The highest-scored flagged customers, at most `topShare` of the population. */
  top: { customers: number; churned: number; precision: number | null; lift: number | null };
}

export interface BacktestResult {
  asOfMonth: string;
  horizonMonths: number;
  /** Customers active at the end of M. */
  population: number;
  /** Of them, churned within the horizon. */
  churned: number;
  baseRate: number | null;
  /** How many customers the top figures rank: `ceil(topShare × population)`. */
  topSize: number;
  rules: Array<{ pluginId: string; ruleId: string } & BacktestFigures>;
  /** The combined risk, 100 × (1 − Π(1 − wᵢ·sᵢ/100)) over each customer's flags, as `Customer.churnRisk`. */
  combined: BacktestFigures;
}

export const MAX_HORIZON_MONTHS = 12;
const COMBINED = -1;
const TOTALS = -2;

/** The horizon months, [first, end), as first days. */
export function horizonOf(asOfMonth: string, horizonMonths: number): { first: string; end: string } {
  return { first: firstDay(asOfMonth, 1), end: firstDay(asOfMonth, 1 + horizonMonths) };
}

export async function backtestWarnings(db: Db, input: BacktestInput): Promise<BacktestResult> {
  const { asOfMonth, horizonMonths, churn, rules } = input;
  const topShare = input.topShare ?? 0.1;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > MAX_HORIZON_MONTHS) throw new RangeError(`horizon: ${horizonMonths} months; 1 to ${MAX_HORIZON_MONTHS}`);
  const silent = churn.monthsWithoutRevenue;
  if (silent !== null && (!Number.isInteger(silent) || silent < 1 || silent > horizonMonths)) throw new RangeError(`monthsWithoutRevenue: ${silent}; 1 to the horizon's ${horizonMonths} months`);
  if (!(topShare > 0 && topShare <= 1)) throw new RangeError(`topShare: ${topShare}; above 0, at most 1`);
  for (const rule of rules) {
    for (const part of rule.parts) {
      const problems = warningRuleProblems(part.definition);
      if (problems.length > 0) throw new WarningRuleError(`${rule.pluginId}/${rule.ruleId}`, problems);
    }
  }
  const { first, end } = horizonOf(asOfMonth, horizonMonths);
  const inRegion = input.regionPath === null ? sql`true` : sql`starts_with(r.path, ${input.regionPath})`;
  const flags = rules.flatMap((rule, index) => rule.parts.map((part) => flagsOf(index, part)));
  // Customers on the evaluation day (joined before it, not yet churned): the people the rules judged.
  const population = sql`select c.id, c.region_id, c.churned_on from customers c join regions r on r.id = c.region_id
      where ${inRegion} and c.joined_on < ${first}::date and (c.churned_on is null or c.churned_on >= ${first}::date)`;
  const rows = await queryRows<{ rule: number; flagged: number; churned: number; top: number; top_churned: number }>(
    db,
    sql`with population as materialized (${population}),
      churners as materialized (
        select id from population where churned_on < ${end}::date
        ${churn.monthsWithoutRevenue === null ? sql`` : sql`union ${withoutRevenue(churn.monthsWithoutRevenue, first, horizonMonths)}`}
      ),
      flags as materialized (${flags.length === 0 ? sql`select 0 as rule, 0 as customer_id, 0::float8 as score, 0::float8 as weight where false` : sql.join(flags, sql` union all `)}),
      scored as (
        select rule, customer_id, score from flags
        union all
        -- ln(0) is an error even where the case does not use it: a full-certainty flag is kept above 0.
        select ${COMBINED}, customer_id, case when bool_or(weight * score >= 100) then 100
          else 100 * (1 - exp(sum(ln(greatest(1e-12, 1 - weight * score / 100))))) end
        from flags group by customer_id
      ),
      ranked as (select rule, customer_id, row_number() over (partition by rule order by score desc, customer_id) as rank from scored),
      top as (select ceil(count(*) * ${topShare}::float8)::int as size from population)
      select rule, count(*)::int as flagged, count(ch.id)::int as churned,
        count(*) filter (where rank <= (select size from top))::int as top,
        count(ch.id) filter (where rank <= (select size from top))::int as top_churned
      from ranked left join churners ch on ch.id = ranked.customer_id group by rule
      union all
      select ${TOTALS}, (select count(*)::int from population), (select count(*)::int from churners), (select size from top), 0`,
  );
  const byRule = new Map(rows.map((r) => [Number(r.rule), r]));
  const totals = byRule.get(TOTALS)!;
  const size = Number(totals.flagged);
  const churned = Number(totals.churned);
  const baseRate = size === 0 ? null : churned / size;
  const figures = (rule: number): BacktestFigures => {
    const row = byRule.get(rule);
    const flagged = Number(row?.flagged ?? 0);
    const hits = Number(row?.churned ?? 0);
    const top = Number(row?.top ?? 0);
    const topHits = Number(row?.top_churned ?? 0);
    const precision = ratio(hits, flagged);
    const topPrecision = ratio(topHits, top);
    return {
      flagged,
      churned: hits,
      precision,
      recall: ratio(hits, churned),
      lift: liftOf(precision, baseRate),
      top: { customers: top, churned: topHits, precision: topPrecision, lift: liftOf(topPrecision, baseRate) },
    };
  };
  return {
    asOfMonth,
    horizonMonths,
    population: size,
    churned,
    baseRate,
    topSize: Number(totals.top),
    rules: rules.map((rule, index) => ({ pluginId: rule.pluginId, ruleId: rule.ruleId, ...figures(index) })),
    combined: figures(COMBINED),
  };
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const liftOf = (precision: number | null, base: number | null): number | null => (precision === null || !base ? null : precision / base);

/** The customers of one part meeting the rule as of M: rule index, customer, score, weight. */
function flagsOf(index: number, part: BacktestPart): SQL {
  const compiler = new RuleCompiler(part.asOf, { hindsight: true });
  const when = compiler.condition(part.definition.when);
  const score = compiler.score(part.definition.score);
  const paths = sql.join(part.regionPaths.map((path) => sql`starts_with(r.path, ${path})`), sql` or `);
  const scope = sql`select p.id from population p join regions r on r.id = p.region_id where ${paths}`;
  const weight = Math.min(1, Math.max(0, part.weight));
  return sql`(select ${index}::int as rule, c.id as customer_id, (${score})::float8 as score, ${String(weight)}::float8 as weight
    from customers c${compiler.aggregates.joins(scope)} where c.id in (${scope}) and ${when})`;
}

/** Customers of the population with `months` consecutive horizon months without revenue (a month without a row has none). */
export function withoutRevenue(months: number, first: string, horizonMonths: number): SQL {
  const monthsOf = Array.from({ length: horizonMonths }, (_, k) => firstDay(first.slice(0, 7), k));
  const none = monthsOf.map((m) => sql`coalesce(sum(u.revenue_cents) filter (where u.month = ${m}::date), 0) = 0`);
  const runs: SQL[] = [];
  for (let start = 0; start + months <= horizonMonths; start++) runs.push(sql`(${sql.join(none.slice(start, start + months), sql` and `)})`);
  const end = firstDay(first.slice(0, 7), horizonMonths);
  return sql`select p.id from population p left join monthly_usage u on u.customer_id = p.id and u.month >= ${first}::date and u.month < ${end}::date
    group by p.id having ${sql.join(runs, sql` or `)}`;
}
