/**
 * The KPIs (考核指标) of a region subtree for one month, in total or by a dimension, as four set-based
 * aggregates (retention, warnings, tasks, uplift) whose sums the rates and confidence intervals are
 * computed from here. Formulas (M the month, h the region's `horizonMonths`):
 * - retention rate (保有率) = 1 − churn rate; churn rate (离网率) = churned in M / customers at the start of M
 *   (the churn facts of M);
 * - warning precision = customers first warned in M who churn in M..M+h−1 / customers first warned in M;
 *   recall = customers churned in M first warned in M−h+1..M / customers churned in M;
 * - task completion = done / created in M; success = outcome retained / done; contact reach = tasks whose
 *   customer was reached / tasks attempted (an attempt or a contact past the gate); cost per retained =
 *   cost of the retained tasks' offers / retained tasks;
 * - uplift: each (customer, tactic) treated in M (a task of the tactic created in M) or held out in M (a
 *   planner decision `held out (control group)`, not treated): retained = no churn in M..M+h−1, revenue =
 *   mean monthly revenue over M+1..M+h; difference treated − control with a 95% interval from the normal
 *   approximation (two proportions; Welch for revenue);
 * - uplift by warning rule: each (customer, rule) first warned by the rule in M, treated when a planner task
 *   answering that warning (its `warning_ids`) was created in M..M+h−1, control when held out of the rule
 *   (`weixi_held_out`, as the planner draws it) and not treated; retained and revenue as above.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { addMonths, monthStart } from './churn.js';
import { HELD_OUT_REASON, heldOutOfRule } from './control-groups.js';

export const KPI_DIMENSIONS = ['region', 'tier', 'tactic', 'warningRule', 'channel', 'team', 'agent'] as const;
export type KpiDimension = (typeof KPI_DIMENSIONS)[number];
const Z95 = 1.959963984540054;

export interface Interval {
  difference: number;
  low: number;
  high: number;
}

export interface Uplift {
  treated: number;
  control: number;
  treatedRetained: number;
  controlRetained: number;
  treatedRetentionRate: number | null;
  controlRetentionRate: number | null;
  /** Treated − control retention rate, with its 95% interval; null without both groups. */
  retention: Interval | null;
  /** Mean monthly revenue (cents) over the horizon, per group. */
  treatedRevenueCents: number | null;
  controlRevenueCents: number | null;
  revenueCents: Interval | null;
}

export interface KpiRow {
  /** The dimension's value (a region code, tier, tactic, channel, team name or agent id); `total` without one. */
  key: string;
  customers: number | null;
  churned: number | null;
  retentionRate: number | null;
  churnRate: number | null;
  warned: number | null;
  warnedChurned: number | null;
  churnedWarned: number | null;
  warningPrecision: number | null;
  warningRecall: number | null;
  tasks: number;
  done: number;
  retained: number;
  attempted: number;
  reached: number;
  completionRate: number | null;
  successRate: number | null;
  reachRate: number | null;
  costCents: number;
  costPerRetainedCents: number | null;
  uplift: Uplift | null;
}

