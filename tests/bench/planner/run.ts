/**
 * `pnpm bench planner [-- --customers N] [--runs R] [--reuse]`: every active customer with an open warning
 * (100,000 by default), three tactics answering it; the planner run over every city (runPlans over the
 * cities, as the job's batch does) against ONE hand-written INSERT ... SELECT creating the same tasks (same customers and
 * tactic choice), measured alternately in the same process on the same database. Prints the medians and
 * their ratio, writes results/planner-latest.json. The seeded tasks are kept, cancelled. Fails only when the two create different tasks.
 */
import { parseArgs } from 'node:util';
import { sql as dsql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { runPlans, type PlannedTactic, type PlanRegion } from '@weixi/planner';
import type { TacticDefinition } from '@weixi/sdk';
import { check, median, round, timed, type Check } from '../measure.js';
import { environment, table, writeResults } from '../report.js';
import { BENCH_NOW, pgOf, setupBenchDatabase } from '../setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--' && a !== 'planner'),
  options: { customers: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, reuse: { type: 'boolean', default: false } },
});
const customers = Number(values.customers!.replace(/[_,]/g, ''));
const runs = Number(values.runs);
const url = process.env.WEIXI_BENCH_PLANNER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weixi_bench_planner';

const base = (over: Partial<TacticDefinition>): TacticDefinition => ({
  answers: { warningRules: ['bench-warning/drop'] },
  eligibility: [],
  offer: { title: '回馈{bonus}元', costCents: 1000, benefit: { kind: 'credit', valueCents: 1000, description: 'bench credit' } },
  variables: { bonus: 10 },
  expectedEffect: 0.2,
  precedence: 10,
  channels: ['sms'],
  cooldownDays: 30,
  giftLimitCents: { ordinary: 50_000 },
  script: '{name}您好，{offer}（{reason}）',
  ...over,
});
/** Prepaid customers get the boost (higher precedence); everyone else the care call, cheaper than the points offer. */
const TACTICS: PlannedTactic[] = [
  { key: 'bench/boost', pluginId: 'bench', title: 'boost', definition: base({ precedence: 20, eligibility: [{ when: { in: { fact: 'paymentType', values: ['prepaid'] } }, unless: 'prepaid only' }] }) },
  { key: 'bench/care', pluginId: 'bench', title: 'care', definition: base({ offer: { title: '关怀', costCents: 200, benefit: { kind: 'service', valueCents: 0, description: 'care' } } }) },
  { key: 'bench/points', pluginId: 'bench', title: 'points', definition: base({ offer: { title: '积分{bonus}', costCents: 900, benefit: { kind: 'points', valueCents: 900, description: 'points' } } }) },
];

