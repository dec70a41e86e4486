/** The planner job: a core job, run daily at 08:00 in each city where a tactic plugin is enabled. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { JobRegion, PluginHost } from '@weixi/core';
import { previewPlan, runPlans, type NextBestAction, type PlanInput, type PlanRegion, type PlanSummary } from './run.js';
import { regionTactics, type PlannerHost } from './tactics.js';

export const PLANNER_JOB = {
  id: 'planner',
  description: 'Next-best-action arbitration: evaluates the enabled tactics, chooses one per customer and creates the tasks',
  cron: '0 8 * * *',
  maxAttempts: 3,
};

/** Cities where at least one plugin that defines a tactic is enabled (the host's enablement, in memory). */
export function plannerRegions(host: Pick<PluginHost, 'tactics' | 'enablement'>): JobRegion[] {
  const cities = new Map<number, JobRegion>();
  for (const pluginId of new Set(host.tactics.list().map((t) => t.pluginId))) {
    for (const r of host.enablement(pluginId).regions) if (r.level === 'city') cities.set(r.id, { regionId: r.id, code: r.code, timeZone: r.timeZone });
  }
  return [...cities.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * Plans a region: a city (or district) with its own tactics and settings; a province city by city, each a
 * run of its own (settings, budgets and enablement are per city), the cities with the same plan together.
 */
export async function planRegion(db: Db, host: PlannerHost, regionCode: string, now: Date, jobRunId: number | null = null, progress?: (done: number, message: string) => Promise<void>): Promise<PlanSummary[]> {
  const [outcome] = await planRegions(db, host, [{ regionCode, jobRunId }], now);
  if (outcome!.error) throw outcome!.error;
  if (progress) await reportPlans(outcome!.summaries, progress);
  return outcome!.summaries;
}

/** What `planRegions` did for one requested region: the summaries of its runs, or the first error. */
export interface RegionPlanOutcome {
  summaries: PlanSummary[];
  error?: Error;
}

/**
 * Plans several regions at once (the planner job's due runs, claimed together): every city of every request
 * goes to one `runPlans`, so cities with the same plan read the population once.
 */
export async function planRegions(db: Db, host: PlannerHost, requests: ReadonlyArray<{ regionCode: string; jobRunId: number | null }>, now: Date): Promise<RegionPlanOutcome[]> {
  const rows = await queryRows<{ request: number; id: number; code: string; path: string; time_zone: string }>(
    db,
    sql`select q.request, r.id, r.code, r.path, r.time_zone
      from unnest(${sql.param(requests.map((q) => q.regionCode))}::text[]) with ordinality q(code, request)
      join regions a on a.code = q.code
      join regions r on r.id = a.id and a.level <> 'province' or a.level = 'province' and r.level = 'city' and starts_with(r.path, a.path)
      order by q.request, r.path`,
  );
  const inputs: PlanInput[] = [];
  const owners: number[] = [];
  for (const row of rows) {
    const region: PlanRegion = { id: Number(row.id), code: row.code, path: row.path, timeZone: row.time_zone };
    const request = Number(row.request) - 1;
    inputs.push({ ...(await regionInput(host, region, now)), jobRunId: requests[request]!.jobRunId });
    owners.push(request);
  }
  const outcomes: RegionPlanOutcome[] = requests.map(() => ({ summaries: [] }));
  for (const [i, result] of (await runPlans(db, inputs)).entries()) {
    const outcome = outcomes[owners[i]!]!;
    if (result instanceof Error) outcome.error ??= result;
    else outcome.summaries.push(result);
  }
  return outcomes;
}

/**
 * What the planner plans in a region: its enabled tactics built with its settings, and the channels the
 * host says are available there (a channel whose plugin is enabled in the region).
 */
async function regionInput(host: PlannerHost, region: PlanRegion, now: Date): Promise<PlanInput> {
  const { tactics, skipped } = await regionTactics(host, region);
  const available = new Set(host.channelsIn(region.id).map((c) => c.id));
  return { region, tactics, skipped, now, channelAvailable: (channelId) => available.has(channelId) };
}

/** Reports a run's plans as its progress, a line each (`describePlan`). */
export async function reportPlans(summaries: readonly PlanSummary[], progress: (done: number, message: string) => Promise<void>): Promise<void> {
  for (const [i, summary] of summaries.entries()) await progress((i + 1) / summaries.length, describePlan(summary));
}

/** One line for a job run's progress message. */
export function describePlan(s: PlanSummary): string {
  const skipped = s.skipped.length > 0 ? `; skipped ${s.skipped.map((t) => `${t.tactic} (${t.error})`).join(', ')}` : '';
  return `${s.regionCode} ${s.day}: ${s.tactics} tactics, ${s.considered} customers considered, ${s.eligible} eligible, ${s.chosen} chosen, ${s.created} tasks created${skipped}`;
}

/**
 * The next best actions of customers (`Customer.nextBestActions`): a preview per city of theirs, with the
 * city's tactics and settings, as the city's run would rank them now. Every id gets an entry.
 */
export async function nextBestActions(db: Db, host: PlannerHost, customerIds: readonly number[], now: Date): Promise<Map<number, NextBestAction[]>> {
  const out = new Map<number, NextBestAction[]>(customerIds.map((id) => [id, []]));
  if (customerIds.length === 0) return out;
  const rows = await queryRows<{ customer_id: number; id: number; code: string; path: string; time_zone: string }>(
    db,
    sql`select c.id as customer_id, city.id, city.code, city.path, city.time_zone from customers c
      join regions r on r.id = c.region_id join regions city on city.level = 'city' and starts_with(r.path, city.path)
      where c.id = any(${sql.param(customerIds.map(Number))}::int[])`,
  );
  const byCity = new Map<number, { region: PlanRegion; ids: number[] }>();
  for (const row of rows) {
    const id = Number(row.id);
    if (!byCity.has(id)) byCity.set(id, { region: { id, code: row.code, path: row.path, timeZone: row.time_zone }, ids: [] });
    byCity.get(id)!.ids.push(Number(row.customer_id));
  }
  for (const { region, ids } of byCity.values()) {
    for (const [customerId, actions] of await previewPlan(db, await regionInput(host, region, now), ids)) out.set(customerId, actions);
  }
  return out;
}
