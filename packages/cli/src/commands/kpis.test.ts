/**
 * `weixi kpis`, spawned as a user runs it: churn facts refreshed, the table and the CSV of a province in
 * total and by tactic, and what is wrong with bad options named.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';

const SLOW = 180_000;
let cli: CliDatabase;
const weixi = (...args: string[]) => runWeixi(args, cli.env);

beforeAll(async () => {
  cli = await cliDatabase('kpis');
  const regions = await cli.file('regions.csv', ['code,name,level,parentCode,timeZone', 'JS,江苏省,province,,Asia/Shanghai', 'JS-NJ,南京市,city,JS,', 'JS-SZ,苏州市,city,JS,']);
  const imported = await weixi('regions', 'import', regions);
  expect(imported.code, imported.stderr).toBe(0);
  // Four customers in Nanjing (one churns in October), treated or held out of one tactic on 2026-10-10.
  await cli.inspect(async (database) => {
    await database.rows(sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, status, churned_on)
      select '1390000000' || i, '客户', (select id from regions where code = 'JS-NJ'), '2020-01-01', 'plan-59', 'postpaid',
        case when i = 1 then 'churned' else 'active' end, case when i = 1 then '2026-10-12'::date end from generate_series(1, 4) i`);
    await database.rows(sql`insert into planner_runs (region_id, day, started_at, status) select id, '2026-10-10', '2026-10-10T00:00:00Z', 'succeeded' from regions where code = 'JS-NJ'`);
    await database.rows(sql`insert into retention_tasks (customer_id, reason, tactic, channel, state, outcome, due_at, cost_cents, planner_run_id, created_at)
      select id, 'r', 't/boost', 'sms', 'done', 'retained', '2026-10-20T00:00:00Z', 2000, (select max(id) from planner_runs), '2026-10-10T02:00:00Z'
      from customers where msisdn in ('13900000002', '13900000003')`);
    await database.rows(sql`insert into planner_decisions (run_id, customer_id, tactic, score, cost_cents, value_cents, eligible, reason, trigger)
      select (select max(id) from planner_runs), id, 't/boost', 0, 2000, 0, false, 'held out (control group)', 'r' from customers where msisdn in ('13900000001', '13900000004')`);
  });
}, SLOW);
afterAll(() => cli?.close());

describe('weixi kpis', () => {
  it('refreshes the churn facts and prints the province as a table', async () => {
    const run = await weixi('kpis', '--region', 'JS', '--month', '2026-10', '--refresh');
    expect(run.code, run.stderr).toBe(0);
    // 3 customers stay all 12 months; the one churning in October has its 12 too.
    expect(run.stderr).toContain('Churn facts of JS for 2025-11..2026-10: 48 customer months written, 1 of them churned');
    expect(run.stdout).toContain('KPIs of JS for 2026-10, horizon 3 months');
    // 4 customers, 1 churned: retention 75%; 2 tasks done and retained at 20 yuan; 2 treated (both stay), 2 held out (one churns).
    expect(run.stdout).toMatch(/total\s+4\s+1\s+75\.0%\s+25\.0%\s+-\s+0\.0%\s+2\s+100\.0%\s+100\.0%\s+-\s+20\.00\s+2\s+2\s+50\.0 pts \[/);
  }, SLOW);

  it('prints CSV by tactic with the uplift and both sample sizes', async () => {
    const run = await weixi('kpis', '--region', 'JS', '--month', '2026-10', '--by', 'tactic', '--csv');
    expect(run.code, run.stderr).toBe(0);
    const [header, row, ...rest] = run.stdout.trim().split('\n');
    expect(rest).toEqual([]);
    const fields = Object.fromEntries(header!.split(',').map((name, i) => [name, row!.split(',')[i]]));
    // By hand: 2 of 2 treated retained, 1 of 2 held out; se = sqrt(0 + 0.5 × 0.5 / 2) ≈ 0.3536.
    expect(fields).toMatchObject({ key: 't/boost', customers: '', tasks: '2', retained: '2', treated: '2', control: '2', retentionDifference: '0.5' });
    expect(Number(fields.retentionLow)).toBeCloseTo(0.5 - 1.959964 * Math.sqrt(0.125), 5);
  }, SLOW);

  it('names what is wrong and exits non-zero', async () => {
    const by = await weixi('kpis', '--region', 'JS', '--month', '2026-10', '--by', 'city');
    expect(by.code).toBe(2);
    expect(by.stderr).toContain('--by must be one of region, tier, tactic, warningRule, channel, team, agent');
    const month = await weixi('kpis', '--region', 'JS', '--month', '2026-13');
    expect(month.code).toBe(2);
    const region = await weixi('kpis', '--region', 'XX', '--month', '2026-10');
    expect(region.code).toBe(1);
    expect(region.stderr).toContain('no region "XX"');
  }, SLOW);
});
