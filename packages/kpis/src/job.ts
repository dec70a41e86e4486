/** The churn-facts job: a core job, daily at 02:00 local in every city, over the last 12 complete months. */
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

/** Every city (churn is measured everywhere, whatever plugins are enabled). */
export async function churnFactsRegions(db: Db): Promise<Array<{ regionId: number; code: string; timeZone: string }>> {
  const rows = await queryRows<{ id: number; code: string; time_zone: string }>(db, sql`select id, code, time_zone from regions where level = 'city' order by path`);
  return rows.map((r) => ({ regionId: Number(r.id), code: r.code, timeZone: r.time_zone }));
}

/** Computes a region's facts for the months up to its last complete one at `now`. */
export async function runChurnFacts(db: Db, region: { id: number; path: string; timeZone: string }, now: Date): Promise<ChurnFactsSummary & { from: string; to: string }> {
  const to = lastCompleteMonth(now, region.timeZone);
  const from = addMonths(to, 1 - CHURN_FACTS_MONTHS);
  return { ...(await computeChurnFacts(db, { region, from, to })), from, to };
}

export const describeChurnFacts = (s: { rows: number; churned: number; from: string; to: string }) => `${s.rows} customer months ${s.from}..${s.to} written, ${s.churned} of them churned`;