export interface KpiReport {
  region: { id: number; code: string; path: string };
  month: string;
  by: KpiDimension | null;
  horizonMonths: number;
  rows: KpiRow[];
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

/** Two proportions: x1 of n1 against x0 of n0. */
export function proportionDifference(x1: number, n1: number, x0: number, n0: number): Interval | null {
  if (n1 === 0 || n0 === 0) return null;
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  return { difference: p1 - p0, low: p1 - p0 - Z95 * se, high: p1 - p0 + Z95 * se };
}

/** Two means from their counts, sums and sums of squares (Welch's standard error). */
export function meanDifference(n1: number, sum1: number, sq1: number, n0: number, sum0: number, sq0: number): Interval | null {
  if (n1 < 2 || n0 < 2) return null;
  const m1 = sum1 / n1;
  const m0 = sum0 / n0;
  const v1 = Math.max(0, (sq1 - n1 * m1 * m1) / (n1 - 1));
  const v0 = Math.max(0, (sq0 - n0 * m0 * m0) / (n0 - 1));
  const se = Math.sqrt(v1 / n1 + v0 / n0);
  return { difference: m1 - m0, low: m1 - m0 - Z95 * se, high: m1 - m0 + Z95 * se };
}

interface Scope {
  root: { id: number; path: string; code: string };
  by: KpiDimension | null;
}

/** The group key of a customer's region `r` (customer dimensions). */
function customerKey(scope: Scope, region: SQL, tier: SQL): SQL | null {
  switch (scope.by) {
    case null:
      return sql`'total'::text`;
    case 'region':
      return sql`coalesce((select ch.code from regions ch where ch.parent_id = ${scope.root.id}::int and starts_with(${region}.path, ch.path)), ${scope.root.code}::text)`;
    case 'tier':
      return tier;
    default:
      return null;
  }
}

/** The group key of a task `t` of a customer `c` in region `r`. */
function taskKey(scope: Scope): SQL {
  switch (scope.by) {
    case 'tactic':
      return sql`coalesce(t.tactic, '-')`;
    case 'channel':
      return sql`coalesce(t.channel, '-')`;
    case 'team':
      return sql`coalesce((select tm.name from teams tm where tm.id = t.team_id), '-')`;
    case 'agent':
      return sql`coalesce(t.assignee, '-')`;
    case 'warningRule':
      return sql`tw.rule`;
    default:
      return customerKey(scope, sql`r`, sql`c.tier`)!;
  }
}

/** Joined to the tasks `t`: by warning rule, one row per rule of the warnings a task answers (none: no row). */
const taskJoin = (scope: Scope): SQL =>
  scope.by === 'warningRule'
    ? sql`cross join lateral (select distinct tw.plugin_id || '/' || tw.rule_id as rule from warnings tw where tw.id = any(t.warning_ids)) tw`
    : sql``;

const inSubtree = (scope: Scope) => sql`starts_with(r.path, ${scope.root.path})`;
const localMonth = (ts: SQL) => sql`date_trunc('month', ${ts} at time zone r.time_zone)::date`;

/** The KPIs of the subtree at `region` for `month` (`YYYY-MM`), by `by` or in total. */
export async function computeKpis(db: Db, region: { id: number; path: string; code: string }, month: string, by: KpiDimension | null, horizonMonths: number): Promise<KpiReport> {
  const scope: Scope = { root: region, by };
  const m = monthStart(month);
  const last = monthStart(addMonths(month, horizonMonths - 1));
  const first = monthStart(addMonths(month, 1 - horizonMonths));
  const next = monthStart(addMonths(month, 1));
  const end = monthStart(addMonths(month, horizonMonths));
  const cKey = customerKey(scope, sql`r`, sql`f.tier`);
  const wKey = customerKey(scope, sql`r`, sql`c.tier`);

  const retention = cKey
    ? queryRows<{ key: string; customers: number; churned: number }>(db, sql`
        select ${cKey} as key, count(*)::int as customers, count(*) filter (where f.churned)::int as churned
        from churn_facts f join regions r on r.id = f.region_id
        where f.month = ${m}::date and ${inSubtree(scope)} group by 1`)
    : Promise.resolve([]);

  const warned = wKey
    ? queryRows<{ key: string; warned: number; warned_churned: number; churned: number; churned_warned: number }>(db, sql`
        with firsts as (
          select w.customer_id, min(${localMonth(sql`w.first_seen_at`)}) as month
          from warnings w join customers c on c.id = w.customer_id join regions r on r.id = c.region_id
          where ${inSubtree(scope)} and w.first_seen_at >= (${first}::date - interval '1 day') and w.first_seen_at < (${next}::date + interval '1 day')
          group by w.customer_id),
        churns as (
          select f.customer_id, f.month from churn_facts f join regions r on r.id = f.region_id
          where f.churned and f.month between ${m}::date and ${last}::date and ${inSubtree(scope)}),
        people as (
          select c.id, ${wKey} as key,
            exists (select from firsts x where x.customer_id = c.id and x.month = ${m}::date) as warned_now,
            exists (select from firsts x where x.customer_id = c.id and x.month between ${first}::date and ${m}::date) as warned_before,
            exists (select from churns x where x.customer_id = c.id) as churns_within,
            exists (select from churns x where x.customer_id = c.id and x.month = ${m}::date) as churned_now
          from customers c join regions r on r.id = c.region_id
          where c.id in (select customer_id from firsts union select customer_id from churns))
        select key, count(*) filter (where warned_now)::int as warned, count(*) filter (where warned_now and churns_within)::int as warned_churned,
          count(*) filter (where churned_now)::int as churned, count(*) filter (where churned_now and warned_before)::int as churned_warned
        from people group by key`)
    : Promise.resolve([]);

  const reached = sql`(exists (select from task_attempts a where a.task_id = t.id and (a.disposition in ('reached', 'refused', 'promised', 'accepted')
      or a.disposition is null and a.outcome in ('retained', 'declined', 'callback_requested', 'not_eligible')))
    or exists (select from contacts k where k.task_id = t.id and k.status = 'delivered'))`;
  const attempted = sql`(exists (select from task_attempts a where a.task_id = t.id)
    or exists (select from contacts k where k.task_id = t.id and k.status in ('sent', 'delivered', 'failed', 'rejected')))`;
  const tasks = queryRows<{ key: string; tasks: number; done: number; retained: number; attempted: number; reached: number; cost: number }>(db, sql`
    select key, count(*)::int as tasks, count(*) filter (where state = 'done')::int as done, count(*) filter (where outcome = 'retained')::int as retained,
      count(*) filter (where attempted)::int as attempted, count(*) filter (where reached)::int as reached,
      coalesce(sum(cost_cents) filter (where outcome = 'retained'), 0)::bigint as cost
    from (select ${taskKey(scope)} as key, t.state, t.outcome, t.cost_cents, ${attempted} as attempted, ${reached} as reached
      from retention_tasks t join customers c on c.id = t.customer_id join regions r on r.id = c.region_id ${taskJoin(scope)}
      where ${inSubtree(scope)} and t.created_at >= (${m}::date - interval '1 day') and t.created_at < (${next}::date + interval '1 day')
        and ${localMonth(sql`t.created_at`)} = ${m}::date) x
    group by key`);

  // The units compared: (customer, key, arm) with arm `treated` or `control`.
  const uKey = by === 'tactic' ? sql`u.tactic` : customerKey(scope, sql`r`, sql`c.tier`);
  const units = by === 'warningRule'
    ? sql`
        with warned as (
          select w.id, w.customer_id, w.plugin_id || '/' || w.rule_id as rule, r.path
          from warnings w join customers c on c.id = w.customer_id join regions r on r.id = c.region_id
          where ${inSubtree(scope)} and w.first_seen_at >= (${m}::date - interval '1 day') and w.first_seen_at < (${next}::date + interval '1 day')
            and ${localMonth(sql`w.first_seen_at`)} = ${m}::date),
        treated as (
          select distinct x.customer_id, x.rule from warned x join retention_tasks t on t.customer_id = x.customer_id and x.id = any(t.warning_ids)
            join customers c on c.id = t.customer_id join regions r on r.id = c.region_id
          where t.planner_run_id is not null and t.created_at >= (${m}::date - interval '1 day') and t.created_at < (${end}::date + interval '1 day')
            and ${localMonth(sql`t.created_at`)} between ${m}::date and ${last}::date)
        select customer_id, rule as key, 'treated' as arm from treated
        union all
        select distinct x.customer_id, x.rule, 'control' from warned x
        where ${heldOutOfRule(sql`x.rule`, sql`x.customer_id`, sql`x.path`)} and not exists (select from treated y where y.customer_id = x.customer_id and y.rule = x.rule)`
    : uKey
      ? sql`
        with treated as (
          select distinct t.customer_id, t.tactic from retention_tasks t join customers c on c.id = t.customer_id join regions r on r.id = c.region_id
          where ${inSubtree(scope)} and t.tactic is not null and t.planner_run_id is not null
            and t.created_at >= (${m}::date - interval '1 day') and t.created_at < (${next}::date + interval '1 day')
            and ${localMonth(sql`t.created_at`)} = ${m}::date),
        control as (
          select distinct d.customer_id, d.tactic from planner_decisions d join planner_runs pr on pr.id = d.run_id
            join customers c on c.id = d.customer_id join regions r on r.id = c.region_id
          where ${inSubtree(scope)} and d.reason = ${HELD_OUT_REASON} and pr.day >= ${m}::date and pr.day < ${next}::date
            and not exists (select from treated x where x.customer_id = d.customer_id and x.tactic = d.tactic))
        select u.customer_id, ${uKey} as key, u.arm
        from (select customer_id, tactic, 'treated' as arm from treated union all select customer_id, tactic, 'control' from control) u
          join customers c on c.id = u.customer_id join regions r on r.id = c.region_id`
      : null;
  const uplift = units
    ? queryRows<{ key: string; arm: 'treated' | 'control'; n: number; retained: number; revenue: number; revenue_sq: number }>(db, sql`
        with units as (${units}),
        measured as (
          select u.key, u.arm,
            not exists (select from churn_facts f where f.customer_id = u.customer_id and f.churned and f.month between ${m}::date and ${last}::date) as retained,
            coalesce((select sum(mu.revenue_cents) from monthly_usage mu where mu.customer_id = u.customer_id and mu.month >= ${next}::date and mu.month <= ${end}::date), 0)::float8
              / ${horizonMonths}::int as revenue
          from units u)
        select key, arm, count(*)::int as n, count(*) filter (where retained)::int as retained, sum(revenue)::float8 as revenue, sum(revenue * revenue)::float8 as revenue_sq
        from measured group by key, arm`)
    : Promise.resolve([]);

  const [retentionRows, warnedRows, taskRows, upliftRows] = await Promise.all([retention, warned, tasks, uplift]);
  const keys = new Set<string>([...retentionRows, ...warnedRows, ...taskRows, ...upliftRows].map((r) => r.key));
  if (by === null) keys.add('total');
  const customerLevel = by === null || by === 'region' || by === 'tier';
  const rows = [...keys].sort().map((key): KpiRow => {
    const ret = retentionRows.find((r) => r.key === key);
    const w = warnedRows.find((r) => r.key === key);
    const t = taskRows.find((r) => r.key === key);
    const customers = customerLevel ? Number(ret?.customers ?? 0) : null;
    const churned = customerLevel ? Number(ret?.churned ?? 0) : null;
    const churnRate = ratio(churned, customers);
    const num = (v: number | undefined) => (customerLevel ? Number(v ?? 0) : null);
    const [warnedN, warnedChurned, churnedAll, churnedWarned] = [num(w?.warned), num(w?.warned_churned), num(w?.churned), num(w?.churned_warned)];
    const taskN = Number(t?.tasks ?? 0);
    const done = Number(t?.done ?? 0);
    const retained = Number(t?.retained ?? 0);
    const attemptedN = Number(t?.attempted ?? 0);
    const reachedN = Number(t?.reached ?? 0);
    const cost = Number(t?.cost ?? 0);
    return {
      key,
      customers,
      churned,
      retentionRate: customers === null || churned === null ? null : ratio(customers - churned, customers),
      churnRate,
      warned: warnedN,
      warnedChurned,
      churnedWarned,
      warningPrecision: ratio(warnedChurned, warnedN),
      warningRecall: ratio(churnedWarned, churnedAll),
      tasks: taskN,
      done,
      retained,
      attempted: attemptedN,
      reached: reachedN,
      completionRate: ratio(done, taskN),
      successRate: ratio(retained, done),
      reachRate: ratio(reachedN, attemptedN),
      costCents: cost,
      costPerRetainedCents: ratio(cost, retained),
      uplift: units ? upliftOf(upliftRows.filter((r) => r.key === key)) : null,
    };
  });
  return { region, month, by, horizonMonths, rows };
}

function upliftOf(rows: ReadonlyArray<{ arm: string; n: number; retained: number; revenue: number; revenue_sq: number }>): Uplift {
  const arm = (name: string) => {
    const r = rows.find((x) => x.arm === name);
    return { n: Number(r?.n ?? 0), retained: Number(r?.retained ?? 0), revenue: Number(r?.revenue ?? 0), sq: Number(r?.revenue_sq ?? 0) };
  };
  const t = arm('treated');
  const c = arm('control');
  return {
    treated: t.n,
    control: c.n,
    treatedRetained: t.retained,
    controlRetained: c.retained,
    treatedRetentionRate: ratio(t.retained, t.n),
    controlRetentionRate: ratio(c.retained, c.n),
    retention: proportionDifference(t.retained, t.n, c.retained, c.n),
    treatedRevenueCents: ratio(t.revenue, t.n),
    controlRevenueCents: ratio(c.revenue, c.n),
    revenueCents: meanDifference(t.n, t.revenue, t.sq, c.n, c.revenue, c.sq),
  };
}
