import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { startTask } from '@weixi/core';
import { recordContactAttempt } from './attempts.js';
import { drawQualityAudits, recordAuditResult } from './audits.js';
import { runDispatch } from './run.js';
import { addCustomer, addRegions, addRoster, addTask, FixedClock, task } from './world.test-support.js';

let database: TestDatabase;
let regions: Awaited<ReturnType<typeof addRegions>>;
const clock = new FixedClock(new Date('2026-11-16T02:00:00Z'));
const db = () => database.db;

/** A planned task's offer and outcomes, as the planner stores them. */
async function planned(taskId: number): Promise<void> {
  await db().execute(sql`update retention_tasks set tactic = 'p/boost', plugin_id = 'p',
    offer = '{"title": "bonus", "costCents": 5000, "benefit": {"kind": "credit", "valueCents": 5000, "description": "credit"}}'::jsonb,
    outcomes = '{"retained": [{"grant": true}], "unreachable": [{"followUp": {"days": 2, "reason": "try once more"}}]}'::jsonb
    where id = ${taskId}`);
}
const grants = async (taskId: number) => Number((await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from benefit_grants where task_id = ${taskId}`))[0]!.n);

beforeAll(async () => {
  database = await createTestDatabase();
  regions = await addRegions(database.db);
  await addRoster(database.db);
});
afterAll(() => database.close());

it('applies a planned task\'s outcome when a contact attempt closes it, once even when an audit reopens it and it is done again', async () => {
  const id = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'mid_high'));
  await planned(id);
  await runDispatch(db(), clock, regions.get('JS-NJ')!);
  const agent = (await task(db(), id)).assignee;
  await startTask(db(), clock, id);
  await recordContactAttempt(db(), clock, id, { disposition: 'accepted' }, agent);
  expect(await grants(id)).toBe(1);
  const [audit] = await drawQualityAudits(db(), clock, regions.get('JS-NJ')!, { rate: 1 });
  await recordAuditResult(db(), clock, audit!.id, { passed: false }, 'qa');
  await runDispatch(db(), clock, regions.get('JS-NJ')!);
  await startTask(db(), clock, id);
  await recordContactAttempt(db(), clock, id, { disposition: 'accepted' }, (await task(db(), id)).assignee);
  expect(await grants(id)).toBe(1);
});

it('applies the outcome of a task the dispatch run closes as unreachable: a follow-up task', async () => {
  const customer = await addCustomer(db(), 'JS-NJ', 'ordinary');
  const id = await addTask(db(), clock, customer);
  await planned(id);
  // one attempt allowed, already with the account-manager team's lead: the run closes it as unreachable
  await db().execute(sql`update retention_tasks set state = 'in_progress', assignee = 'am-lead' where id = ${id}`);
  await db().execute(sql`insert into task_attempts (task_id, attempted_at, channel, outcome, disposition) values (${id}, '2026-11-16T01:00:00Z', 'call', 'unreachable', 'no_answer')`);
  await db().execute(sql`insert into dispatch_rules (region_id, rules) values (${regions.get('JS-NJ')!.id}, '{"maxAttempts": 1}'::jsonb)`);
  await runDispatch(db(), clock, regions.get('JS-NJ')!);
  expect(await task(db(), id)).toMatchObject({ state: 'done', outcome: 'unreachable' });
  const followUps = await queryRows<{ reason: string; idempotency_key: string }>(db(), sql`select reason, idempotency_key from retention_tasks where customer_id = ${customer} and id <> ${id}`);
  expect(followUps).toEqual([{ reason: 'try once more', idempotency_key: `followup:${id}` }]);
});
