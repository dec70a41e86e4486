/**
 * KPIs on a hand-built population whose figures are counted by hand below (month 2026-10, horizon 3):
 * - JS-NJ: 10 customers treated with `t/boost` on 2026-10-10 (2 churn by status on 2026-11-15) and 10 held
 *   out the same day (4 churn on 2026-12-05); one more whose revenue stops after August (not churn in NJ:
 *   JS defines churn by status and port-out only);
 * - JS-SZ (its own definition: 2 months without revenue): one ports out on 2026-10-20, one has no revenue
 *   after August (churns in October, the month the 2-month run completes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, insertRegions, type TestDatabase } from '@weixi/db/testing';
import { computeChurnFacts } from './churn.js';
import { computeKpis, type KpiRow } from './figures.js';
import { makeDailyReport } from './daily-report.js';
import { kpisOf } from './report.js';
import { kpiSettingsOfSubtree, setKpiSettings } from './settings.js';

let database: TestDatabase;
const db = () => database.db;
const region = {} as Record<string, { id: number; path: string; code: string }>;
const ids = { treated: [] as number[], control: [] as number[] } as Record<string, number[]>;
let msisdn = 13900000000;

async function customer(code: string, opts: { churnedOn?: string; revenue?: Record<string, number> } = {}): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db(), sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, tier, status, churned_on)
    values (${String(msisdn++)}, 'c', ${region[code]!.id}, '2020-01-01', 'P59', 'postpaid', ${code === 'JS-SZ' ? 'gold' : 'ordinary'},
      ${opts.churnedOn ? 'churned' : 'active'}, ${opts.churnedOn ?? null}) returning id`);
  const id = Number(row!.id);
  for (const [month, cents] of Object.entries(opts.revenue ?? {})) {
    await db().execute(sql`insert into monthly_usage (customer_id, month, revenue_cents) values (${id}, ${`${month}-01`}::date, ${cents})`);
  }
  return id;
}

const at = (day: string) => `${day}T10:00:00+08:00`;

beforeAll(async () => {
  database = await createTestDatabase();
  Object.assign(region, Object.fromEntries(await insertRegions(db(), [['JS', 'province', null], ['JS-NJ', 'city', 'JS'], ['JS-SZ', 'city', 'JS']])));
  await setKpiSettings(db(), region.JS!, { churn: { monthsWithoutRevenue: 0 } });
  await setKpiSettings(db(), region['JS-SZ']!, { churn: { monthsWithoutRevenue: 2 } });

  const [run] = await queryRows<{ id: number }>(db(), sql`insert into planner_runs (region_id, day, started_at, status)
    values (${region['JS-NJ']!.id}, '2026-10-10', ${at('2026-10-10')}::timestamptz, 'succeeded') returning id`);
  const runId = Number(run!.id);
  const months = { '2026-11': 5000, '2026-12': 5000, '2027-01': 5000 };
  // Treated: tasks 0-5 done retained, 6-7 done declined, 8-9 open (8 attempted, not reached); 0-4 by SMS, 5-9 by call (agent a1).
  for (let i = 0; i < 10; i++) {
    const churns = i >= 8;
    const id = await customer('JS-NJ', churns ? { churnedOn: '2026-11-15' } : { revenue: months });
    ids.treated!.push(id);
    const [state, outcome] = i < 6 ? ['done', 'retained'] : i < 8 ? ['done', 'declined'] : ['open', null];
    const [task] = await queryRows<{ id: number }>(db(), sql`insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, assignee, state, outcome, due_at, cost_cents, planner_run_id, created_at)
      values (${id}, 'arpu drop', 't/boost', 't', ${i < 5 ? 'sms' : 'call'}, ${i < 5 ? null : 'a1'}, ${state}, ${outcome}, ${at('2026-10-17')}::timestamptz, 1500, ${runId}, ${at('2026-10-10')}::timestamptz) returning id`);
    if (i < 9) {
      await db().execute(sql`insert into task_attempts (task_id, attempted_at, channel, outcome, disposition)
        values (${task!.id}, ${at('2026-10-11')}::timestamptz, 'call', ${outcome ?? 'unreachable'}, ${i < 8 ? 'reached' : 'no_answer'})`);
    }
    await db().execute(sql`insert into planner_decisions (run_id, customer_id, tactic, rank, score, cost_cents, value_cents, eligible, chosen, trigger)
      values (${runId}, ${id}, 't/boost', 1, 1, 1500, 0, true, true, 'arpu drop')`);
    // Warned in October: two who churn and three who stay.
    if (i >= 5) {
      await db().execute(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
        values (${id}, 'w', 'arpu', ${region['JS-NJ']!.id}, 'high', 60, 'drop', 'open', '2026-09-01', ${at('2026-10-02')}::timestamptz, now())`);
    }
  }
  // Control: 4 of 10 churn on 2026-12-05.
  for (let i = 0; i < 10; i++) {
    const churns = i < 4;
    const id = await customer('JS-NJ', churns ? { churnedOn: '2026-12-05', revenue: { '2026-11': 5000 } } : { revenue: months });
    ids.control!.push(id);
    await db().execute(sql`insert into planner_decisions (run_id, customer_id, tactic, rank, score, cost_cents, value_cents, eligible, reason, chosen, trigger)
      values (${runId}, ${id}, 't/boost', 1, 1, 1500, 0, false, 'held out (control group)', false, 'arpu drop')`);
  }
  ids.quietNj = [await customer('JS-NJ', { revenue: { '2026-08': 1000, '2026-09': 0, '2026-10': 0 } })];
  const portOut = await customer('JS-SZ', { revenue: { '2026-08': 3000, '2026-09': 3000, '2026-10': 3000 } });
  await db().execute(sql`insert into customer_events (customer_id, type, occurred_at) values (${portOut}, 'port_out.completed', ${at('2026-10-20')}::timestamptz)`);
  await db().execute(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    values (${portOut}, 'w', 'port-out', ${region['JS-SZ']!.id}, 'high', 90, 'asked', 'open', '2026-08-01', ${at('2026-09-15')}::timestamptz, now())`);
  ids.quietSz = [await customer('JS-SZ', { revenue: { '2026-08': 1000, '2026-09': 0, '2026-10': 0 } })];
  ids.portOut = [portOut];
});
afterAll(() => database.close());

const only = (rows: KpiRow[], key: string) => rows.find((r) => r.key === key)!;

describe('churn facts', () => {
  it('inherits the churn definition down the region tree', async () => {
    const settings = new Map((await kpiSettingsOfSubtree(db(), '/JS/')).map((r) => [r.code, r.settings.churn]));
    expect(settings.get('JS-NJ')).toEqual({ status: true, monthsWithoutRevenue: 0, portOutCompleted: true });
    expect(settings.get('JS-SZ')).toEqual({ status: true, monthsWithoutRevenue: 2, portOutCompleted: true });
  });

  it('writes a row per customer month until the churn month, by each region\'s definition, and a rerun changes nothing', async () => {
    const first = await computeChurnFacts(db(), { region: region.JS!, from: '2026-10', to: '2027-01' });
    // 10 treated: 8 × 4 months + 2 × 2 (Oct, Nov); 10 control: 6 × 4 + 4 × 3; NJ quiet 4; SZ 1 + 1.
    expect(first).toEqual({ rows: 32 + 4 + 24 + 12 + 4 + 2, churned: 2 + 4 + 2 });
    const facts = await queryRows<{ customer_id: number; month: string; churned: boolean; reason: string | null }>(db(), sql`
      select customer_id, to_char(month, 'YYYY-MM') as month, churned, reason from churn_facts where churned order by customer_id`);
    expect(facts.filter((f) => f.customer_id === ids.portOut![0])).toEqual([{ customer_id: ids.portOut![0], month: '2026-10', churned: true, reason: 'port_out' }]);
    expect(facts.filter((f) => f.customer_id === ids.quietSz![0])).toEqual([{ customer_id: ids.quietSz![0], month: '2026-10', churned: true, reason: 'no_revenue' }]);
    expect(facts.filter((f) => f.customer_id === ids.treated![8])).toEqual([{ customer_id: ids.treated![8], month: '2026-11', churned: true, reason: 'status' }]);
    expect(facts.some((f) => f.customer_id === ids.quietNj![0])).toBe(false);
    const count = async () => (await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from churn_facts`))[0]!.n;
    const before = await count();
    expect(await computeChurnFacts(db(), { region: region.JS!, from: '2026-10', to: '2027-01' })).toEqual({ rows: 0, churned: 0 });
    expect(await count()).toBe(before);
  });
});

describe('KPIs of 2026-10', () => {
  it('counts retention, warnings, tasks and cost in total', async () => {
    const { rows } = await kpisOf(db(), region.JS!, '2026-10');
    const total = only(rows, 'total');
    // 23 customers began October; the two in JS-SZ churned in it.
    expect(total).toMatchObject({ customers: 23, churned: 2, warned: 5, warnedChurned: 2, churnedWarned: 1, tasks: 10, done: 8, retained: 6, attempted: 9, reached: 8, costCents: 9000 });
    expect(total.churnRate).toBeCloseTo(2 / 23, 12);
    expect(total.retentionRate).toBeCloseTo(21 / 23, 12);
    expect(total.warningPrecision).toBeCloseTo(2 / 5, 12); // two of the five warned in October churn by December
    expect(total.warningRecall).toBeCloseTo(1 / 2, 12); // one of October's two churners was warned (in September)
    expect(total.completionRate).toBeCloseTo(0.8, 12);
    expect(total.successRate).toBeCloseTo(6 / 8, 12);
    expect(total.reachRate).toBeCloseTo(8 / 9, 12);
    expect(total.costPerRetainedCents).toBe(1500);
  });

  it('measures uplift against the control group with a 95% interval', async () => {
    const { rows } = await kpisOf(db(), region.JS!, '2026-10', 'tactic');
    const { uplift } = only(rows, 't/boost');
    // By hand: treated 8 of 10 retained through December, control 6 of 10.
    const [p1, p0, n] = [0.8, 0.6, 10];
    const se = Math.sqrt((p1 * (1 - p1)) / n + (p0 * (1 - p0)) / n); // = 0.2
    expect(se).toBeCloseTo(0.2, 12);
    expect(uplift).toMatchObject({ treated: 10, control: 10, treatedRetained: 8, controlRetained: 6 });
    expect(uplift!.retention!.difference).toBeCloseTo(0.2, 12);
    expect(uplift!.retention!.low).toBeCloseTo(0.2 - 1.959964 * 0.2, 5);
    expect(uplift!.retention!.high).toBeCloseTo(0.2 + 1.959964 * 0.2, 5);
    // Revenue per month over Nov-Jan: treated 8 × 5000 and 2 × 0 (mean 4000); control 6 × 5000, 4 × (5000 / 3).
    const treated = [...Array(8).fill(5000), 0, 0];
    const control = [...Array(6).fill(5000), ...Array(4).fill(5000 / 3)];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
    const diff = mean(treated) - mean(control);
    const half = 1.959963984540054 * Math.sqrt(variance(treated) / 10 + variance(control) / 10);
    expect(uplift!.treatedRevenueCents).toBeCloseTo(4000, 9);
    expect(uplift!.controlRevenueCents).toBeCloseTo(mean(control), 9);
    expect(uplift!.revenueCents!.difference).toBeCloseTo(diff, 9);
    expect(uplift!.revenueCents!.low).toBeCloseTo(diff - half, 2);
    expect(uplift!.revenueCents!.high).toBeCloseTo(diff + half, 2);
  });

  it('rolls up by region and splits by tier, channel and agent', async () => {
    const byRegion = (await kpisOf(db(), region.JS!, '2026-10', 'region')).rows;
    expect(byRegion.map((r) => [r.key, r.customers, r.churned, r.tasks])).toEqual([
      ['JS-NJ', 21, 0, 10],
      ['JS-SZ', 2, 2, 0],
    ]);
    expect(only(byRegion, 'JS-NJ').uplift).toMatchObject({ treated: 10, control: 10 });
    const city = only((await kpisOf(db(), region['JS-NJ']!, '2026-10')).rows, 'total');
    expect(city).toMatchObject({ customers: 21, churned: 0, tasks: 10 });
    const byTier = (await computeKpis(db(), region.JS!, '2026-10', 'tier', 3)).rows;
    expect(byTier.map((r) => [r.key, r.customers, r.churnRate])).toEqual([
      ['gold', 2, 1],
      ['ordinary', 21, 0],
    ]);
    const byChannel = (await kpisOf(db(), region.JS!, '2026-10', 'channel')).rows;
    expect(byChannel.map((r) => [r.key, r.tasks, r.done, r.retained, r.customers, r.uplift])).toEqual([
      ['call', 5, 3, 1, null, null],
      ['sms', 5, 5, 5, null, null],
    ]);
    const byAgent = (await kpisOf(db(), region.JS!, '2026-10', 'agent')).rows;
    expect(byAgent.map((r) => [r.key, r.tasks, r.attempted, r.reached])).toEqual([
      ['-', 5, 5, 5],
      ['a1', 5, 4, 3],
    ]);
  });
});

describe('the daily report', () => {
  it('ranks teams and agents for the month to date, keeps HTML with charts and CSV, and replaces itself on a rerun', async () => {
    const nj = region['JS-NJ']!;
    for (const [name, from, to] of [['短信组', 0, 4], ['外呼一组', 5, 9]] as const) {
      const [team] = await queryRows<{ id: number }>(db(), sql`insert into teams (region_id, name, kind) values (${nj.id}, ${name}, 'call_center') returning id`);
      await db().execute(sql`update retention_tasks set team_id = ${team!.id} where customer_id = any(${sql.param(ids.treated!.slice(from, to + 1))}::int[])`);
    }
    const js = { ...region.JS!, timeZone: 'Asia/Shanghai' };
    const now = new Date('2026-11-01T07:30:00+08:00'); // the month to date is October, the last complete month September
    const made = await makeDailyReport(db(), js, now);
    const { figures } = made;
    expect(made.title).toBe('维系日报 JS 2026-11-01');
    expect(figures).toMatchObject({ regionCode: 'JS', day: '2026-11-01', month: '2026-10', lastMonth: '2026-09' });
    expect(figures.monthToDate).toMatchObject({ tasks: 10, done: 8, retained: 6 });
    // SMS: 5 retained of 5 done; calls: 1 of 3.
    expect(figures.teams.map((t) => [t.key, t.retained, t.successRate])).toEqual([
      ['短信组', 5, 1],
      ['外呼一组', 1, 1 / 3],
    ]);
    expect(figures.agents.map((a) => [a.key, a.retained])).toEqual([['a1', 1]]);
    expect((await makeDailyReport(db(), js, new Date('2026-11-01T08:00:00+08:00'))).id).toBe(made.id); // replaced, same id
    const reports = await queryRows<{ day: string; html: string; csv: string }>(db(), sql`select day::text, html, csv from kpi_reports where region_id = ${js.id}`);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report!.day).toBe('2026-11-01');
    expect(report!.html).toContain('维系日报 (daily retention report) JS, 2026-11-01');
    expect(report!.html).toContain('<svg');
    expect(report!.html).toContain('aria-label="Retained tasks by team"');
    expect(report!.html).not.toContain('<script');
    const lines = report!.csv.trim().split('\n');
    expect(lines[0]).toMatch(/^section,key,rank,customers,/);
    expect(lines[1]).toMatch(/^2026-10 to date,total,,/);
    expect(lines.filter((l) => l.startsWith('2026-10 teams,'))).toEqual([expect.stringMatching(/^2026-10 teams,短信组,1,/), expect.stringMatching(/^2026-10 teams,外呼一组,2,/)]);
  });
});

it('deletes the churn facts of deleted customers (a statement-level cascade, no foreign key)', async () => {
  const id = ids.quietNj![0]!;
  const facts = async () => (await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from churn_facts where customer_id = ${id}`))[0]!.n;
  expect(await facts()).toBe(4);
  await db().execute(sql`delete from customers where id = ${id}`);
  expect(await facts()).toBe(0);
});
