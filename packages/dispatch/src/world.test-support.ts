/** Test support: a small world of regions, customers by tier, teams and agents, and tasks to dispatch. */
import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTask, type Clock } from '@weixi/core';
import { SYSTEM_PRINCIPAL } from '@weixi/core/access';
import { queryRows, type Db, type Tier } from '@weixi/db';
import { createTestDatabase, insertRegions, type TestDatabase } from '@weixi/db/testing';
import { upsertAgents, upsertTeams } from './teams.js';

export class FixedClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export function addRegions(db: Db): Promise<Map<string, { id: number; code: string; path: string }>> {
  return insertRegions(db, [
    ['JS', 'province', null],
    ['JS-NJ', 'city', 'JS'],
    ['JS-NJ-GL', 'district', 'JS-NJ'],
    ['JS-SZ', 'city', 'JS'],
    ['ZJ', 'province', null],
    ['ZJ-HZ', 'city', 'ZJ'],
  ]);
}

/** A test file's world: a fresh database with the regions and `roster`, the clock at 10:00 in Nanjing. */
export function useWorld(roster: (db: Db) => Promise<void> = addRoster) {
  let database: TestDatabase;
  let regions: Awaited<ReturnType<typeof addRegions>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    regions = await addRegions(database.db);
    await roster(database.db);
  });
  afterAll(() => database.close());
  return { clock: new FixedClock(new Date('2026-11-16T02:00:00Z')), db: () => database.db, region: (code: string) => regions.get(code)! };
}

let msisdn = 13900000000;
export async function addCustomer(db: Db, regionCode: string, tier: Tier, accountManager: string | null = null): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db, sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, tier, account_manager)
    values (${String(msisdn++)}, 'c', (select id from regions where code = ${regionCode}), '2020-01-01', 'P59', 'postpaid', ${tier}, ${accountManager}) returning id`);
  return Number(row!.id);
}

export async function addTask(db: Db, clock: Clock, customerId: number, dueInDays = 10): Promise<number> {
  const { task } = await createTask(db, clock, { customerId, reason: 'contract ends', dueAt: new Date(clock.now().getTime() + dueInDays * 86_400_000) });
  return task.id;
}

/** JS: an account-manager team (lead am-lead, manager am-1) and a call center of three agents (cc-1 capacity 2, cc-2 and cc-3 capacity 4, lead cc-lead). */
export async function addRoster(db: Db): Promise<void> {
  await upsertTeams(db, SYSTEM_PRINCIPAL, [
    { regionCode: 'JS', name: 'JS managers', kind: 'account_managers', leadAgentId: 'am-lead' },
    { regionCode: 'JS-NJ', name: 'NJ call center', kind: 'call_center', leadAgentId: 'cc-lead' },
    { regionCode: 'JS', name: 'JS sms', kind: 'automated' },
  ]);
  await upsertAgents(db, SYSTEM_PRINCIPAL, [
    { agentId: 'am-lead', name: 'Lead', regionCode: 'JS', team: 'JS managers' },
    { agentId: 'am-1', name: 'Manager', regionCode: 'JS', team: 'JS managers' },
    { agentId: 'am-gone', name: 'Left', regionCode: 'JS', team: 'JS managers', active: false },
    { agentId: 'cc-lead', name: 'CC lead', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 0 },
    { agentId: 'cc-1', name: 'One', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 2 },
    { agentId: 'cc-2', name: 'Two', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 4 },
    { agentId: 'cc-3', name: 'Three', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 4 },
  ]);
}

export async function task(db: Db, id: number) {
  const [row] = await queryRows<{ state: string; assignee: string | null; channel: string | null; outcome: string | null; team: string | null; sla_due_at: string | null; next_attempt_at: string | null; escalated_at: string | null }>(db, sql`
    select t.state, t.assignee, t.channel, t.outcome, tm.name as team, t.sla_due_at::text, t.next_attempt_at::text, t.escalated_at::text
    from retention_tasks t left join teams tm on tm.id = t.team_id where t.id = ${id}`);
  return row!;
}
