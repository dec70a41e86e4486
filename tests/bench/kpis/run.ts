/**
 * `pnpm bench kpis [-- --customers N] [--runs R] [--region CODE] [--reuse]`: the KPIs of a province for one
 * month, rolled up by city, over a population with 12 months of usage (1,000,000 customers by default):
 * `computeKpis` (its four set-based aggregates) against ONE hand-written statement computing the same
 * figures from the same churn facts. History: every 20th customer treated with a tactic on 2026-08-10 (a
 * task, half retained), the next 20th held out of it; the churn facts of the 12 months are computed first
 * (timed on their own: the daily job's work). Prints the ratio, writes results/kpis-latest.json; fails only
 * when the two sides disagree.
 */
import { parseArgs } from 'node:util';
import { computeChurnFacts, computeKpis, type KpiRow } from '@weixi/kpis';
import type { Db } from '@weixi/db';
import { check, median, round, timed, type Check } from '../measure.js';
import { environment, table, writeResults } from '../report.js';
import { pgOf, setupBenchDatabase } from '../setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'kpis'),
  options: { customers: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, region: { type: 'string', default: 'JS' }, reuse: { type: 'boolean', default: false } },
});
const customers = Number(values.customers!.replace(/[_,]/g, ''));
const runs = Number(values.runs);
const url = process.env.WEIXI_BENCH_KPIS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_kpis';
const MONTH = '2026-08';
const HORIZON = 3;

