/**
 * Demo history of treatment and control (for the demo population of @weixi/demo): in each of three past
 * months, a planner run per city offered a tactic to customers at risk (most of those who would churn
 * within six months, and a few others, as a warning rule would find them); the control group's share was
 * held out by the same draw as the planner's (`weixi_held_out`), the rest got a done task. A hashed share
 * of the treated customers who were going to churn within the horizon stayed instead (status active, their
 * revenue continuing), so the uplift is real but modest. Set-based, one pass of statements per month;
 * a second call adds nothing.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { addMonths, lastCompleteMonth, monthStart } from './churn.js';
import { HELD_OUT_REASON } from './control-groups.js';

export interface DemoHistoryOptions {
  now: Date;
  /** The tactic treated (`plugin/tactic`). */
  tactic: string;
  /** Share held out (default 0.2). */
  share?: number;
  /** Share of the treated would-be churners who stay (default 0.2). */
  saved?: number;
}

/** A uniform fraction in [0, 1) from md5 of a salt and the customer id, as SQL. */
const draw = (salt: string) => sql`(('x' || left(md5(${salt}::text || ':' || c.id::text), 8))::bit(32)::bigint / 4294967296.0)`;

/** Writes the history; returns the months treated (`YYYY-MM`) and how many were treated and held out. */
export async function seedControlGroupHistory(db: Db, options: DemoHistoryOptions): Promise<{ months: string[]; treated: number; control: number }> {
  const { now, tactic, share = 0.2, saved = 0.2 } = options;
  const [done] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from retention_tasks where idempotency_key like 'demo-history:%'`);
  const last = lastCompleteMonth(now, 'Asia/Shanghai');
  // Three months whose horizon has ended: churn through M+2, revenue through M+3 (the last complete month).
  const months = [5, 4, 3].map((back) => addMonths(last, -back));
  if (Number(done!.n) > 0) return { months, treated: 0, control: 0 };
  let treated = 0;
  let control = 0;
  for (const month of months) {
    const start = monthStart(month);
    const day = `${month}-10`;
    const horizonEnd = monthStart(addMonths(month, 3));
    const candidates = sql`select c.id, c.churned_on, city.id as city_id, ${draw(`demo-outcome:${month}`)} as outcome_draw, ${draw(`demo-saved:${month}`)} as saved_draw,
        weixi_held_out(${tactic}::text, c.id, ${share}::float8) as held_out
      from customers c join regions r on r.id = c.region_id join regions city on city.level = 'city' and starts_with(r.path, city.path)
      where c.joined_on < ${start}::date and (c.churned_on is null or c.churned_on >= ${start}::date)
        and (c.churned_on < (${start}::date + interval '6 months') and ${draw(`demo-candidate:${month}`)} < 0.6 or ${draw(`demo-candidate:${month}`)} < 0.04)`;
    const [counts] = await queryRows<{ treated: number; control: number }>(db, sql`
      with runs as (
        insert into planner_runs (region_id, day, started_at, finished_at, status, tactics)
        select id, ${day}::date, (${day}::date + time '08:00') at time zone time_zone, (${day}::date + time '08:01') at time zone time_zone, 'succeeded', 1
        from regions where level = 'city' returning id, region_id),
      chosen as (select x.*, runs.id as run_id from (${candidates}) x join runs on runs.region_id = x.city_id),
      tasks as (
        insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, state, outcome, due_at, cost_cents, planner_run_id, idempotency_key, created_at, updated_at, closed_at)
        select id, 'demo: churn risk', ${tactic}, split_part(${tactic}, '/', 1), 'sms', 'done', case when outcome_draw < 0.3 then 'retained' else 'declined' end,
          ${day}::date + 7, 5000, run_id, ${`demo-history:${tactic}:${month}`}, ${day}::date + time '02:00', ${day}::date + time '02:00', ${day}::date + 2
        from chosen where not held_out
        on conflict (customer_id, idempotency_key) do nothing returning customer_id),
      held as (
        insert into planner_decisions (run_id, customer_id, tactic, score, cost_cents, value_cents, eligible, reason, trigger)
        select run_id, id, ${tactic}, 0, 5000, 0, false, ${HELD_OUT_REASON}, 'demo: churn risk' from chosen where held_out
        on conflict do nothing returning customer_id),
      -- The effect: a share of the treated who would have churned within the horizon stay, paying on.
      saved as (
        update customers c set status = 'active', churned_on = null, updated_at = now()
        from chosen x where x.id = c.id and not x.held_out and x.churned_on >= ${start}::date and x.churned_on < ${horizonEnd}::date and x.saved_draw < ${saved}
        returning c.id, x.churned_on),
      paid as (
        insert into monthly_usage (customer_id, month, revenue_cents, active_days)
        select s.id, m::date, coalesce((select round(avg(u.revenue_cents)) from monthly_usage u where u.customer_id = s.id and u.revenue_cents > 0), 3000), 25
        from saved s cross join generate_series(date_trunc('month', s.churned_on), ${monthStart(last)}::date, interval '1 month') m
        on conflict (customer_id, month) do update set revenue_cents = excluded.revenue_cents, active_days = excluded.active_days
        returning 1)
      select (select count(*) from tasks)::int as treated, (select count(*) from held)::int as control, (select count(*) from paid)::int as paid`);
    treated += Number(counts!.treated);
    control += Number(counts!.control);
  }
  return { months, treated, control };
}
