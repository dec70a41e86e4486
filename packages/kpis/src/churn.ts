/**
 * Churn facts (离网事实): one row per customer and month it began as a customer, `churned` in the month its
 * region's churn definition first holds, no row after. Computed set-based: ONE `INSERT ... SELECT ... ON
 * CONFLICT` per run over a region subtree and a range of months, which also deletes the range's rows the
 * definition no longer yields (a churn found earlier) and leaves unchanged rows alone, so a rerun writes nothing.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { kpiSettingsOfSubtree } from './settings.js';

/** `YYYY-MM` → `YYYY-MM-01`; throws on anything else. */
export function monthStart(month: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
  return `${month}-01`;
}

/** The month `n` months after `month` (`YYYY-MM`, n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last complete month at `now` in `timeZone` (`YYYY-MM`). */
export function lastCompleteMonth(now: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(now);
  return addMonths(local.slice(0, 7), -1);
}

export interface ChurnFactsRun {
  region: { id: number; path: string };
  /** First and last month computed (`YYYY-MM`), the last one complete. */
  from: string;
  to: string;
}

export interface ChurnFactsSummary {
  /** Rows written or changed (customer months); 0 on a rerun over unchanged data. */
  rows: number;
  /** Churned customers among them. */
  churned: number;
}

/** Computes the churn facts of the region subtree's customers for the months `from`..`to`. */
export async function computeChurnFacts(db: Db, run: ChurnFactsRun): Promise<ChurnFactsSummary> {
  const regions = await kpiSettingsOfSubtree(db, run.region.path);
  if (regions.length === 0) return { rows: 0, churned: 0 };
  const from = monthStart(run.from);
  const to = monthStart(run.to);
  const [summary] = await queryRows<{ rows: number; churned: number }>(db, sql`
    with def as (
      -- As JSON: the drivers disagree on boolean array parameters.
      select * from jsonb_to_recordset(${JSON.stringify(regions.map((r) => ({ region_id: r.regionId, by_status: r.settings.churn.status, no_revenue: r.settings.churn.monthsWithoutRevenue, by_port_out: r.settings.churn.portOutCompleted })))}::jsonb)
        d(region_id int, by_status boolean, no_revenue int, by_port_out boolean)),
    cust as (
      select c.id, c.region_id, c.tier, date_trunc('month', c.joined_on)::date as joined, d.no_revenue,
        case when d.by_status and c.status = 'churned' then date_trunc('month', c.churned_on)::date end as status_month,
        case when d.by_port_out then (select date_trunc('month', min(e.occurred_at at time zone r.time_zone))::date
          from customer_events e where e.customer_id = c.id and e.type = 'port_out.completed') end as port_out_month
      from customers c join def d on d.region_id = c.region_id join regions r on r.id = c.region_id),
    -- N months without revenue complete N months after a month with revenue when the next such month is
    -- later (or never comes), or N-1 months after the customer's first usage month when none of the first N has revenue.
    revenue as (
      select u.customer_id, u.month, cu.no_revenue, lead(u.month) over (partition by u.customer_id order by u.month) as next
      from monthly_usage u join cust cu on cu.id = u.customer_id
      where cu.no_revenue > 0 and u.revenue_cents > 0 and u.month <= ${to}::date),
    silent as (
      select customer_id, min(m) as month from (
        select customer_id, (month + make_interval(months => no_revenue))::date as m, next from revenue) g
      where (next is null or next > m) and m <= ${to}::date group by customer_id
      union all
      select cu.id, (f.first + make_interval(months => cu.no_revenue - 1))::date
      from cust cu join (select customer_id, min(month) as first from monthly_usage where month <= ${to}::date group by customer_id) f on f.customer_id = cu.id
      where cu.no_revenue > 0 and (f.first + make_interval(months => cu.no_revenue - 1))::date <= ${to}::date
        and not exists (select from monthly_usage u where u.customer_id = cu.id and u.revenue_cents > 0
          and u.month between f.first and (f.first + make_interval(months => cu.no_revenue - 1))::date)),
    churn as (
      select cu.*, least(cu.status_month, cu.port_out_month, s.month) as churn_month,
        case least(cu.status_month, cu.port_out_month, s.month) when cu.status_month then 'status' when cu.port_out_month then 'port_out' else 'no_revenue' end as reason
      from cust cu left join (select customer_id, min(month) as month from silent group by customer_id) s on s.customer_id = cu.id),
    facts as (
      select ch.id as customer_id, m.month, ch.region_id, ch.tier, m.month is not distinct from ch.churn_month as churned,
        case when m.month = ch.churn_month then ch.reason end as reason, coalesce(u.revenue_cents, 0) as revenue_cents
      from churn ch
      join lateral (select g::date as month from generate_series(greatest(${from}::date, ch.joined), least(${to}::date, coalesce(ch.churn_month, ${to}::date)), interval '1 month') g) m on true
      left join monthly_usage u on u.customer_id = ch.id and u.month = m.month),
    gone as (
      delete from churn_facts f where f.month between ${from}::date and ${to}::date and f.customer_id in (select id from cust)
        and not exists (select from facts x where x.customer_id = f.customer_id and x.month = f.month)
      returning 1),
    written as (
      insert into churn_facts (customer_id, month, region_id, tier, churned, reason, revenue_cents, computed_at)
      select customer_id, month, region_id, tier, churned, reason, revenue_cents, now() from facts
      on conflict (customer_id, month) do update set region_id = excluded.region_id, tier = excluded.tier, churned = excluded.churned,
        reason = excluded.reason, revenue_cents = excluded.revenue_cents, computed_at = excluded.computed_at
      -- An unchanged row is not rewritten: a daily rerun over 12 months touches only what changed.
      where (churn_facts.region_id, churn_facts.tier, churn_facts.churned, churn_facts.reason, churn_facts.revenue_cents)
        is distinct from (excluded.region_id, excluded.tier, excluded.churned, excluded.reason, excluded.revenue_cents)
      returning churned)
    select (select count(*) from written)::int as rows, (select count(*) filter (where churned) from written)::int as churned, (select count(*) from gone)::int as removed`);
  return { rows: Number(summary!.rows), churned: Number(summary!.churned) };
}
