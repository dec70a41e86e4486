import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { applyTaskOutcome, assignTask, recordTaskOutcome, startTask } from '@weixi/core';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { previewPlan, runPlan, type PlanRegion } from './run.js';
import { addCustomer, addRegions, decisionsOf, tactic, tasksOf } from './world.test-support.js';
import type { PlannedTactic } from './tactics.js';

let database: TestDatabase;
let nj: PlanRegion;
const now = new Date('2026-11-16T02:00:00Z'); // 10:00 in Nanjing
const clock = { now: () => now };
const db = () => database.db;
const plan = (tactics: PlannedTactic[]) => runPlan(db(), { region: nj, tactics, now });

beforeAll(async () => {
  database = await createTestDatabase();
  nj = (await addRegions(database.db)).get('JS-NJ')!;
});
afterAll(() => database.close());

describe('planner run', () => {
  const ids = {} as Record<'two' | 'refined', number>;
  const first = [
    tactic('t1/low', { rules: ['w1'], precedence: 5, expectedEffect: 0.9 }),
    tactic('t1/high-a', { rules: ['w1/a'], precedence: 20, expectedEffect: 0.1 }),
    tactic('t1/high-b', { rules: ['w1/b'], precedence: 20, expectedEffect: 0.3 }),
  ];

  it('gives a customer with two warnings and three eligible tactics exactly one task: the highest precedence, then the best score', async () => {
    ids.two = await addCustomer(db(), 'Wang', { warnings: [['w1/a', 60], ['w1/b', 40]] });
    const summary = await plan(first);
    expect(summary).toMatchObject({ tactics: 3, considered: 1, eligible: 1, chosen: 1, created: 1 });
    const decisions = await decisionsOf(db(), summary.runId, ids.two);
    expect(decisions.map((d) => [d.tactic, d.rank, d.eligible, d.chosen])).toEqual([
      ['t1/high-b', 1, true, true],
      ['t1/high-a', 2, true, false],
      ['t1/low', 3, true, false],
    ]);
    const [task, ...more] = await tasksOf(db(), ids.two);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ tactic: 't1/high-b', reason: 'b at 40', channel: 'sms', state: 'open', script: 'Wang: t1/high-b offer 50 (b at 40, ordinary)', idempotency_key: `planner:t1/high-b:${ids.two}:2026-11-16`, cost_cents: 1000 });
    expect(task!.offer).toMatchObject({ title: 't1/high-b offer 50', costCents: 1000, benefit: { kind: 'credit', valueCents: 2000 } });
  });

  it('creates nothing when rerun in the same window', async () => {
    const summary = await plan(first);
    expect(summary.created).toBe(0);
    expect(await tasksOf(db(), ids.two)).toHaveLength(1);
    const [runs] = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from planner_runs where status = 'succeeded'`);
    expect(Number(runs!.n)).toBe(2);
  });

  it('keeps the first failing check as the reason: eligibility, cooldown, gift limit, active task', async () => {
    const checked = tactic('t2/checked', {
      rules: ['w2'],
      eligibility: [{ when: { in: { fact: 'paymentType', values: ['prepaid'] } }, unless: 'prepaid customers only, {bonus} points' }],
      giftLimitCents: { ordinary: 5000 },
    });
    const postpaid = await addCustomer(db(), 'Post', { paymentType: 'postpaid', warnings: [['w2/x', 50]] });
    const cooling = await addCustomer(db(), 'Cool', { warnings: [['w2/x', 50]] });
    await db().execute(sql`insert into retention_tasks (customer_id, reason, tactic, state, due_at, created_at, closed_at)
      values (${cooling}, 'earlier', 't2/checked', 'cancelled', '2026-11-20T00:00:00Z', '2026-11-06T03:00:00Z', '2026-11-07T00:00:00Z')`);
    const gifted = await addCustomer(db(), 'Gift', { warnings: [['w2/x', 50]] });
    const [done] = await queryRows<{ id: number }>(db(), sql`insert into retention_tasks (customer_id, reason, tactic, state, outcome, due_at, closed_at)
      values (${gifted}, 'earlier', 'other/x', 'done', 'retained', '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z') returning id`);
    await db().execute(sql`insert into benefit_grants (customer_id, task_id, tactic, kind, value_cents, granted_at) values (${gifted}, ${done!.id}, 'other/x', 'credit', 4000, '2026-06-01T00:00:00Z')`);
    const busy = await addCustomer(db(), 'Busy', { warnings: [['w2/x', 50]] });
    const [active] = await queryRows<{ id: number }>(db(), sql`insert into retention_tasks (customer_id, reason, state, due_at) values (${busy}, 'manual', 'open', '2026-12-01T00:00:00Z') returning id`);

    const summary = await plan([checked]);
    expect(summary).toMatchObject({ considered: 4, eligible: 0, created: 0 });
    const reason = async (customerId: number) => (await decisionsOf(db(), summary.runId, customerId))[0]!.reason;
    expect(await reason(postpaid)).toBe('prepaid customers only, 50 points');
    expect(await reason(cooling)).toBe('cooldown until 2026-12-06');
    expect(await reason(gifted)).toBe('gift limit: 60 of 50 yuan this year');
    expect(await reason(busy)).toBe(`has an active task #${active!.id}`);
  });

  it("falls back to a customer's next choice when the first is over its budget", async () => {
    const capped = tactic('t3/capped', { rules: ['w3'], precedence: 20, budgetCentsPerMonth: 1500 });
    const fallback = tactic('t3/fallback', { rules: ['w3'], precedence: 10 });
    const high = await addCustomer(db(), 'High', { warnings: [['w3/x', 90]] });
    const low = await addCustomer(db(), 'Low', { warnings: [['w3/x', 30]] });
    const summary = await plan([capped, fallback]);
    expect(summary).toMatchObject({ considered: 2, chosen: 2, created: 2 });
    expect((await tasksOf(db(), high)).map((t) => t.tactic)).toEqual(['t3/capped']);
    expect((await tasksOf(db(), low)).map((t) => t.tactic)).toEqual(['t3/fallback']);
    expect(await decisionsOf(db(), summary.runId, low)).toMatchObject([
      { tactic: 't3/capped', rank: 1, eligible: false, reason: 'over budget', chosen: false },
      { tactic: 't3/fallback', rank: 2, eligible: true, chosen: true },
    ]);
  });

  it('lets refine exclude a candidate with a reason and add variables and a cost to the others', async () => {
    const excluded = await addCustomer(db(), 'Fits', { warnings: [['w4/x', 50]] });
    ids.refined = await addCustomer(db(), 'Heavy', { warnings: [['w4/x', 50]] });
    const seen: number[][] = [];
    const refined = tactic('t4/refined', { rules: ['w4'], refinedVariables: ['planName'], script: '{name} to {planName} ({bonus})' }, async (candidates) => {
      seen.push(candidates.map((c) => c.customerId));
      return candidates.map((c) => (c.customerId === excluded ? { customerId: c.customerId, eligible: false, reason: 'already on the cheapest plan' } : { customerId: c.customerId, eligible: true, variables: { planName: 'P39' }, costCents: 500 }));
    });
    const summary = await plan([refined]);
    expect(seen).toEqual([[excluded, ids.refined]]);
    expect(summary).toMatchObject({ considered: 2, eligible: 1, created: 1 });
    expect((await decisionsOf(db(), summary.runId, excluded))[0]).toMatchObject({ eligible: false, reason: 'already on the cheapest plan' });
    expect(await tasksOf(db(), ids.refined)).toMatchObject([{ tactic: 't4/refined', script: 'Heavy to P39 (50)', cost_cents: 500 }]);
  });

  it('triggers by an open segment membership (a segment of the region or above) or by `when`, with the segment or the tactic as the reason', async () => {
    const member = await addCustomer(db(), 'Member');
    const campus = await addCustomer(db(), 'Campus');
    const outsider = await addCustomer(db(), 'Outsider');
    await db().execute(sql`update customers set is_campus = true where id = ${campus}`);
    const [segment] = await queryRows<{ id: number }>(db(), sql`insert into segments (name, region_id, definition) values ('NJ at risk', (select id from regions where code = 'JS'), '{}'::jsonb) returning id`);
    const [elsewhere] = await queryRows<{ id: number }>(db(), sql`insert into segments (name, region_id, definition) values ('SZ at risk', (select id from regions where code = 'JS-SZ'), '{}'::jsonb) returning id`);
    await db().execute(sql`insert into segment_memberships (segment_id, customer_id, entered_at) values (${segment!.id}, ${member}, now()), (${elsewhere!.id}, ${outsider}, now())`);
    const bySegment = tactic('t5/segment', { answers: { segments: ['NJ at risk', 'SZ at risk'] } });
    const byWhen = tactic('t5/when', { answers: { when: { flag: 'isCampus' } } });
    const summary = await plan([bySegment, byWhen]);
    expect(summary).toMatchObject({ considered: 2, created: 2 });
    expect(await tasksOf(db(), member)).toMatchObject([{ tactic: 't5/segment', reason: 'segment NJ at risk' }]);
    expect(await tasksOf(db(), campus)).toMatchObject([{ tactic: 't5/when', reason: 't5/when title' }]);
    expect(await tasksOf(db(), outsider)).toEqual([]);
  });

  it('previews one customer with the same statements, recording and creating nothing', async () => {
    const other = await addCustomer(db(), 'Preview', { warnings: [['w1/a', 60], ['w1/b', 40]] });
    const before = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from planner_runs`);
    const preview = await previewPlan(db(), { region: nj, tactics: first, now }, [other]);
    const actions = preview.get(other)!;
    expect(actions.map((a) => [a.tactic, a.rank, a.eligible, a.chosen])).toEqual([
      ['t1/high-b', 1, true, true],
      ['t1/high-a', 2, true, false],
      ['t1/low', 3, true, false],
    ]);
    expect(actions[0]).toMatchObject({ title: 't1/high-b title', offerTitle: 't1/high-b offer 50', costCents: 1000, reason: null });
    expect(await queryRows(db(), sql`select count(*)::int as n from planner_runs`)).toEqual(before);
    expect(await tasksOf(db(), other)).toEqual([]);
  });

  it('applies outcomes once, even when applied twice: grant and close warnings, or a follow-up', async () => {
    const [task] = await tasksOf(db(), ids.two);
    await assignTask(db(), clock, task!.id, 'agent-1');
    await startTask(db(), clock, task!.id);
    await recordTaskOutcome(db(), clock, task!.id, { outcome: 'retained' });
    expect(await applyTaskOutcome(db(), task!.id, now)).toEqual({ granted: 0, followUps: 0, warningsClosed: 0 });
    const grants = await queryRows<{ tactic: string; value_cents: number }>(db(), sql`select tactic, value_cents from benefit_grants where task_id = ${task!.id}`);
    expect(grants.map((g) => [g.tactic, Number(g.value_cents)])).toEqual([['t1/high-b', 2000]]);
    const live = await queryRows<{ rule_id: string; status: string }>(db(), sql`select rule_id, status from warnings where customer_id = ${ids.two} order by rule_id`);
    expect(live.map((w) => [w.rule_id, w.status])).toEqual([['a', 'open'], ['b', 'resolved']]);

    const [declined] = await tasksOf(db(), ids.refined);
    await assignTask(db(), clock, declined!.id, 'agent-1');
    await startTask(db(), clock, declined!.id);
    await recordTaskOutcome(db(), clock, declined!.id, { outcome: 'declined' });
    expect(await applyTaskOutcome(db(), declined!.id, now)).toEqual({ granted: 0, followUps: 0, warningsClosed: 0 });
    const [, followUp, ...none] = await tasksOf(db(), ids.refined);
    expect(none).toEqual([]);
    expect(followUp).toMatchObject({ tactic: 't4/refined', reason: 'call again', state: 'open', idempotency_key: `followup:${declined!.id}` });
  });
});