const { database, figures: setup } = await setupBenchDatabase({ customers, reuse: values.reuse!, url });
const db = database.db as Db;
const sql = pgOf(database);
const checks: Check[] = [];
try {
  // The seeded tasks stay (cancelled, so no customer has an active task): a task table emptied and analyzed
  // would make the foreign-key checks of task_transitions scan it row by row as it fills up.
  await sql`delete from retention_tasks where tactic like 'bench/%'`;
  await sql`update retention_tasks set state = 'cancelled', assignee = null, closed_at = now() where state in ('open', 'assigned', 'in_progress')`;
  await sql`delete from warnings`;
  const warned = await sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    select id, 'bench-warning', 'drop', region_id, 'high', 40 + id % 60, 'ARPU 下降', 'open', '2026-10-01', now(), now() from customers where status = 'active'`;
  await sql`analyze`;
  const cities = (await queryRows<{ id: number; code: string; path: string; time_zone: string }>(db, dsql`select id, code, path, time_zone from regions where level = 'city' order by path`)).map(
    (r): PlanRegion => ({ id: Number(r.id), code: r.code, path: r.path, timeZone: r.time_zone }),
  );
  const clear = async () => {
    await sql`delete from retention_tasks where tactic like 'bench/%'`;
    await sql`delete from planner_runs`;
    await sql`vacuum analyze retention_tasks, task_transitions, planner_decisions`;
  };
  // The cities' runs as the daily job's batch plans them: together, each recorded as a run of its own.
  const planner = async () => {
    let created = 0;
    for (const outcome of await runPlans(db, cities.map((region) => ({ region, tactics: TACTICS, now: BENCH_NOW })))) {
      if (outcome instanceof Error) throw outcome;
      created += outcome.created;
    }
    return created;
  };
  // The same choice by hand: prepaid customers get the boost, the others the cheaper care offer.
  const handwritten = async () => {
    const rows = await sql`with created as (
        insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, state, due_at, script, idempotency_key, offer, outcomes, cost_cents, warning_ids, created_at, updated_at)
        select c.id, w.reason, t.tactic, 'bench', 'sms', 'open', now() + interval '7 days', concat(c.name, '您好，', t.title, '（', w.reason, '）'),
          'hand:' || t.tactic || ':' || c.id, jsonb_build_object('title', t.title, 'costCents', t.cost), '{}'::jsonb, t.cost, array[w.id], now(), now()
        from customers c join warnings w on w.customer_id = c.id and w.status = 'open' and w.plugin_id = 'bench-warning'
        cross join lateral (select case when c.payment_type = 'prepaid' then 'bench/boost' else 'bench/care' end as tactic,
          case when c.payment_type = 'prepaid' then '回馈10元' else '关怀' end as title, case when c.payment_type = 'prepaid' then 1000 else 200 end as cost) t
        where c.status = 'active'
        on conflict (customer_id, idempotency_key) do nothing returning id
      ), logged as (insert into task_transitions (task_id, from_state, to_state, at) select id, null, 'open', now() from created returning 1)
      select count(*)::int as n from logged`;
    return Number(rows[0]!.n);
  };
  const plannerMs: number[] = [];
  const handMs: number[] = [];
  let plannerRows = 0;
  let handRows = 0;
  for (let i = 0; i < runs; i++) {
    await clear();
    const p = await timed(planner);
    plannerMs.push(p.ms);
    plannerRows = p.value;
    const same = await sql`select count(*)::int as n from retention_tasks t join customers c on c.id = t.customer_id
      where t.tactic = case when c.payment_type = 'prepaid' then 'bench/boost' else 'bench/care' end`;
    checks.push(check(`run ${i + 1}: the planner chose as the hand-written statement does`, Number(same[0]!.n) === p.value, `${same[0]!.n} of ${p.value}`));
    await clear();
    const h = await timed(handwritten);
    handMs.push(h.ms);
    handRows = h.value;
  }
  checks.push(check('equal task counts', plannerRows === handRows, `planner ${plannerRows}, hand-written ${handRows}`));
  const [settings] = await sql`select current_setting('server_version') as version, current_setting('jit') as jit, current_setting('work_mem') as work_mem`;
  const ratio = median(plannerMs) / median(handMs);
  const results = {
    generatedAt: new Date().toISOString(),
    options: { customers, runs, now: BENCH_NOW.toISOString(), cities: cities.length, tactics: TACTICS.length },
    environment: environment(String(settings!.version), String(settings!.jit), String(settings!.work_mem)),
    setup,
    warnings: warned.count,
    planner: { medianMs: round(median(plannerMs)), runsMs: plannerMs.map((ms) => round(ms)), tasks: plannerRows },
    handwritten: { medianMs: round(median(handMs)), runsMs: handMs.map((ms) => round(ms)), tasks: handRows },
    ratio: round(ratio, 2),
    checks,
    passed: checks.every((c) => c.ok),
  };
  console.log(
    `\nPlanner bench: ${customers.toLocaleString('en')} customers, ${warned.count.toLocaleString('en')} with an open warning, ${TACTICS.length} tactics, ${cities.length} cities; median of ${runs} runs, each after the previous run's tasks were deleted\n` +
      table(['side', 'median ms', 'runs ms', 'tasks', 'ratio'], [
        ['planner (runPlans over the cities: decisions, ranking, budgets, tasks)', results.planner.medianMs, results.planner.runsMs.join(' / '), plannerRows, results.ratio.toFixed(2)],
        ['hand-written (one INSERT ... SELECT)', results.handwritten.medianMs, results.handwritten.runsMs.join(' / '), handRows, '1.00'],
      ]),
  );
  console.log(`\nwrote ${writeResults(results, 'planner-latest.json')}`);
  if (!results.passed) process.exitCode = 1;
} finally {
  await database.close();
}
