/**
 * Idempotency keys are scoped to the customer they write for (tasks, events; contacts also to the plugin):
 * a key another region used is neither an error nor a duplicate, so it tells a caller nothing about rows it
 * cannot see, while a replay for the same customer still returns what the first call wrote. Operators and
 * integrators of JS and ZJ, both directions, over HTTP; the unique indexes are checked in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { GraphQLHttpClient } from '@weixi/testing';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let js: { op: GraphQLHttpClient; feed: GraphQLHttpClient; customer: string; other: string };
let zj: { op: GraphQLHttpClient; feed: GraphQLHttpClient; customer: string };

const CREATE = `mutation ($input: CreateTaskInput!) { createTask(input: $input) { created task { id customer { msisdn } } } }`;
const EVENTS = `mutation ($events: [CustomerEventInput!]!) { recordEvents(events: $events) { recorded duplicates events { id } } }`;
const task = (customerId: string, idempotencyKey: string) => ({ input: { customerId, reason: 'renewal', dueAt: '2026-12-01T00:00:00Z', idempotencyKey } });
const event = (msisdn: string, idempotencyKey: string) => ({ events: [{ msisdn, type: 'complaint', occurredAt: '2026-11-01T10:00:00Z', idempotencyKey }] });

beforeAll(async () => {
  api = await startTestApi();
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
    c: [customerInput('13600000001'), customerInput('13600000002'), customerInput('13600000003', { regionCode: 'ZJ-HZ' })],
  });
  const [a, b, c] = r.upsertCustomers.customers.map((x: { id: string }) => x.id);
  const client = async (grant: Parameters<TestApi['key']>[0]) => api.as(await api.key(grant));
  js = { op: await client({ role: 'operator', regionCodes: ['JS'] }), feed: await client({ role: 'integrator', scopes: ['ingest'], regionCodes: ['JS'] }), customer: a, other: b };
  zj = { op: await client({ role: 'operator', regionCodes: ['ZJ'] }), feed: await client({ role: 'integrator', scopes: ['ingest'], regionCodes: ['ZJ'] }), customer: c };
});
afterAll(() => api?.close());

describe('task idempotency keys', () => {
  it("a key ZJ used creates JS's own task, like a key nobody used (and the other way round)", async () => {
    const theirs = await zj.op.ok(CREATE, task(zj.customer, 'planner-1'));
    expect(theirs.createTask.created).toBe(true);
    const used = await js.op.gql(CREATE, task(js.customer, 'planner-1'));
    const fresh = await js.op.gql(CREATE, task(js.customer, 'planner-never-used'));
    expect(used.errors).toBeUndefined();
    expect(fresh.errors).toBeUndefined();
    expect(used.data!.createTask).toMatchObject({ created: true, task: { customer: { msisdn: '13600000001' } } });
    expect(fresh.data!.createTask.created).toBe(true);

    const jsFirst = await js.op.ok(CREATE, task(js.customer, 'planner-2'));
    const zjSecond = await zj.op.ok(CREATE, task(zj.customer, 'planner-2'));
    expect(zjSecond.createTask).toMatchObject({ created: true, task: { customer: { msisdn: '13600000003' } } });
    expect(zjSecond.createTask.task.id).not.toBe(jsFirst.createTask.task.id);
  });

  it('a replay in the own region returns the task created the first time, on either side', async () => {
    const first = await js.op.ok(CREATE, task(js.customer, 'planner-3'));
    const again = await js.op.ok(CREATE, task(js.customer, 'planner-3'));
    expect(again.createTask).toEqual({ ...first.createTask, created: false });
    const zjAgain = await zj.op.ok(CREATE, task(zj.customer, 'planner-1'));
    expect(zjAgain.createTask).toMatchObject({ created: false, task: { customer: { msisdn: '13600000003' } } });
    const [row] = await api.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from retention_tasks where idempotency_key = 'planner-3'`));
    expect(Number(row!.n)).toBe(1);
  });
});

describe('event idempotency keys', () => {
  it("an event with a key ZJ used is recorded for JS, not dropped as a duplicate (and the other way round)", async () => {
    expect((await zj.feed.ok(EVENTS, event('13600000003', 'crm-1'))).recordEvents).toMatchObject({ recorded: 1, duplicates: 0 });
    expect((await js.feed.ok(EVENTS, event('13600000001', 'crm-1'))).recordEvents).toMatchObject({ recorded: 1, duplicates: 0 });
    expect((await js.feed.ok(EVENTS, event('13600000001', 'crm-2'))).recordEvents).toMatchObject({ recorded: 1, duplicates: 0 });
    expect((await zj.feed.ok(EVENTS, event('13600000003', 'crm-2'))).recordEvents).toMatchObject({ recorded: 1, duplicates: 0 });
    const rows = await api.database.rows<{ key: string; n: number }>(
      sql.raw(`select idempotency_key as key, count(*)::int as n from customer_events group by 1 order by 1`),
    );
    expect(rows.map((r) => [r.key, Number(r.n)])).toEqual([['crm-1', 2], ['crm-2', 2]]);
  });

  it('a replay in the own region is a duplicate, on either side', async () => {
    expect((await js.feed.ok(EVENTS, event('13600000001', 'crm-1'))).recordEvents).toMatchObject({ recorded: 0, duplicates: 1 });
    expect((await zj.feed.ok(EVENTS, event('13600000003', 'crm-1'))).recordEvents).toMatchObject({ recorded: 0, duplicates: 1 });
  });
});

describe('the database keeps keys unique per customer', () => {
  const refused = async (statement: string) => {
    try {
      await api.database.db.execute(statement);
    } catch (error) {
      return String((error as { cause?: unknown }).cause ?? error);
    }
    return 'accepted';
  };

  it('refuses a second task, event or contact with the same key for the same customer, accepts it for another', async () => {
    const [{ a, b }] = (await api.database.rows<{ a: number; b: number }>(
      sql.raw(`select min(id) as a, max(id) as b from customers where msisdn in ('13600000001', '13600000003')`),
    )) as [{ a: number; b: number }];
    const taskRow = (customer: number) => `insert into retention_tasks (customer_id, reason, due_at, idempotency_key) values (${customer}, 'x', now(), 'db-1')`;
    const eventRow = (customer: number) => `insert into customer_events (customer_id, type, occurred_at, idempotency_key) values (${customer}, 'complaint', now(), 'db-1')`;
    const contactRow = (customer: number, plugin: string) =>
      `insert into contacts (customer_id, channel, plugin_id, message, idempotency_key) values (${customer}, 'sms', '${plugin}', 'hi', 'db-1')`;
    for (const row of [taskRow, eventRow, (c: number) => contactRow(c, 'p')]) {
      expect(await refused(row(a))).toBe('accepted');
      expect(await refused(row(b))).toBe('accepted');
      expect(await refused(row(a))).toMatch(/duplicate key|unique/);
    }
    expect(await refused(contactRow(a, 'another-plugin'))).toBe('accepted');
  });
});
