import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { startTask } from '@weixi/core';
import { recordContactAttempt } from './attempts.js';
import { drawQualityAudits, recordAuditResult } from './audits.js';
import { runDispatch } from './run.js';
import { timelines } from './timeline.js';
import { addCustomer, addRegions, addRoster, addTask, FixedClock, task } from './world.test-support.js';

let database: TestDatabase;
let regions: Awaited<ReturnType<typeof addRegions>>;
const clock = new FixedClock(new Date('2026-11-16T02:00:00Z'));
const done: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  regions = await addRegions(database.db);
  await addRoster(database.db);
  // ten mid-high tasks worked to the end by the call center
  for (let i = 0; i < 10; i++) done.push(await addTask(database.db, clock, await addCustomer(database.db, 'JS-NJ', 'mid_high')));
  await runDispatch(database.db, clock, regions.get('JS-NJ')!);
  clock.set('2026-11-16T03:00:00Z');
  for (const id of done) {
    await startTask(database.db, clock, id);
    await recordContactAttempt(database.db, clock, id, { disposition: 'accepted' }, (await task(database.db, id)).assignee);
  }
});
afterAll(() => database.close());

it('draws ceil(rate x done) per agent, and a rerun draws nothing more', async () => {
  clock.set('2026-11-16T04:00:00Z');
  const drawn = await drawQualityAudits(database.db, clock, regions.get('JS')!, { rate: 0.3, actor: 'qa' });
  const perAgent = await queryRows<{ agent_id: string; n: number }>(database.db, sql`select agent_id, count(*)::int as n from task_audits group by agent_id order by agent_id`);
  // cc-1 did 2 tasks, cc-2 and cc-3 did 4: ceil(0.6) = 1, ceil(1.2) = 2
  expect(perAgent.map((r) => [r.agent_id, Number(r.n)])).toEqual([['cc-1', 1], ['cc-2', 2], ['cc-3', 2]]);
  expect(drawn).toHaveLength(5);
  expect(drawn[0]).toMatchObject({ status: 'pending', drawnBy: 'qa' });
  expect(await drawQualityAudits(database.db, clock, regions.get('JS')!, { rate: 0.3 })).toHaveLength(0);
});

it('a failed check reopens the task, which the next run dispatches again; a passed one does not', async () => {
  const audits = await queryRows<{ id: number; task_id: number }>(database.db, sql`select id, task_id from task_audits order by id`);
  const [failed, passed] = audits;
  clock.set('2026-11-16T05:00:00Z');
  const result = await recordAuditResult(database.db, clock, Number(failed!.id), { passed: false, note: 'customer never heard of the offer' }, 'qa');
  expect(result).toMatchObject({ reopened: true, audit: { status: 'failed', checkedBy: 'qa' } });
  expect(await task(database.db, Number(failed!.task_id))).toMatchObject({ state: 'open', assignee: null, outcome: null });
  expect((await recordAuditResult(database.db, clock, Number(passed!.id), { passed: true }, 'qa')).reopened).toBe(false);
  await expect(recordAuditResult(database.db, clock, Number(passed!.id), { passed: false }, 'qa')).rejects.toThrow(/audit \d+ is passed already/);

  await runDispatch(database.db, clock, regions.get('JS-NJ')!);
  expect((await task(database.db, Number(failed!.task_id))).state).toBe('assigned');
  const [timeline] = (await timelines(database.db, [Number(failed!.task_id)])).values();
  expect(timeline!.map((e) => e.kind)).toEqual(['state', 'dispatch', 'state', 'attempt', 'state', 'audit_drawn', 'audit_checked', 'reopen', 'dispatch']);
  expect(timeline!.find((e) => e.kind === 'attempt')).toMatchObject({ disposition: 'accepted', outcome: 'retained' });
});
