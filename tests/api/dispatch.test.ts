import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let taskId: string;
let js: ReturnType<TestApi['as']>;
beforeAll(async () => {
  api = await startTestApi('2026-11-16T02:00:00Z'); // 10:00 in Nanjing
  js = api.as(await api.key({ role: 'operator', regionCodes: ['JS'], name: 'js operator' }));
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
    c: [customerInput('13700000001', { accountManager: 'am-1' })],
  });
  await api.database.rows(sql`update customers set tier = 'mid_high'`);
  const created = await js.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
    input: { customerId: r.upsertCustomers.customers[0].id, reason: 'contract ends in 30 days', dueAt: '2026-11-30T09:00:00+08:00' },
  });
  taskId = created.createTask.task.id;
});
afterAll(() => api.close());

const dispatch = async (regionCode = 'JS-NJ') => {
  const ids = (await js.ok(`mutation ($r: String!) { runDispatch(regionCode: $r) }`, { r: regionCode })).runDispatch;
  await api.jobs.work();
  return ids as number[];
};
const TIMELINE = `query ($id: ID!) { task(id: $id) { state outcome assignee nextAttemptAt slaDueAt team { name } timeline { kind fromState toState disposition outcome actor note } } }`;

describe('dispatch over HTTP', () => {
  it('takes teams and agents as data, in the caller\'s regions only', async () => {
    const teams = await js.ok(`mutation ($t: [TeamInput!]!) { upsertTeams(input: $t) { name kind region { code } } }`, {
      t: [
        { regionCode: 'JS', name: 'JS managers', kind: 'ACCOUNT_MANAGERS', leadAgentId: 'am-lead' },
        { regionCode: 'JS-NJ', name: 'NJ call center', kind: 'CALL_CENTER', leadAgentId: 'cc-lead', skills: ['contract-renewal'] },
      ],
    });
    expect(teams.upsertTeams).toEqual([{ name: 'JS managers', kind: 'ACCOUNT_MANAGERS', region: { code: 'JS' } }, { name: 'NJ call center', kind: 'CALL_CENTER', region: { code: 'JS-NJ' } }]);
    const agents = await js.ok(`mutation ($a: [AgentInput!]!) { upsertAgents(input: $a) { agentId capacityPerDay team { name } } }`, {
      a: [
        { agentId: 'am-1', name: '王经理', regionCode: 'JS', team: 'JS managers' },
        { agentId: 'cc-1', name: '李', regionCode: 'JS-NJ', team: 'NJ call center', capacityPerDay: 30 },
      ],
    });
    expect(agents.upsertAgents[1]).toEqual({ agentId: 'cc-1', capacityPerDay: 30, team: { name: 'NJ call center' } });

    const zj = api.as(await api.key({ role: 'operator', regionCodes: ['ZJ'], name: 'zj operator' }));
    const intoJs = await zj.gql(`mutation { upsertAgents(input: [{ agentId: "zj-1", name: "x", regionCode: "JS-NJ", team: "NJ call center" }]) { agentId } }`);
    expect(intoJs.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(intoJs.errors![0]!.message).toContain('input[0].regionCode');
    await zj.ok(`mutation { upsertTeams(input: [{ regionCode: "ZJ-HZ", name: "HZ call center", kind: CALL_CENTER }]) { name } }`);
    const takeOver = await zj.gql(`mutation { upsertAgents(input: [{ agentId: "cc-1", name: "x", regionCode: "ZJ-HZ", team: "HZ call center" }]) { agentId } }`);
    expect(takeOver.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(takeOver.errors![0]!.message).toContain('input[0].agentId');
    expect((await zj.gql(`query { agents(regionCode: "JS") { agentId } }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await zj.ok(`query { agents(regionCode: "ZJ") { agentId } }`)).agents).toEqual([]);
    const noTeam = await js.gql(`mutation { upsertAgents(input: [{ agentId: "cc-2", name: "x", regionCode: "JS-SZ", team: "NJ call center", capacityPerDay: -1 }]) { agentId } }`);
    expect(noTeam.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(noTeam.errors![0]!.message).toContain('input[0].capacityPerDay');
  });

  it('dispatches, and the agent works its queue: start, no answer, retry at another time of day, reached and accepted, timeline', async () => {
    await dispatch();
    const cc1 = api.as(await api.key({ role: 'agent', agentId: 'cc-1', name: 'cc-1' }));
    const other = api.as(await api.key({ role: 'agent', agentId: 'cc-9', name: 'cc-9' }));
    const queue = await cc1.ok(`query { myTasks(states: [ASSIGNED]) { totalCount edges { node { id slaDueAt team { name } } } } }`);
    expect(queue.myTasks).toMatchObject({ totalCount: 1, edges: [{ node: { id: taskId, slaDueAt: '2026-11-18T02:00:00.000Z', team: null } }] });
    expect((await other.ok(`query { myTasks { totalCount } }`)).myTasks.totalCount).toBe(0);
    expect((await js.ok(`query { myTasks { totalCount } }`)).myTasks.totalCount).toBe(0);

    api.clock.set('2026-11-16T02:05:00Z');
    const ATTEMPT = `mutation ($id: ID!, $d: Disposition!, $o: TaskOutcome) { recordContactAttempt(taskId: $id, disposition: $d, outcome: $o, note: "call") { task { state outcome nextAttemptAt } } }`;
    await cc1.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: taskId });
    expect((await other.gql(ATTEMPT, { id: taskId, d: 'NO_ANSWER' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await cc1.ok(ATTEMPT, { id: taskId, d: 'NO_ANSWER' })).recordContactAttempt.task).toEqual({ state: 'IN_PROGRESS', outcome: null, nextAttemptAt: null });
    await dispatch();
    expect((await cc1.ok(TIMELINE, { id: taskId })).task).toMatchObject({ state: 'ASSIGNED', assignee: 'cc-1', nextAttemptAt: '2026-11-16T06:00:00.000Z' });

    api.clock.set('2026-11-16T06:10:00Z');
    await cc1.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: taskId });
    const noOutcome = await cc1.gql(ATTEMPT, { id: taskId, d: 'REACHED' });
    expect(noOutcome.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(noOutcome.errors![0]!.message).toContain('outcome');
    api.clock.set('2026-11-16T06:15:00Z');
    expect((await cc1.ok(ATTEMPT, { id: taskId, d: 'ACCEPTED' })).recordContactAttempt.task).toMatchObject({ state: 'DONE', outcome: 'RETAINED' });

    const { task } = await js.ok(TIMELINE, { id: taskId });
    expect(task.team).toEqual({ name: 'NJ call center' });
    expect(task.timeline.map((e: any) => [e.kind, e.toState ?? e.disposition])).toEqual([
      ['STATE', 'OPEN'],
      ['DISPATCH', 'ASSIGNED'],
      ['STATE', 'IN_PROGRESS'],
      ['ATTEMPT', 'NO_ANSWER'],
      ['REDISPATCH', 'ASSIGNED'],
      ['STATE', 'IN_PROGRESS'],
      ['ATTEMPT', 'ACCEPTED'],
      ['STATE', 'DONE'],
    ]);
    expect(task.timeline[4].note).toBe('no answer (1 of 3): next attempt from 2026-11-16 14:00');
  });

  it('draws a quality audit and a failed check reopens and re-dispatches the task', async () => {
    api.clock.set('2026-11-16T08:00:00Z');
    const drawn = await js.ok(`mutation { drawQualityAudits(regionCode: "JS-NJ", rate: 1) { id agentId status task { id } } }`);
    expect(drawn.drawQualityAudits).toMatchObject([{ agentId: 'cc-1', status: 'PENDING', task: { id: taskId } }]);
    expect((await js.ok(`mutation { drawQualityAudits(regionCode: "JS-NJ", rate: 1) { id } }`)).drawQualityAudits).toEqual([]);
    const zj = api.as(await api.key({ role: 'operator', regionCodes: ['ZJ'], name: 'zj 2' }));
    const auditId = drawn.drawQualityAudits[0].id;
    expect((await zj.gql(`mutation ($a: Int!) { recordAuditResult(auditId: $a, passed: false) { reopened } }`, { a: auditId })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    api.clock.set('2026-11-16T09:00:00Z');
    const failed = await js.ok(`mutation ($a: Int!) { recordAuditResult(auditId: $a, passed: false, note: "customer did not agree") { reopened audit { status } dispatchRunIds } }`, { a: auditId });
    expect(failed.recordAuditResult).toMatchObject({ reopened: true, audit: { status: 'FAILED' } });
    expect(failed.recordAuditResult.dispatchRunIds).toHaveLength(1);
    await api.jobs.work();
    const { task } = await js.ok(TIMELINE, { id: taskId });
    expect(task).toMatchObject({ state: 'ASSIGNED', assignee: 'cc-1', outcome: null });
    expect(task.timeline.slice(-4).map((e: any) => e.kind)).toEqual(['AUDIT_DRAWN', 'AUDIT_CHECKED', 'REOPEN', 'DISPATCH']);
  });

  it('leaves an audit log entry per dispatch mutation, naming its region or task', async () => {
    const { auditLog } = await api.ok(`query { auditLog(first: 100) { edges { node { operation objects outcome } } } }`);
    const entries = auditLog.edges.map((e: any) => e.node).filter((e: any) => e.outcome === 'OK');
    // newest first: the first of each operation is the last of its entries
    const objectsOf = (operation: string) => entries.filter((e: any) => e.operation === operation).at(-1)?.objects;
    expect(objectsOf('upsertTeams')).toEqual(['region:JS', 'region:JS-NJ']);
    expect(objectsOf('upsertAgents')).toEqual(['region:JS', 'region:JS-NJ']);
    expect(objectsOf('runDispatch')).toEqual(['region:JS-NJ']);
    expect(objectsOf('drawQualityAudits')).toEqual(['region:JS-NJ']);
    expect(objectsOf('recordContactAttempt')).toEqual([taskId]);
    expect(objectsOf('recordAuditResult')).toEqual([taskId]);
    await js.ok(`mutation { setDispatchRules(regionCode: "JS-NJ", rules: { maxAttempts: 2, slaHours: { gold: 12 } }) }`);
    const rules = (await js.ok(`query { dispatchRules(regionCode: "JS-NJ-GL") }`)).dispatchRules;
    expect(rules).toMatchObject({ maxAttempts: 2, slaHours: { gold: 12, diamond: 24 }, routes: { ordinary: 'automated' } });
    const bad = await js.gql(`mutation { setDispatchRules(regionCode: "JS-NJ", rules: { maxAtempts: 2, contactWindows: ["18:00-09:00"] }) }`);
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('rules.maxAtempts: is not a dispatch rule');
    expect(bad.errors![0]!.message).toContain('rules.contactWindows[0]');
    const after = (await api.ok(`query { auditLog(first: 100) { edges { node { operation objects outcome } } } }`)).auditLog.edges.map((e: any) => e.node);
    expect(after.filter((e: any) => e.operation === 'setDispatchRules').map((e: any) => [e.outcome, e.objects])).toEqual([
      ['ERROR', ['region:JS-NJ']],
      ['OK', ['region:JS-NJ']],
    ]);
  });

  it('runs the dispatch job on its quarter-hour schedule in the cities where dispatch is set up', async () => {
    // JS has a team (so JS-NJ and JS-SZ run); ZJ-HZ got one from its operator above. A fresh slot, seen within its minute.
    api.clock.set('2026-11-16T09:30:10Z');
    await api.jobs.tick();
    await api.jobs.work();
    const runs = await api.database.rows<{ code: string; status: string; progress_message: string }>(sql`
      select r.code, j.status, j.progress_message from job_runs j join regions r on r.id = j.region_id
      where j.plugin_id = 'core:dispatch' and j.trigger = 'schedule' order by r.code`);
    expect(runs.map((r) => [r.code, r.status])).toEqual([['JS-NJ', 'succeeded'], ['JS-SZ', 'succeeded'], ['ZJ-HZ', 'succeeded']]);
    expect(runs[0]!.progress_message).toMatch(/^JS-NJ: \d+ to account managers/);
  });

  it('routes a task by the skills it requires: with no agent of the team having them, to the team lead', async () => {
    const { customer } = await js.ok(`query ($id: ID!) { task(id: $id) { customer { id } } }`, { id: taskId }).then((r) => r.task);
    const created = await js.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id requiredSkills } } }`, {
      input: { customerId: customer.id, reason: '粤语客户', dueAt: '2026-11-30T09:00:00+08:00', requiredSkills: ['cantonese'] },
    });
    expect(created.createTask.task.requiredSkills).toEqual(['cantonese']);
    const blank = await js.gql(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
      input: { customerId: customer.id, reason: 'x', dueAt: '2026-11-30T09:00:00+08:00', requiredSkills: [' '] },
    });
    expect(blank.errors![0]!.message).toContain('input.requiredSkills[0]: must be 1 to 64 characters');
    await dispatch();
    const { task } = await js.ok(TIMELINE, { id: created.createTask.task.id });
    expect(task).toMatchObject({ state: 'ASSIGNED', assignee: 'cc-lead', team: { name: 'NJ call center' } });
    expect(task.timeline.at(-1).note).toBe('no agent of the team has the skills cantonese: to team lead cc-lead');
  });
});