const { database, figures: setup } = await setupBenchDatabase({ customers, reuse: values.reuse!, url, months: 12 });
const db = database.db as Db;
const sql = pgOf(database);
const checks: Check[] = [];
try {
  const [root] = await sql`select id, code, path from regions where code = ${values.region!}`;
  if (!root) throw new Error(`no region ${values.region}`);
  const region = { id: Number(root.id), code: String(root.code), path: String(root.path) };
  await sql`delete from retention_tasks where tactic = 'bench/offer'`;
  await sql`delete from planner_runs where day = '2026-08-10'`;
  await sql`insert into planner_runs (region_id, day, started_at, status) select id, '2026-08-10', '2026-08-10T00:00:00Z', 'succeeded' from regions where level = 'city'`;
  await sql`insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, assignee, state, outcome, due_at, cost_cents, planner_run_id, created_at, updated_at, closed_at)
    select c.id, 'bench', 'bench/offer', 'bench', case when c.id % 3 = 0 then 'call' else 'sms' end, case when c.id % 3 = 0 then 'agent-' || (c.id % 7 + 1) end,
      'done', case when c.id % 40 = 1 then 'retained' else 'declined' end, '2026-08-17T00:00:00Z', 1500, pr.id, '2026-08-10T02:00:00Z', '2026-08-10T02:00:00Z', '2026-08-12T02:00:00Z'
    from customers c join regions r on r.id = c.region_id join planner_runs pr on pr.day = '2026-08-10' and pr.region_id = (select x.id from regions x where x.level = 'city' and starts_with(r.path, x.path))
    where c.id % 20 = 1 and c.joined_on < '2026-08-01'`;
  await sql`insert into planner_decisions (run_id, customer_id, tactic, score, cost_cents, value_cents, eligible, reason, trigger)
    select pr.id, c.id, 'bench/offer', 0, 1500, 0, false, 'held out (control group)', 'bench'
    from customers c join regions r on r.id = c.region_id join planner_runs pr on pr.day = '2026-08-10' and pr.region_id = (select x.id from regions x where x.level = 'city' and starts_with(r.path, x.path))
    where c.id % 20 = 2 and c.joined_on < '2026-08-01'`;
  const facts = await timed(() => computeChurnFacts(db, { region, from: '2025-11', to: '2026-10' }));
  console.log(`  churn facts: ${facts.value.rows.toLocaleString('en')} customer months, ${facts.value.churned.toLocaleString('en')} churned, in ${round(facts.ms / 1000)} s`);
  await sql`analyze`;

  // The same figures as computeKpis(by region) in one statement, written as a DBA would.
  const handwritten = () => sql`
    with base as (
      select coalesce(ch.code, ${region.code}) as key, f.customer_id, f.churned, f.month
      from churn_facts f join regions r on r.id = f.region_id left join regions ch on ch.parent_id = ${region.id} and starts_with(r.path, ch.path)
      where starts_with(r.path, ${region.path}) and f.month between ${`${MONTH}-01`}::date and '2026-10-01'::date),
    keyed as (select c.id, coalesce(ch.code, ${region.code}) as key from customers c join regions r on r.id = c.region_id
      left join regions ch on ch.parent_id = ${region.id} and starts_with(r.path, ch.path) where starts_with(r.path, ${region.path})),
    first_warned as (select w.customer_id, min(date_trunc('month', w.first_seen_at at time zone 'Asia/Shanghai'))::date as month from warnings w
      where w.first_seen_at >= '2026-05-31' and w.first_seen_at < '2026-09-02' group by w.customer_id),
    churn3 as (select customer_id, bool_or(churned and month = ${`${MONTH}-01`}::date) as now, bool_or(churned) as within from base group by customer_id),
    retention as (select key, count(*) as customers, count(*) filter (where churned) as churned from base where month = ${`${MONTH}-01`}::date group by key),
    warned as (select k.key, count(*) filter (where fw.month = ${`${MONTH}-01`}::date) as warned, count(*) filter (where fw.month = ${`${MONTH}-01`}::date and c3.within) as warned_churned,
        count(*) filter (where c3.now) as churned, count(*) filter (where c3.now and fw.month between '2026-06-01' and ${`${MONTH}-01`}::date) as churned_warned
      from keyed k left join first_warned fw on fw.customer_id = k.id left join churn3 c3 on c3.customer_id = k.id
      where fw.customer_id is not null or c3.now group by k.key),
    tasks as (select k.key, count(*) as tasks, count(*) filter (where t.state = 'done') as done, count(*) filter (where t.outcome = 'retained') as retained,
        coalesce(sum(t.cost_cents) filter (where t.outcome = 'retained'), 0) as cost
      from retention_tasks t join keyed k on k.id = t.customer_id
      where t.created_at >= '2026-07-31T16:00:00Z' and t.created_at < '2026-08-31T16:00:00Z' group by k.key),
    arms as (
      select distinct t.customer_id, t.tactic, 'treated' as arm from retention_tasks t where t.planner_run_id is not null and t.created_at >= '2026-07-31T16:00:00Z' and t.created_at < '2026-08-31T16:00:00Z'
      union all
      select distinct d.customer_id, d.tactic, 'control' from planner_decisions d join planner_runs pr on pr.id = d.run_id
      where d.reason = 'held out (control group)' and pr.day between ${`${MONTH}-01`}::date and '2026-08-31'
        and not exists (select from retention_tasks t where t.customer_id = d.customer_id and t.tactic = d.tactic and t.planner_run_id is not null and t.created_at >= '2026-07-31T16:00:00Z' and t.created_at < '2026-08-31T16:00:00Z')),
    revenue as (select customer_id, sum(revenue_cents)::float8 / ${HORIZON} as revenue from monthly_usage where month between '2026-09-01' and '2026-11-01' group by customer_id),
    uplift as (select k.key, a.arm, count(*) as n, count(*) filter (where not coalesce(c3.within, false)) as retained, sum(coalesce(rv.revenue, 0)) as revenue
      from arms a join keyed k on k.id = a.customer_id left join churn3 c3 on c3.customer_id = a.customer_id left join revenue rv on rv.customer_id = a.customer_id group by k.key, a.arm)
    select coalesce(r.key, w.key, t.key) as key, r.customers, r.churned, w.warned, w.warned_churned, w.churned_warned, t.tasks, t.done, t.retained, t.cost,
      (select n from uplift u where u.key = coalesce(r.key, w.key, t.key) and arm = 'treated') as treated,
      (select retained from uplift u where u.key = coalesce(r.key, w.key, t.key) and arm = 'treated') as treated_retained,
      (select n from uplift u where u.key = coalesce(r.key, w.key, t.key) and arm = 'control') as control,
      (select retained from uplift u where u.key = coalesce(r.key, w.key, t.key) and arm = 'control') as control_retained
    from retention r full join warned w on w.key = r.key full join tasks t on t.key = coalesce(r.key, w.key)`;

  const kpiMs: number[] = [];
  const handMs: number[] = [];
  let kpiRows: KpiRow[] = [];
  let handRows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < runs; i++) {
    const k = await timed(() => computeKpis(db, region, MONTH, 'region', HORIZON));
    kpiMs.push(k.ms);
    kpiRows = k.value.rows;
    const h = await timed(handwritten);
    handMs.push(h.ms);
    handRows = [...h.value].sort((a, b) => (String(a.key) < String(b.key) ? -1 : 1));
  }
  const n = (v: unknown) => Number(v ?? 0);
  const ours = kpiRows.map((r) => [r.key, r.customers ?? 0, r.churned ?? 0, r.warned ?? 0, r.warnedChurned ?? 0, r.churnedWarned ?? 0, r.tasks, r.done, r.retained, r.costCents, r.uplift?.treated ?? 0, r.uplift?.treatedRetained ?? 0, r.uplift?.control ?? 0, r.uplift?.controlRetained ?? 0].join(','));
  const theirs = handRows.map((r) => [r.key, ...['customers', 'churned', 'warned', 'warned_churned', 'churned_warned', 'tasks', 'done', 'retained', 'cost', 'treated', 'treated_retained', 'control', 'control_retained'].map((c) => n(r[c]))].join(','));
  checks.push(check('computeKpis and the hand-written statement give the same figures', JSON.stringify(ours) === JSON.stringify(theirs), `ours ${ours.join(' | ')}; hand-written ${theirs.join(' | ')}`));
  const [settings] = await sql`select current_setting('server_version') as version, current_setting('jit') as jit, current_setting('work_mem') as work_mem`;
  const [population] = await sql`select count(*)::int as n from customers c join regions r on r.id = c.region_id where starts_with(r.path, ${region.path})`;
  const results = {
    generatedAt: new Date().toISOString(),
    options: { customers, runs, region: region.code, month: MONTH, horizonMonths: HORIZON },
    environment: environment(String(settings!.version), String(settings!.jit), String(settings!.work_mem)),
    setup,
    regionCustomers: Number(population!.n),
    churnFacts: { ms: round(facts.ms), rows: facts.value.rows, churned: facts.value.churned },
    kpis: { medianMs: round(median(kpiMs)), runsMs: kpiMs.map((ms) => round(ms)) },
    handwritten: { medianMs: round(median(handMs)), runsMs: handMs.map((ms) => round(ms)) },
    ratio: round(median(kpiMs) / median(handMs), 2),
    rows: ours,
    checks,
    passed: checks.every((c) => c.ok),
  };
  console.log(
    `\nKPI bench: ${region.code} (${results.regionCustomers.toLocaleString('en')} customers, 12 months), ${MONTH} by city; median of ${runs} runs\n` +
      table(['side', 'median ms', 'runs ms', 'ratio'], [
        ['computeKpis (retention, warnings, tasks, uplift: four aggregates)', results.kpis.medianMs, results.kpis.runsMs.join(' / '), results.ratio.toFixed(2)],
        ['hand-written (the same figures, one statement)', results.handwritten.medianMs, results.handwritten.runsMs.join(' / '), '1.00'],
      ]) +
      `\nchurn facts for 12 months (the daily job's work): ${round(facts.ms / 1000)} s`,
  );
  for (const c of checks) if (!c.ok) console.log(`FAILED ${c.name}: ${c.detail}`);
  console.log(`\nwrote ${writeResults(results, 'kpis-latest.json')}`);
  if (!results.passed) process.exitCode = 1;
} finally {
  await database.close();
}
