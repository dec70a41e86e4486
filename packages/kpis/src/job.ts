/** The churn-facts job: a core job, daily at 02:00 local in every city where KPIs are set up, over the last 12 complete months. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { addMonths, computeChurnFacts, lastCompleteMonth, type ChurnFactsSummary } from './churn.js';

export const CHURN_FACTS_JOB = {
  id: 'churn-facts',
  description: "Churn facts per customer and month by the region's churn definition (the KPIs' base)",
  cron: '0 2 * * *',
  maxAttempts: 3,
};

/** Months recomputed by a run: late usage and status changes within a year are picked up. */
export const CHURN_FACTS_MONTHS = 12;

/**
 * Regions of these levels where KPIs are set up: KPI settings (`setKpiSettings`, `{}` will do) in the region,
 * above it or below it. As dispatch runs where dispatch is set up, the KPI jobs stay out of the regions of an
 * installation (and of a plugin author's test platform) that never asked for them.
 */
export async function kpiRegions(db: Db, levels: readonly string[]): Promise<Array<{ regionId: number; code: string; timeZone: string }>> {
  const rows = await queryRows<{ id: number; code: string; time_zone: string }>(db, sql`
    select c.id, c.code, c.time_zone from regions c
    where c.level in (${sql.join(levels.map((l) => sql`${l}`), sql`, `)}) and exists (
      select from kpi_settings k join regions r on r.id = k.region_id
      where starts_with(c.path, r.path) or starts_with(r.path, c.path))
    order by c.path`);
  return rows.map((r) => ({ regionId: Number(r.id), code: r.code, timeZone: r.time_zone }));
}

/** The cities where KPIs are set up: churn is measured per city, whatever plugins are enabled there. */
export const churnFactsRegions = (db: Db) => kpiRegions(db, ['city']);

/** Computes a region's facts for the months up to its last complete one at `now`. */
export async function runChurnFacts(db: Db, region: { id: number; path: string; timeZone: string }, now: Date): Promise<ChurnFactsSummary & { from: string; to: string }> {
  const to = lastCompleteMonth(now, region.timeZone);
  const from = addMonths(to, 1 - CHURN_FACTS_MONTHS);
  return { ...(await computeChurnFacts(db, { region, from, to })), from, to };
}

export const describeChurnFacts = (s: { rows: number; churned: number; from: string; to: string }) => `${s.rows} customer months ${s.from}..${s.to} written, ${s.churned} of them churned`;
