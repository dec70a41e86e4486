/**
 * Live updates over a real HTTP server, on PGlite and on PostgreSQL: the same subscriptions over SSE and
 * graphql-ws, scoped as queries are. Each scope check makes an out-of-scope change first and an in-scope
 * one after it: notices arrive in commit order, so the first event a subscriber receives being the
 * in-scope one shows the other was dropped, not merely late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { customerInput, startTestApi, type TestApi } from './harness.js';
import { subscribeSse, subscribeWs, wsClient, type LiveSubscription } from './live-clients.js';

let api: TestApi;
let keys: Record<'agent' | 'opNJ' | 'opZJ', string>;
let customers: Record<'nj' | 'hz', { id: string; local: number; regionId: number }>;

beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id msisdn } } }`, {
    c: [customerInput('13710000001'), customerInput('13710000002', { regionCode: 'ZJ-HZ' })],
  });
  const rows = (await api.database.db.execute(sql`select id, region_id from customers order by msisdn`)) as unknown;
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ id: number; region_id: number }>;
  customers = {
    nj: { id: r.upsertCustomers.customers[0].id, local: Number(list[0]!.id), regionId: Number(list[0]!.region_id) },
    hz: { id: r.upsertCustomers.customers[1].id, local: Number(list[1]!.id), regionId: Number(list[1]!.region_id) },
  };
  keys = {
    agent: await api.key({ role: 'agent', agentId: 'agent-7', name: 'agent 7' }),
    opNJ: await api.key({ role: 'operator', regionCodes: ['JS-NJ'], name: 'Nanjing ops' }),
    opZJ: await api.key({ role: 'operator', regionCodes: ['ZJ'], name: 'Zhejiang ops' }),
  };
});
afterAll(() => api?.close());

const TASK_CHANGED = `subscription { taskChanged { id state assignee customer { msisdn } } }`;
const WARNING_RAISED = `subscription { warningRaised { id rule level region { code } customer { msisdn } } }`;
const JOB_RUN_CHANGED = `subscription { jobRunChanged { id pluginId jobId region status progress } }`;
const CREATE = `mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`;

type Transport = 'SSE' | 'graphql-ws';
const subscribe = async (transport: Transport, token: string, query: string): Promise<LiveSubscription | (LiveSubscription & { ended: Promise<void> })> => {
  if (transport === 'graphql-ws') return subscribeWs(api.server.url, token, query);
  const sub = await subscribeSse(api.server.url, token, query);
  expect(sub.status).toBe(200);
  return sub;
};

async function raiseWarning(customer: { local: number; regionId: number }, ruleId: string): Promise<number> {
  const rows = (await api.database.db.execute(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    values (${customer.local}, 'warn-test', ${ruleId}, ${customer.regionId}, 'high', 80, 'test', 'open', '2026-10-01', now(), now()) returning id`)) as unknown;
  return Number(((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ id: number }>)[0]!.id);
}

async function queueJobRun(regionId: number, jobId: string): Promise<void> {
  await api.database.db.execute(sql`insert into job_runs (plugin_id, job_id, region_id, trigger, scheduled_for, run_after)
    values ('live-test', ${jobId}, ${regionId}, 'manual', now(), now())`);
}

describe.each<Transport>(['SSE', 'graphql-ws'])('subscriptions over %s', (transport) => {
  it("delivers an agent's task as it is created and changed, and no one else's", async () => {
    const sub = await subscribe(transport, keys.agent, TASK_CHANGED);
    try {
      await api.ok(CREATE, { input: { customerId: customers.hz.id, reason: `not mine (${transport})`, assignee: 'agent-9', dueAt: '2026-11-30T00:00:00Z' } });
      const mine = (await api.ok(CREATE, { input: { customerId: customers.nj.id, reason: `mine (${transport})`, assignee: 'agent-7', dueAt: '2026-11-30T00:00:00Z' } })).createTask.task.id;
      const created = await sub.next();
      expect(created.errors).toBeUndefined();
      expect(created.data!.taskChanged).toEqual({ id: mine, state: 'ASSIGNED', assignee: 'agent-7', customer: { msisdn: '13710000001' } });
      await api.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: mine });
      expect((await sub.next()).data!.taskChanged).toMatchObject({ id: mine, state: 'IN_PROGRESS' });
    } finally {
      await sub.close();
    }
  });

  it("delivers a warning raised in the operator's regions, never another region's", async () => {
    const nj = await subscribe(transport, keys.opNJ, WARNING_RAISED);
    const zj = await subscribe(transport, keys.opZJ, WARNING_RAISED);
    try {
      const hzWarning = await raiseWarning(customers.hz, `hz-${transport}`);
      const njWarning = await raiseWarning(customers.nj, `nj-${transport}`);
      const first = await nj.next();
      expect(first.data!.warningRaised).toMatchObject({ rule: `warn-test/nj-${transport}`, region: { code: 'JS-NJ-GL' }, customer: { msisdn: '13710000001' } });
      expect(Buffer.from(first.data!.warningRaised.id, 'base64').toString()).toBe(`Warning:${njWarning}`);
      // The other operator did receive the Hangzhou warning, and only that one.
      const other = await zj.next();
      expect(Buffer.from(other.data!.warningRaised.id, 'base64').toString()).toBe(`Warning:${hzWarning}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(nj.pending()).toEqual([]);
      expect(zj.pending()).toEqual([]);
    } finally {
      await Promise.all([nj.close(), zj.close()]);
    }
  });

  it("delivers job runs of the operator's regions only, and none to an agent", async () => {
    const operator = await subscribe(transport, keys.opNJ, JOB_RUN_CHANGED);
    const agent = await subscribe(transport, keys.agent, JOB_RUN_CHANGED);
    try {
      await queueJobRun(customers.hz.regionId, `hz-${transport}`);
      await queueJobRun(customers.nj.regionId, `nj-${transport}`);
      expect((await operator.next()).data!.jobRunChanged).toMatchObject({ pluginId: 'live-test', jobId: `nj-${transport}`, region: 'JS-NJ-GL', status: 'QUEUED', progress: 0 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(agent.pending()).toEqual([]);
    } finally {
      await Promise.all([operator.close(), agent.close()]);
    }
  });
});

describe.each<Transport>(['SSE', 'graphql-ws'])('a revoked credential over %s', (transport) => {
  it('ends the subscription with UNAUTHENTICATED at the next event instead of delivering it', async () => {
    const key = await api.key({ role: 'operator', regionCodes: ['JS-NJ'], name: `revoked (${transport})` });
    const sub = await subscribe(transport, key, WARNING_RAISED);
    try {
      await api.ok(`mutation ($p: String!) { revokeApiKey(prefix: $p) { alreadyRevoked } }`, { p: key.split('_')[1] });
      await raiseWarning(customers.nj, `after-revoke-${transport}`);
      const refused = await sub.next();
      // The server ended the stream: nothing more would come.
      if ('ended' in sub) await sub.ended;
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked_key' });
    } finally {
      await sub.close();
    }
  });
});

describe('the front door for subscriptions', () => {
  it('refuses a WebSocket connection without a credential, or with a bad one, with 4401 and the reason', async () => {
    const anonymous = wsClient(api.server.url, null);
    expect(await anonymous.closed).toMatchObject({ code: 4401, reason: 'missing_credentials' });
    const bad = wsClient(api.server.url, 'wx_deadbeef00_notakey');
    expect(await bad.closed).toMatchObject({ code: 4401 });
    await Promise.all([anonymous.dispose(), bad.dispose()]);
  });

  it('refuses an SSE subscription without a credential with 401, before it listens', async () => {
    const sub = await subscribeSse(api.server.url, null, TASK_CHANGED);
    expect(sub.status).toBe(401);
    await sub.close();
  });

  it('applies the query limits to an operation over graphql-ws as over HTTP', async () => {
    const deep = `subscription { taskChanged { ${'customer { tasks { edges { node { '.repeat(4)}id${' } } } }'.repeat(4)} } }`;
    const sub = await subscribeWs(api.server.url, keys.agent, deep);
    await expect(sub.next()).rejects.toThrow(/LIMIT_EXCEEDED.*maxDepth|maxDepth.*LIMIT_EXCEEDED/);
    await sub.close();
  });

  it('applies the role check as the subscription starts (an integrator without read)', async () => {
    const ingester = await api.key({ role: 'integrator', scopes: ['ingest'], name: 'feed' });
    const sub = await subscribeSse(api.server.url, ingester, TASK_CHANGED);
    const refused = await sub.next();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await sub.close();
  });
});
