import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { setKpiSettings } from '@weixi/kpis';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { runPlan, type PlanRegion } from './run.js';
import { addCustomer, addRegions, tactic } from './world.test-support.js';

let database: TestDatabase;
let regions: Map<string, PlanRegion>;
const now = new Date('2026-11-16T02:00:00Z');

/** The draw computed apart from the database: the first 32 bits of md5(key:id) as a fraction. */
const heldOut = (key: string, id: number, share: number) => parseInt(createHash('md5').update(`${key}:${id}`).digest('hex').slice(0, 8), 16) / 2 ** 32 < share;

beforeAll(async () => {
  database = await createTestDatabase();
  regions = await addRegions(database.db);
});
afterAll(() => database.close());

it('holds out the configured share of a tactic and of a warning rule, by a stable hash, recorded as the decision', async () => {
  const db = database.db;
  const ids: number[] = [];
  for (let i = 0; i < 120; i++) ids.push(await addCustomer(db, `c${i}`, { warnings: [[i % 2 === 0 ? 'w1/a' : 'w2/b', 50]] }));
  await setKpiSettings(db, regions.get('JS')!, { controlGroups: { tactics: { 't1/x': 0.3 } } });
  // Inherited by JS-NJ from JS, with a rule share of its own.
  await setKpiSettings(db, regions.get('JS-NJ')!, { controlGroups: { warningRules: { 'w2/b': 0.5 } } });
  const tactics = [tactic('t1/x', { rules: ['w1'] }), tactic('t2/y', { rules: ['w2'] })];
  const summary = await runPlan(db, { region: regions.get('JS-NJ')!, tactics, now });
  const decisions = await queryRows<{ customer_id: number; tactic: string; reason: string | null }>(db, sql`
    select customer_id, tactic, reason from planner_decisions where run_id = ${summary.runId} order by customer_id`);
  const expected = ids.map((id, i) => {
    const key = i % 2 === 0 ? 't1/x' : 't2/y';
    const out = i % 2 === 0 ? heldOut('t1/x', id, 0.3) : heldOut('w2/b', id, 0.5);
    return { customer_id: id, tactic: key, reason: out ? 'held out (control group)' : null };
  });
  expect(decisions.map((d) => ({ ...d, customer_id: Number(d.customer_id) }))).toEqual(expected);
  const held = expected.filter((e) => e.reason !== null).length;
  // Roughly the shares (30% of 60 and 50% of 60), never everyone or no one.
  expect(held).toBeGreaterThan(20);
  expect(held).toBeLessThan(60);
  const tasks = await queryRows<{ customer_id: number }>(db, sql`select customer_id from retention_tasks order by customer_id`);
  expect(tasks.map((t) => Number(t.customer_id))).toEqual(expected.filter((e) => e.reason === null).map((e) => e.customer_id));
  // Stable: a second run the next day holds out the same customers.
  const again = await runPlan(db, { region: regions.get('JS-NJ')!, tactics, now: new Date('2026-11-17T02:00:00Z') });
  const [{ n }] = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from planner_decisions where run_id = ${again.runId} and reason = 'held out (control group)'`)) as [{ n: number }];
  expect(Number(n)).toBe(held);
});
