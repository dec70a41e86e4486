/**
 * KPIs over HTTP: the churn-facts core job on its 02:00 schedule, `kpis` in total, rolled up by region and by warning rule,
 * `kpiSettings` / `setKpiSettings` inherited down the tree, and an operator confined to its subtree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let nj: ReturnType<TestApi['as']>;
const KPIS = `query ($r: String!, $m: Month!, $by: KpiDimension) { kpis(regionCode: $r, month: $m, by: $by) {
  regionCode month by horizonMonths rows { key customers churned churnRate retentionRate tasks uplift { treated control } } } }`;

beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  nj = api.as(await api.key({ role: 'operator', regionCodes: ['JS-NJ'], name: 'nj operator' }));
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: [
      customerInput('13700000001', { regionCode: 'JS-NJ', joinedOn: '2020-01-01' }),
      customerInput('13700000002', { regionCode: 'JS-NJ-GL', joinedOn: '2020-01-01' }),
      customerInput('13700000003', { regionCode: 'JS-SZ', joinedOn: '2020-01-01' }),
      customerInput('13700000004', { regionCode: 'ZJ-HZ', joinedOn: '2020-01-01' }),
    ],
  });
  await api.database.rows(sql`update customers set status = 'churned', churned_on = case msisdn when '13700000002' then '2026-10-05'::date else '2026-10-20'::date end
    where msisdn in ('13700000002', '13700000003')`);
  // KPIs set up in both provinces: the KPI jobs run only where they are.
  await api.ok(`mutation { js: setKpiSettings(regionCode: "JS", settings: {}) zj: setKpiSettings(regionCode: "ZJ", settings: {}) }`);
});
afterAll(() => api?.close());

describe('KPIs over HTTP', () => {
  it('runs the churn-facts job at 02:00 in every city where KPIs are set up', async () => {
    api.clock.set('2026-11-15T18:00:10Z'); // 02:00:10 on the 16th in Shanghai
    await api.jobs.tick();
    await api.jobs.work();
    const runs = await api.database.rows<{ code: string; status: string; progress_message: string }>(sql`
      select r.code, j.status, j.progress_message from job_runs j join regions r on r.id = j.region_id where j.plugin_id = 'core:kpis' order by r.code`);
    expect(runs.map((r) => [r.code, r.status])).toEqual([
      ['JS-NJ', 'succeeded'],
      ['JS-SZ', 'succeeded'],
      ['ZJ-HZ', 'succeeded'],
    ]);
    expect(runs[0]!.progress_message).toBe('24 customer months 2025-11..2026-10 written, 1 of them churned');
  });

  it('gives a province in total and rolled up by city', async () => {
    const total = (await api.ok(KPIS, { r: 'JS', m: '2026-10' })).kpis;
    expect(total).toMatchObject({ regionCode: 'JS', month: '2026-10', by: null, horizonMonths: 3 });
    expect(total.rows).toEqual([{ key: 'total', customers: 3, churned: 2, churnRate: 2 / 3, retentionRate: 1 / 3, tasks: 0, uplift: { treated: 0, control: 0 } }]);
    const byRegion = (await api.ok(KPIS, { r: 'JS', m: '2026-10', by: 'REGION' })).kpis.rows;
    expect(byRegion.map((r: any) => [r.key, r.customers, r.churned])).toEqual([
      ['JS-NJ', 2, 1],
      ['JS-SZ', 1, 1],
    ]);
  });

  it("confines an operator to its subtree and checks the month", async () => {
    expect((await nj.ok(KPIS, { r: 'JS-NJ', m: '2026-10' })).kpis.rows[0]).toMatchObject({ customers: 2, churned: 1 });
    for (const r of ['JS', 'ZJ-HZ']) expect((await nj.gql(KPIS, { r, m: '2026-10' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const bad = await nj.gql(KPIS, { r: 'JS-NJ', m: '2026-13' });
    expect(bad.errors![0]!.message).toContain('2026-13');
  });

  it('splits by warning rule: the tasks answering its warnings and the uplift of the customers it first warned', async () => {
    await api.database.rows(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, as_of_month, first_seen_at, last_seen_at)
      select id, 'w', 'arpu', region_id, 'high', 60, 'drop', '2026-09-01', '2026-10-03T02:00:00Z', '2026-10-03T02:00:00Z' from customers where msisdn = '13700000001'`);
    await api.database.rows(sql`insert into planner_runs (region_id, day, started_at, status) select id, '2026-10-04', '2026-10-04T02:00:00Z', 'succeeded' from regions where code = 'JS-NJ'`);
    await api.database.rows(sql`insert into retention_tasks (customer_id, reason, tactic, state, due_at, planner_run_id, warning_ids, created_at)
      select w.customer_id, 'drop', 't/boost', 'open', '2026-10-10T00:00:00Z', (select max(id) from planner_runs), array[w.id], '2026-10-04T02:00:00Z' from warnings w`);
    const report = (await nj.ok(KPIS, { r: 'JS-NJ', m: '2026-10', by: 'WARNING_RULE' })).kpis;
    expect(report.by).toBe('WARNING_RULE');
    // One customer first warned in October and treated (it stays); no share is set for the rule, so no control group.
    expect(report.rows).toEqual([{ key: 'w/arpu', customers: null, churned: null, churnRate: null, retentionRate: null, tasks: 1, uplift: { treated: 1, control: 0 } }]);
  });

  it('sets KPI settings that the regions below inherit, refusing unknown keys by path', async () => {
    const SET = `mutation ($r: String!, $s: JSONObject!) { setKpiSettings(regionCode: $r, settings: $s) }`;
    const set = await nj.ok(SET, { r: 'JS-NJ', s: { churn: { monthsWithoutRevenue: 0 }, controlGroups: { tactics: { 'tactic-prepaid-boost/prepaid-boost': 0.1 } } } });
    expect(set.setKpiSettings).toEqual({
      churn: { status: true, monthsWithoutRevenue: 0, portOutCompleted: true },
      controlGroups: { tactics: { 'tactic-prepaid-boost/prepaid-boost': 0.1 }, warningRules: {} },
      horizonMonths: 3,
    });
    expect((await nj.ok(`query { kpiSettings(regionCode: "JS-NJ-GL") }`)).kpiSettings.churn.monthsWithoutRevenue).toBe(0);
    expect((await api.ok(`query { kpiSettings(regionCode: "JS-SZ") }`)).kpiSettings.churn.monthsWithoutRevenue).toBe(3);
    const bad = await nj.gql(SET, { r: 'JS-NJ', s: { churn: { months: 2 }, controlGroups: { tactics: { 'x/y': 0.9 } } } });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('settings.churn.months: is not part of the churn definition');
    expect(bad.errors![0]!.message).toContain('settings.controlGroups.tactics.x/y: must be a share from 0 to 0.5');
    expect((await nj.gql(`mutation { setKpiSettings(regionCode: "JS", settings: { horizonMonths: 2 }) }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('makes the daily report at 07:30 local in every province and city where KPIs are set up, kept for the API', async () => {
    api.clock.set('2026-11-15T23:30:10Z'); // 07:30:10 on the 16th in Shanghai
    await api.jobs.tick();
    await api.jobs.work();
    const runs = await api.database.rows<{ code: string; status: string }>(sql`
      select r.code, j.status from job_runs j join regions r on r.id = j.region_id where j.plugin_id = 'core:kpis-report' order by r.code`);
    expect(runs).toEqual(['JS', 'JS-NJ', 'JS-SZ', 'ZJ', 'ZJ-HZ'].map((code) => ({ code, status: 'succeeded' })));
    const REPORTS = `query ($r: String!) { kpiReports(regionCode: $r) { regionCode day month html csv } }`;
    const [report] = (await api.ok(REPORTS, { r: 'JS' })).kpiReports;
    expect(report).toMatchObject({ regionCode: 'JS', day: '2026-11-16', month: '2026-11' });
    expect(report.html).toContain('2026-10 (last complete month)');
    // October: 3 customers in Jiangsu, 2 churned (the churn-facts job ran above).
    expect(report.csv.split('\n').find((l: string) => l.startsWith('2026-10,total,'))).toMatch(/^2026-10,total,,3,2,/);
    expect((await nj.ok(REPORTS, { r: 'JS-NJ' })).kpiReports).toHaveLength(1);
    expect((await nj.gql(REPORTS, { r: 'JS' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
