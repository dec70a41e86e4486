/**
 * Value tiers (钻/金/银卡, 中高端, 普通), recomputed in one set-based statement.
 *
 * Rule: non-churned customers are ranked within their province (the first segment of their region's path)
 * by their revenue over the last 3 complete months, highest first, with `percent_rank()` (ties share a rank;
 * 0 = top, 1 = bottom; missing months count as 0). `value_rank_pct` is that rank. A customer whose rank is
 * below the diamond share is diamond, below the gold share gold, and so on to mid-high; the rest are
 * ordinary. Customers without any revenue in the window are ordinary whatever their rank (in a province
 * where most customers pay nothing, the tied zeros would otherwise rank near the top). Churned customers
 * are ordinary with no rank. Only rows whose tier or rank changes are written.
 */
import { sql, type SQL } from 'drizzle-orm';
import { customers, monthlyUsage, queryRows, regions, type Db } from '@weixi/db';
import { monthStart } from '../months.js';
import { DEFAULT_TIER_THRESHOLDS, validateTierThresholds, type TierThresholds } from './thresholds.js';

/** Months of revenue a tier is computed from. */
export const TIER_REVENUE_MONTHS = 3;

export async function refreshTiers(db: Db, opts: { now: Date; thresholds?: TierThresholds }): Promise<{ updated: number }> {
  const t = validateTierThresholds(opts.thresholds ?? DEFAULT_TIER_THRESHOLDS);
  // A share of 1 takes everybody, the bottom customer (rank exactly 1) included.
  const within = (share: number): SQL => (share >= 1 ? sql`true` : sql`rk.pct < ${share}::float8`);
  const [row] = await queryRows<{ updated: number }>(db, sql`
    with revenue as (
      select customer_id, sum(revenue_cents) as cents from ${monthlyUsage}
      where month >= ${monthStart(opts.now, -TIER_REVENUE_MONTHS)}::date and month < ${monthStart(opts.now, 0)}::date
      group by customer_id
    ),
    ranked as (
      select c.id, coalesce(v.cents, 0) as cents,
        percent_rank() over (partition by split_part(r.path, '/', 2) order by coalesce(v.cents, 0) desc) as pct
      from ${customers} c
      join ${regions} r on r.id = c.region_id
      left join revenue v on v.customer_id = c.id
      where c.status <> 'churned'
    ),
    target as (
      select c.id, rk.pct::real as pct,
        case
          when rk.id is null or rk.cents = 0 then 'ordinary'
          when ${within(t.diamond)} then 'diamond'
          when ${within(t.gold)} then 'gold'
          when ${within(t.silver)} then 'silver'
          when ${within(t.midHigh)} then 'mid_high'
          else 'ordinary'
        end as tier
      from ${customers} c left join ranked rk on rk.id = c.id
    ),
    changed as (
      -- value_rank_pct is real: compare with the value as stored, or every run would rewrite every row.
      update ${customers} c set tier = t.tier, value_rank_pct = t.pct
      from target t
      where t.id = c.id and (c.tier is distinct from t.tier or c.value_rank_pct is distinct from t.pct)
      returning 1
    )
    select count(*)::int as updated from changed`);
  return { updated: row!.updated };
}
