import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let customerId: string;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
    c: [customerInput('13700000001'), customerInput('13700000002', { regionCode: 'ZJ-HZ' })],
  });
  customerId = r.upsertCustomers.customers[0].id;
});
afterAll(() => api.close());

const CREATE = `mutation ($input: CreateTaskInput!) { createTask(input: $input) { created task { id state assignee dueAt customer { msisdn } } } }`;
const TASK = `fragment T on RetentionTask { id state outcome attemptCount closedAt
  transitions { totalCount edges { node { fromState toState note } } }
  attempts { edges { node { outcome channel note } } } }`;

describe('retention task lifecycle', () => {
  it('walks open → assigned → in progress → done, recording every transition and attempt', async () => {
    const created = await api.ok(CREATE, { input: { customerId, reason: 'contract ends in 30 days', tactic: 'contract-renewal', channel: 'call', dueAt: '2026-11-20T09:00:00+08:00' } });
    const id = created.createTask.task.id;
    expect(created.createTask).toMatchObject({ created: true, task: { state: 'OPEN', assignee: null, dueAt: '2026-11-20T01:00:00.000Z', customer: { msisdn: '13700000001' } } });

    await api.ok(`mutation ($id: ID!) { assignTask(id: $id, assignee: "agent-7") { task { state assignee } } }`, { id });
    await api.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id });
    const unreachable = await api.ok(`${TASK} mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: UNREACHABLE, channel: "call") { task { ...T } } }`, { id });
    expect(unreachable.recordTaskOutcome.task).toMatchObject({ state: 'IN_PROGRESS', outcome: null, attemptCount: 1 });
    const done = await api.ok(`${TASK} mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED, note: "renewed 24 months") { task { ...T } } }`, { id });
    const task = done.recordTaskOutcome.task;
    expect(task).toMatchObject({ state: 'DONE', outcome: 'RETAINED', attemptCount: 2 });
    expect(task.closedAt).not.toBeNull();
    expect(task.transitions.edges.map((e: any) => [e.node.fromState, e.node.toState])).toEqual([
      [null, 'OPEN'],
      ['OPEN', 'ASSIGNED'],
      ['ASSIGNED', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'DONE'],
    ]);
    expect(task.attempts.edges.map((e: any) => e.node)).toEqual([
      { outcome: 'UNREACHABLE', channel: 'call', note: null },
      { outcome: 'RETAINED', channel: 'call', note: 'renewed 24 months' },
    ]);
  });

  it('closes as unreachable after the third unanswered attempt', async () => {
    const { createTask } = await api.ok(CREATE, { input: { customerId, reason: 'silent', assignee: 'agent-1', dueAt: '2026-11-30T00:00:00Z' } });
    const id = createTask.task.id;
    expect(createTask.task.state).toBe('ASSIGNED');
    await api.ok(`mutation ($id: ID!) { startTask(id: $id) { task { id } } }`, { id });
    let state = '';
    for (let i = 0; i < 3; i++) {
      state = (await api.ok(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: UNREACHABLE) { task { state outcome } } }`, { id })).recordTaskOutcome.task.state;
    }
    expect(state).toBe('DONE');
  });

  it('refuses illegal transitions with a typed error that says what is allowed', async () => {
    const { createTask } = await api.ok(CREATE, { input: { customerId, reason: 'x', dueAt: '2026-11-30T00:00:00Z' } });
    const id = createTask.task.id;
    const start = await api.gql(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id });
    expect(start.errors![0]!.extensions!.code).toBe('ILLEGAL_TRANSITION');
    expect(start.errors![0]!.message).toMatch(/task \d+ is open; start needs a task that is assigned \(assign it first\)/);
    await api.ok(`mutation ($id: ID!) { cancelTask(id: $id, reason: "duplicate") { task { state } } }`, { id });
    const outcome = await api.gql(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED) { task { state } } }`, { id });
    expect(outcome.errors![0]!.message).toMatch(/is cancelled; recordOutcome needs a task that is in_progress/);
    const missing = await api.gql(`mutation { startTask(id: "${Buffer.from('RetentionTask:999999').toString('base64')}") { task { state } } }`);
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const wrongType = await api.gql(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: customerId });
    expect(wrongType.errors![0]!.message).toMatch(/RetentionTask/);
  });

  it('is idempotent on the idempotency key and rejects unknown customers', async () => {
    const input = { customerId, reason: 'birthday care', dueAt: '2026-11-30T00:00:00Z', idempotencyKey: 'planner-2026-11-15-1' };
    const a = await api.ok(CREATE, { input });
    const b = await api.ok(CREATE, { input });
    expect(b.createTask.created).toBe(false);
    expect(b.createTask.task.id).toBe(a.createTask.task.id);
    const unknown = await api.gql(CREATE, { input: { ...input, idempotencyKey: null, customerId: Buffer.from('Customer:424242').toString('base64') } });
    expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect(unknown.errors![0]!.message).toContain('input.customerId');
  });

  it('lists tasks by due time with filters and expires overdue ones', async () => {
    const other = (await api.ok(`query { customerByMsisdn(msisdn: "13700000002") { id } }`)).customerByMsisdn.id;
    await api.ok(CREATE, { input: { customerId: other, reason: 'arrears', assignee: 'agent-9', dueAt: '2026-11-16T00:00:00Z' } });
    const r = await api.ok(`query {
      all: tasks { totalCount edges { node { dueAt } } }
      zj: tasks(filter: { regionCodes: ["ZJ"] }) { totalCount edges { node { assignee customer { msisdn } } } }
      open: tasks(filter: { states: [OPEN, ASSIGNED] }) { totalCount }
      mine: customer(id: "${customerId}") { tasks { totalCount } }
    }`);
    const due = r.all.edges.map((e: any) => e.node.dueAt);
    expect([...due].sort()).toEqual(due);
    expect(r.zj).toMatchObject({ totalCount: 1, edges: [{ node: { assignee: 'agent-9', customer: { msisdn: '13700000002' } } }] });
    expect(r.mine.tasks.totalCount).toBe(r.all.totalCount - 1);

    const { expireOverdueTasks } = await import('@weixi/core');
    api.clock.set('2026-11-17T00:00:00Z');
    const expired = await expireOverdueTasks(api.database.db, api.clock);
    expect(expired).toBe(1);
    const after = await api.ok(`query { tasks(filter: { states: [EXPIRED] }) { edges { node { transitions { edges { node { fromState toState note } } } } } } }`);
    expect(after.tasks.edges[0].node.transitions.edges.at(-1).node).toEqual({ fromState: 'ASSIGNED', toState: 'EXPIRED', note: 'due date passed' });
  });
});
