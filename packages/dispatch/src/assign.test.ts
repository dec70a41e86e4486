import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTask, type AvailableChannel } from '@weixi/core';
import { SYSTEM_PRINCIPAL } from '@weixi/core/access';
import { queryRows, type Db } from '@weixi/db';
import { runDispatch } from './run.js';
import { upsertAgents, upsertTeams } from './teams.js';
import { addCustomer, task, useWorld } from './world.test-support.js';

/** A Nanjing call center whose agents have skills, and its lead (no capacity of its own). */
async function skilledRoster(db: Db): Promise<void> {
  await upsertTeams(db, SYSTEM_PRINCIPAL, [
    { regionCode: 'JS-NJ', name: 'NJ call center', kind: 'call_center', leadAgentId: 'cc-lead' },
    { regionCode: 'JS', name: 'JS automated', kind: 'automated' },
  ]);
  await upsertAgents(db, SYSTEM_PRINCIPAL, [
    { agentId: 'cc-lead', name: 'Lead', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 0 },
    { agentId: 'cc-yue', name: 'Cantonese', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 3, skills: ['cantonese', 'device'] },
    { agentId: 'cc-dev', name: 'Devices', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 3, skills: ['device'] },
    { agentId: 'cc-plain', name: 'Plain', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 3 },
    { agentId: 'cc-away', name: 'Away', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 3, skills: ['tibetan'], active: false },
  ]);
}
const { clock, db, region } = useWorld(skilledRoster);
const nj = () => region('JS-NJ');

const dueAt = () => new Date(clock.now().getTime() + 10 * 86_400_000);
async function addTask(regionCode: string, tier: 'mid_high' | 'ordinary', over: { requiredSkills?: string[]; channel?: string } = {}): Promise<number> {
  return (await createTask(db(), clock, { customerId: await addCustomer(db(), regionCode, tier), reason: 'r', dueAt: dueAt(), ...over })).task.id;
}

describe('skill-based routing', () => {
  it('gives a call-center task only to agents having every skill it requires, balanced by capacity; with no such agent, to the team lead', async () => {
    const cantonese = [await addTask('JS-NJ', 'mid_high', { requiredSkills: ['cantonese'] }), await addTask('JS-NJ', 'mid_high', { requiredSkills: ['cantonese'] })];
    const device = [];
    for (let i = 0; i < 3; i++) device.push(await addTask('JS-NJ', 'mid_high', { requiredSkills: ['device'] }));
    const tibetan = await addTask('JS-NJ', 'mid_high', { requiredSkills: ['tibetan'] });
    const any = [await addTask('JS-NJ', 'mid_high'), await addTask('JS-NJ', 'mid_high')];

    const summary = await runDispatch(db(), clock, nj());
    expect(summary).toMatchObject({ toCallCenter: 7, toTeamLeads: 1, undispatched: 0 });
    for (const id of cantonese) expect((await task(db(), id)).assignee).toBe('cc-yue');
    // cc-yue has 1 slot left after the Cantonese tasks: the device tasks fill cc-dev first (least loaded)
    expect((await Promise.all(device.map(async (id) => (await task(db(), id)).assignee))).sort()).toEqual(['cc-dev', 'cc-dev', 'cc-yue']);
    for (const id of any) expect((await task(db(), id)).assignee).toBe('cc-plain');
    // only an inactive agent speaks Tibetan: the lead decides
    expect(await task(db(), tibetan)).toMatchObject({ state: 'assigned', assignee: 'cc-lead', team: 'NJ call center' });
    const [note] = await queryRows<{ note: string }>(db(), sql`select note from task_transitions where task_id = ${tibetan} and kind = 'dispatch'`);
    expect(note!.note).toBe('no agent of the team has the skills tibetan: to team lead cc-lead');
  });

  it('leaves a skilled task waiting when the agents having the skill are at capacity today', async () => {
    const waiting = await addTask('JS-NJ', 'mid_high', { requiredSkills: ['cantonese'] });
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ toCallCenter: 0, toTeamLeads: 0, undispatched: 1 });
    expect(await task(db(), waiting)).toMatchObject({ state: 'open', assignee: null });
    clock.set('2026-11-16T16:30:00Z'); // the next local day
    expect(await runDispatch(db(), clock, nj())).toMatchObject({ toCallCenter: 1, undispatched: 0 });
    expect((await task(db(), waiting)).assignee).toBe('cc-yue');
  });
});

describe('automated channels available in the region', () => {
  const automated = (id: string): AvailableChannel => ({ id, kind: 'automated', pluginId: `channel-${id}` });
  // Nanjing has app push and SMS (and calls, a human channel); its district 鼓楼 has none.
  const channels = { channelsIn: (regionId: number) => (regionId === nj().id ? [automated('app'), { id: 'call', kind: 'human' as const, pluginId: 'channel-call' }, automated('sms')] : []) };

  it("keeps the task's channel when automated and available, else the region's automated channel, and leaves the task open where none is available", async () => {
    const app = await addTask('JS-NJ', 'ordinary', { channel: 'app' });
    const call = await addTask('JS-NJ', 'ordinary', { channel: 'call' });
    const district = await addTask('JS-NJ-GL', 'ordinary', { channel: 'sms' });
    const summary = await runDispatch(db(), clock, nj(), { channels });
    expect(summary).toMatchObject({ automated: 2, noChannel: 1, undispatched: 1 });
    expect(await task(db(), app)).toMatchObject({ state: 'open', channel: 'app', team: 'JS automated' });
    // a call is a human channel: an ordinary customer is reached by the region's automated channel instead
    expect(await task(db(), call)).toMatchObject({ channel: 'sms', team: 'JS automated' });
    expect(await task(db(), district)).toMatchObject({ state: 'open', channel: 'sms', team: null });
    expect((await runDispatch(db(), clock, nj(), { channels })).noChannel).toBe(1);
  });
});
