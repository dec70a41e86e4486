import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { startTask } from '@weixi/core';
import { recordContactAttempt } from './attempts.js';
import { runDispatch } from './run.js';
import { setDispatchRules } from './rules.js';
import { addCustomer, addTask, task, useWorld } from './world.test-support.js';

const { clock, db, region } = useWorld();
const nj = () => region('JS-NJ');

describe('dispatch run', () => {
  const ids = {} as Record<'diamond' | 'goldGone' | 'ordinary' | 'other', number>;
  it('routes by tier: diamond and gold to the account manager (or the team lead), mid-high to the call center, ordinary to the automated channel', async () => {
    ids.diamond = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ-GL', 'diamond', 'am-1'));
    ids.goldGone = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'gold', 'am-gone'));
    ids.ordinary = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'ordinary'));
    ids.other = await addTask(db(), clock, await addCustomer(db(), 'ZJ-HZ', 'mid_high'));
    const summary = await runDispatch(db(), clock, nj());
    expect(summary).toMatchObject({ toAccountManagers: 2, automated: 1, undispatched: 0 });
    expect(await task(db(), ids.diamond)).toMatchObject({ state: 'assigned', assignee: 'am-1', team: 'JS managers' });
    expect(await task(db(), ids.goldGone)).toMatchObject({ state: 'assigned', assignee: 'am-lead', team: 'JS managers' });
    expect(await task(db(), ids.ordinary)).toMatchObject({ state: 'open', assignee: null, channel: 'sms', team: 'JS sms' });
    expect(await task(db(), ids.other)).toMatchObject({ state: 'open', assignee: null, team: null });
  });

  it('sets the SLA deadline from the tier (24 h for diamond, 72 h for ordinary), never after the due date', async () => {
    expect((await task(db(), ids.diamond)).sla_due_at).toMatch(/^2026-11-17 02:00:00/);
    expect((await task(db(), ids.ordinary)).sla_due_at).toMatch(/^2026-11-19 02:00:00/);
    const soon = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'ordinary'), 1);
    await runDispatch(db(), clock, nj());
    expect((await task(db(), soon)).sla_due_at).toMatch(/^2026-11-17 02:00:00/);
  });

  it('balances mid-high tasks over the call-center agents by what is left of their capacity, and leaves the rest open', async () => {
    const tasks = [];
    for (let i = 0; i < 12; i++) tasks.push(await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'mid_high')));
    const summary = await runDispatch(db(), clock, nj());
    expect(summary).toMatchObject({ toCallCenter: 10, undispatched: 2 });
    const load = await queryRows<{ assignee: string; n: number }>(db(), sql`select assignee, count(*)::int as n from retention_tasks where id in ${tasks} and assignee is not null group by assignee order by assignee`);
    expect(load.map((r) => [r.assignee, Number(r.n)])).toEqual([['cc-1', 2], ['cc-2', 4], ['cc-3', 4]]);
    // the next local day, capacity is back
    clock.set('2026-11-16T16:30:00Z');
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ toCallCenter: 2, undispatched: 0 });
    clock.set('2026-11-16T02:00:00Z');
  });

  it('is idempotent: a rerun changes nothing', async () => {
    const before = await queryRows(db(), sql`select count(*)::int as n from task_transitions`);
    const again = await runDispatch(db(), clock, nj());
    expect(again).toMatchObject({ toAccountManagers: 0, toCallCenter: 0, automated: 0, escalated: 0, retried: 0, expired: 0 });
    expect(await queryRows(db(), sql`select count(*)::int as n from task_transitions`)).toEqual(before);
  });

  it('escalates a task past its SLA to the team lead, once, in the timeline', async () => {
    clock.set('2026-11-17T03:00:00Z'); // diamond SLA (24 h) passed
    const summary = await runDispatch(db(), clock, nj());
    expect(summary.escalated).toBeGreaterThanOrEqual(1);
    expect(await task(db(), ids.diamond)).toMatchObject({ assignee: 'am-lead', state: 'assigned' });
    const [note] = await queryRows<{ note: string }>(db(), sql`select note from task_transitions where task_id = ${ids.diamond} and kind = 'escalation'`);
    expect(note!.note).toBe('SLA due 2026-11-17 10:00 passed: escalated from am-1 to team lead am-lead');
    expect((await runDispatch(db(), clock, nj())).escalated).toBe(0);
    clock.set('2026-11-16T02:00:00Z');
  });

  it('retries an unreachable customer in another contact window, up to the max attempts, then hands to the account manager, then closes', async () => {
    await setDispatchRules(db(), region('JS'), { maxAttempts: 2 });
    clock.set('2026-11-17T02:00:00Z'); // the next day: the call center has capacity again
    const customer = await addCustomer(db(), 'JS-NJ', 'mid_high', 'am-1');
    const id = await addTask(db(), clock, customer);
    await runDispatch(db(), clock, nj());
    const agent = (await task(db(), id)).assignee!;
    await startTask(db(), clock, id);
    await recordContactAttempt(db(), clock, id, { disposition: 'no_answer' }, agent); // 10:00 local, window 09:00-12:00
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ retried: 1 });
    expect(await task(db(), id)).toMatchObject({ state: 'assigned', assignee: agent });
    expect((await task(db(), id)).next_attempt_at).toMatch(/^2026-11-17 06:00:00/); // 14:00 local
    expect((await runDispatch(db(), clock, nj())).retried).toBe(0);

    clock.set('2026-11-17T06:05:00Z');
    await startTask(db(), clock, id);
    await recordContactAttempt(db(), clock, id, { disposition: 'powered_off' }, agent);
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ handedOff: 1 });
    expect(await task(db(), id)).toMatchObject({ state: 'assigned', assignee: 'am-1', team: 'JS managers' });
    expect((await runDispatch(db(), clock, nj())).handedOff).toBe(0);

    await startTask(db(), clock, id);
    await recordContactAttempt(db(), clock, id, { disposition: 'suspended' }, 'am-1');
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ closedUnreachable: 1 });
    expect(await task(db(), id)).toMatchObject({ state: 'done', outcome: 'unreachable' });
    await setDispatchRules(db(), region('JS'), { maxAttempts: null });
    clock.set('2026-11-16T02:00:00Z');
  });

  it('puts a retry after an evening attempt into the next morning', async () => {
    clock.set('2026-11-16T11:00:00Z'); // 19:00 local
    const id = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'diamond', 'am-1'));
    await runDispatch(db(), clock, nj());
    await startTask(db(), clock, id);
    await recordContactAttempt(db(), clock, id, { disposition: 'no_answer' }, 'am-1');
    await runDispatch(db(), clock, nj());
    expect((await task(db(), id)).next_attempt_at).toMatch(/^2026-11-17 01:00:00/); // 09:00 local
    clock.set('2026-11-16T02:00:00Z');
  });

  it('expires tasks past their due date', async () => {
    const id = await addTask(db(), clock, await addCustomer(db(), 'JS-NJ', 'gold', 'am-1'), 2);
    await runDispatch(db(), clock, nj());
    clock.set('2026-11-18T03:00:00Z');
    const summary = await runDispatch(db(), clock, nj());
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect((await task(db(), id)).state).toBe('expired');
    expect((await runDispatch(db(), clock, nj())).expired).toBe(0);
    clock.set('2026-11-16T02:00:00Z');
  });

  it('leaves a region whose rules switch dispatch off alone', async () => {
    await setDispatchRules(db(), region('JS-SZ'), { enabled: false });
    const id = await addTask(db(), clock, await addCustomer(db(), 'JS-SZ', 'ordinary'));
    await runDispatch(db(), clock, region('JS'));
    expect((await task(db(), id)).state).toBe('open');
    expect((await task(db(), id)).channel).toBeNull();
  });
});
