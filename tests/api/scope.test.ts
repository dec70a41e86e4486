/**
 * Every query, count, nested list, mutation and plugin field runs in the caller's scope, over real HTTP:
 * customers in Nanjing (JS-NJ), Suzhou (JS-SZ) and Hangzhou (ZJ-HZ); an admin, operators of JS-NJ and of
 * ZJ, an agent with tasks in two cities, a read integrator bounded to ZJ and an ingest integrator bounded
 * to JS. Out-of-scope reads are null or absent; out-of-scope writes fail and change nothing.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLHttpClient, GraphQLResponse } from '@weixi/testing';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const ECHO = {
  entry: fileURLToPath(new URL('../plugins/fixtures/scope-echo.ts', import.meta.url)),
  manifest: {
    id: 'echo',
    displayName: 'echo',
    description: 'echo fixture',
    version: '1.0.0',
    engines: { weixi: '^0.1.0' },
    capabilities: ['customers:read' as const, 'tasks:write' as const],
    contributes: {
      graphql: [
        { type: 'Query' as const, field: 'regions', description: 'regions' },
        { type: 'Query' as const, field: 'customerRegions', description: 'customers through the caller services' },
        { type: 'Query' as const, field: 'birthdays', description: 'birthdays through the caller services' },
        { type: 'Mutation' as const, field: 'openTask', description: 'a task through the caller services' },
        { type: 'Mutation' as const, field: 'touch', description: 'regions' },
        { type: 'Customer' as const, field: 'servedRegions', description: 'regions' },
      ],
      jobs: [{ id: 'noop', cron: '0 9 * * *', description: 'does nothing' }],
    },
  },
};

const MSISDN = { nj1: '13800000001', nj2: '13800000002', sz: '13800000003', hz: '13800000004' } as const;

let api: TestApi;
let admin: GraphQLHttpClient;
let as: Record<'opNJ' | 'opZJ' | 'agent' | 'reader' | 'ingester', GraphQLHttpClient>;
/** Global ids by name: customers (nj1, nj2, sz, hz), tasks (tNJ, tSZ, tHZ, tNJ2, tNJother), segments. */
const id: Record<string, string> = {};

const code = (r: GraphQLResponse) => r.errors?.[0]?.extensions?.code;

async function refused(client: GraphQLHttpClient, query: string, variables: Record<string, unknown>, expected: 'FORBIDDEN' | 'NOT_FOUND'): Promise<GraphQLResponse> {
  const r = await client.gql(query, variables);
  expect(r.errors, JSON.stringify(r)).toBeDefined();
  expect(code(r)).toBe(expected);
  return r;
}

beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins: [ECHO] });
  admin = api.as(api.adminKey);
  const up = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id msisdn } } }`, {
    c: [
      customerInput(MSISDN.nj1, { regionCode: 'JS-NJ-GL' }),
      customerInput(MSISDN.nj2, { regionCode: 'JS-NJ' }),
      customerInput(MSISDN.sz, { regionCode: 'JS-SZ' }),
      customerInput(MSISDN.hz, { regionCode: 'ZJ-HZ' }),
    ],
  });
  for (const c of up.upsertCustomers.customers) id[Object.entries(MSISDN).find(([, m]) => m === c.msisdn)![0]] = c.id;
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, {
    u: Object.values(MSISDN).map((msisdn) => ({ msisdn, month: '2026-10', revenueCents: 5000, activeDays: 20 })),
  });
  await api.ok(`mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`, {
    e: Object.values(MSISDN).map((msisdn) => ({ msisdn, type: 'complaint', occurredAt: '2026-11-01T10:00:00+08:00' })),
  });
  const task = async (name: string, customer: string, assignee: string | null) => {
    const r = await api.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
      input: { customerId: id[customer], reason: `care ${name}`, dueAt: '2026-12-01T00:00:00Z', ...(assignee ? { assignee } : {}) },
    });
    id[name] = r.createTask.task.id;
  };
  await task('tNJ', 'nj1', 'agent-7');
  await task('tSZ', 'sz', 'agent-7');
  await task('tHZ', 'hz', 'agent-9');
  await task('tNJ2', 'nj2', null);
  await task('tNJother', 'nj1', 'agent-9');
  const segment = async (name: string, regionCode: string | null) => {
    const r = await api.ok(`mutation ($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }`, {
      input: { name, definition: { field: { field: 'STATUS', op: 'EQ', value: 'active' } }, ...(regionCode ? { regionCode } : {}) },
    });
    id[name] = r.createSegment.segment.id;
    await api.ok(`mutation ($id: ID!) { refreshSegment(id: $id) { entered } }`, { id: id[name] });
  };
  await segment('Everyone', null);
  await segment('Jiangsu', 'JS');
  await segment('Zhejiang', 'ZJ');
  await api.ok(`mutation { enablePlugin(id: "echo") { plugin { status } } }`);
  for (const regionCode of ['JS-NJ', 'ZJ-HZ']) {
    await api.ok(`mutation ($r: String!) { runJob(pluginId: "echo", jobId: "noop", regionCode: $r) { run { id } } }`, { r: regionCode });
  }
  as = {
    opNJ: api.as(await api.key({ role: 'operator', regionCodes: ['JS-NJ'] })),
    opZJ: api.as(await api.key({ role: 'operator', regionCodes: ['ZJ'] })),
    agent: api.as(await api.key({ role: 'agent', agentId: 'agent-7' })),
    reader: api.as(await api.key({ role: 'integrator', scopes: ['read'], regionCodes: ['ZJ'] })),
    ingester: api.as(await api.key({ role: 'integrator', scopes: ['ingest'], regionCodes: ['JS'] })),
  };
});
afterAll(() => api.close());

const LISTS = `query {
  customers(first: 50) { totalCount edges { node { msisdn } } }
  tasks(first: 50) { totalCount edges { node { reason } } }
  regions(first: 50) { totalCount edges { node { code } } }
  segments { totalCount edges { node { name count members { totalCount edges { node { msisdn } } } } } }
}`;
const msisdnsOf = (conn: any) => conn.edges.map((e: any) => e.node.msisdn).sort();

describe('reads: lists and counts hold only what the caller sees', () => {
  it.each([
    ['admin', [MSISDN.nj1, MSISDN.nj2, MSISDN.sz, MSISDN.hz], ['care tHZ', 'care tNJ', 'care tNJ2', 'care tNJother', 'care tSZ'], ['JS', 'JS-NJ', 'JS-NJ-GL', 'JS-SZ', 'ZJ', 'ZJ-HZ'], { Everyone: 4, Jiangsu: 3, Zhejiang: 1 }],
    ['opNJ', [MSISDN.nj1, MSISDN.nj2], ['care tNJ', 'care tNJ2', 'care tNJother'], ['JS', 'JS-NJ', 'JS-NJ-GL'], { Everyone: 2, Jiangsu: 2 }],
    ['opZJ', [MSISDN.hz], ['care tHZ'], ['ZJ', 'ZJ-HZ'], { Everyone: 1, Zhejiang: 1 }],
    ['agent', [MSISDN.nj1, MSISDN.sz], ['care tNJ', 'care tSZ'], ['JS', 'JS-NJ', 'JS-NJ-GL', 'JS-SZ', 'ZJ', 'ZJ-HZ'], { Everyone: 2, Jiangsu: 2, Zhejiang: 0 }],
    ['reader', [MSISDN.hz], ['care tHZ'], ['ZJ', 'ZJ-HZ'], { Everyone: 1, Zhejiang: 1 }],
  ] as const)('%s', async (who, customers, tasks, regions, segments) => {
    const client = who === 'admin' ? admin : as[who];
    const r = await client.ok(LISTS);
    expect(msisdnsOf(r.customers)).toEqual(customers);
    expect(r.customers.totalCount).toBe(customers.length);
    expect(r.tasks.edges.map((e: any) => e.node.reason).sort()).toEqual(tasks);
    expect(r.tasks.totalCount).toBe(tasks.length);
    expect(r.regions.edges.map((e: any) => e.node.code)).toEqual(regions);
    expect(r.regions.totalCount).toBe(regions.length);
    const counts = Object.fromEntries(r.segments.edges.map((e: any) => [e.node.name, e.node.count]));
    expect(counts).toEqual(segments);
    expect(r.segments.totalCount).toBe(Object.keys(segments).length);
    for (const e of r.segments.edges) {
      // members and their total agree with the count, and are customers the caller sees
      expect(e.node.members.totalCount).toBe(e.node.count);
      for (const m of msisdnsOf(e.node.members)) expect(customers).toContain(m);
    }
  });

  it('nested lists follow their parent: an agent sees only its own tasks of a customer, and the tree only within its scope', async () => {
    const q = `query ($id: ID!) { customer(id: $id) {
      tasks { totalCount edges { node { reason transitions { totalCount } } } }
      usage { totalCount } events { totalCount } segments { edges { node { segment { name } } } }
      region { code parent { code children { edges { node { code } } } } }
    } }`;
    const byAdmin = (await admin.ok(q, { id: id.nj1 })).customer;
    const byAgent = (await as.agent.ok(q, { id: id.nj1 })).customer;
    expect(byAdmin.tasks.totalCount).toBe(2);
    expect(byAgent.tasks.totalCount).toBe(1);
    expect(byAgent.tasks.edges[0].node).toEqual({ reason: 'care tNJ', transitions: { totalCount: 1 } });
    expect(byAgent.usage.totalCount).toBe(1);
    expect(byAgent.events.totalCount).toBe(1);
    const byOperator = (await as.opNJ.ok(q, { id: id.nj1 })).customer;
    expect(byOperator.segments.edges.map((e: any) => e.node.segment.name).sort()).toEqual(['Everyone', 'Jiangsu']);
    // JS-NJ-GL's parent is JS-NJ; JS (an ancestor) is visible but its other city is not
    expect(byOperator.region.parent.code).toBe('JS-NJ');
    const province = await as.opNJ.ok(`{ region(code: "JS") { code children { totalCount edges { node { code } } } } }`);
    expect(province.region.children.edges.map((e: any) => e.node.code)).toEqual(['JS-NJ']);
  });

  it('job runs: operators see those of their regions; agents and integrators may not look', async () => {
    const RUNS = `{ jobRuns { totalCount edges { node { region } } } }`;
    expect((await admin.ok(RUNS)).jobRuns.totalCount).toBe(2);
    expect((await as.opNJ.ok(RUNS)).jobRuns.edges.map((e: any) => e.node.region)).toEqual(['JS-NJ']);
    expect((await as.opZJ.ok(RUNS)).jobRuns.edges.map((e: any) => e.node.region)).toEqual(['ZJ-HZ']);
    await refused(as.agent, RUNS, {}, 'FORBIDDEN');
    await refused(as.reader, RUNS, {}, 'FORBIDDEN');
  });

  it('an integrator without the read scope may not query customer data at all', async () => {
    const r = await refused(as.ingester, `{ customers { totalCount } }`, {}, 'FORBIDDEN');
    expect(r.errors![0]!.message).toMatch(/integrator key:\S+ may not read .*lacks the read scope/);
    expect(r.data?.customers ?? null).toBeNull();
  });

  it('an operator page of customers with nested lists costs the same statements for 1 and 2 customers', async () => {
    const PAGE = `query ($first: Int!) { customers(first: $first) { totalCount edges { node {
      region { code } tasks { totalCount edges { node { state } } } segments { edges { node { segment { name count } } } } usage { totalCount }
    } } } }`;
    const statements = async (first: number) => {
      let n = 0;
      const off = api.database.onStatement(() => n++);
      try {
        expect((await as.opNJ.ok(PAGE, { first })).customers.edges).toHaveLength(first);
      } finally {
        off();
      }
      return n;
    };
    // The fewest of three: the server's own background work (job polling, change notices) only adds statements.
    const fewest = async (first: number) => Math.min(await statements(first), await statements(first), await statements(first));
    await statements(1); // the key's first use of the minute notes last_used_at
    expect(await fewest(2)).toBe(await fewest(1));
  });
});

describe('reads: an object outside the scope reads as null, like a missing one', () => {
  const BY_ID = `query ($customer: ID!, $task: ID!, $segment: ID!, $msisdn: String!, $region: String!) {
    customer(id: $customer) { msisdn } node(id: $customer) { id } task(id: $task) { reason } segment(id: $segment) { name }
    customerByMsisdn(msisdn: $msisdn) { msisdn } region(code: $region) { code }
  }`;
  it.each([
    ['opNJ', { customer: 'hz', task: 'tHZ', segment: 'Zhejiang', msisdn: MSISDN.sz, region: 'JS-SZ' }],
    ['opZJ', { customer: 'nj1', task: 'tNJ', segment: 'Jiangsu', msisdn: MSISDN.nj2, region: 'JS' }],
    ['agent', { customer: 'nj2', task: 'tNJother', segment: 'Zhejiang', msisdn: MSISDN.hz, region: 'nowhere' }],
    ['reader', { customer: 'sz', task: 'tNJ2', segment: 'Jiangsu', msisdn: MSISDN.nj1, region: 'JS-NJ' }],
  ] as const)('%s', async (who, v) => {
    const vars = { customer: id[v.customer], task: id[v.task], segment: id[v.segment], msisdn: v.msisdn, region: v.region };
    const r = await as[who].ok(BY_ID, vars);
    // an agent bounded by no region sees every segment definition (only its own customers among the members)
    const segment = who === 'agent' ? { name: v.segment } : null;
    expect(r).toEqual({ customer: null, node: null, task: null, segment, customerByMsisdn: null, region: null });
    // the admin sees every one of them
    const all = await admin.ok(BY_ID, { ...vars, region: 'JS' });
    expect(Object.values(all).every((x) => x !== null)).toBe(true);
  });
});

describe('writes: refused outside the scope, and nothing changes', () => {
  const TASK = `query ($id: ID!) { task(id: $id) { state assignee } }`;
  const stateOf = async (name: string) => (await admin.ok(TASK, { id: id[name] })).task;

  it('operators: task mutations on tasks or customers outside their regions are NOT_FOUND', async () => {
    const before = await stateOf('tHZ');
    await refused(as.opNJ, `mutation ($id: ID!) { assignTask(id: $id, assignee: "x") { task { state } } }`, { id: id.tHZ }, 'NOT_FOUND');
    await refused(as.opNJ, `mutation ($id: ID!) { cancelTask(id: $id) { task { state } } }`, { id: id.tSZ }, 'NOT_FOUND');
    await refused(as.opNJ, `mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: id.tHZ }, 'NOT_FOUND');
    const tasksBefore = (await admin.ok(`{ tasks { totalCount } }`)).tasks.totalCount;
    await refused(as.opNJ, `mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
      input: { customerId: id.hz, reason: 'x', dueAt: '2026-12-01T00:00:00Z' },
    }, 'NOT_FOUND');
    expect(await stateOf('tHZ')).toEqual(before);
    expect((await stateOf('tSZ')).state).toBe('ASSIGNED');
    expect((await admin.ok(`{ tasks { totalCount } }`)).tasks.totalCount).toBe(tasksBefore);
    // in its own region it works, and the transition names the operator's key
    const ok = await as.opNJ.ok(`mutation ($id: ID!) { assignTask(id: $id, assignee: "agent-3") { task { state transitions { edges { node { actor } } } } } }`, { id: id.tNJ2 });
    expect(ok.assignTask.task.transitions.edges.at(-1).node.actor).toMatch(/^key:/);
  });

  it('agents: work their own tasks only, and may do nothing else', async () => {
    await refused(as.agent, `mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: id.tNJother }, 'NOT_FOUND');
    expect((await stateOf('tNJother')).state).toBe('ASSIGNED');
    const forbidden = await refused(as.agent, `mutation ($id: ID!) { assignTask(id: $id, assignee: "agent-7") { task { state } } }`, { id: id.tNJ }, 'FORBIDDEN');
    expect(forbidden.errors![0]!.message).toMatch(/^agent key:\S+ may not create, assign or cancel retention tasks/);
    await refused(as.agent, `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13800000099')] }, 'FORBIDDEN');
    await refused(as.agent, `mutation { echo_touch }`, {}, 'FORBIDDEN');
    await as.agent.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: id.tSZ });
    const done = await as.agent.ok(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED) { task { state outcome } } }`, { id: id.tSZ });
    expect(done.recordTaskOutcome.task).toEqual({ state: 'DONE', outcome: 'RETAINED' });
  });

  it('segments: operators change only segments owned in their regions; refresh admits only the owner subtree', async () => {
    const UPDATE = `mutation ($id: ID!) { updateSegment(id: $id, input: { description: "mine" }) { segment { id } } }`;
    await refused(as.opNJ, UPDATE, { id: id.Zhejiang }, 'NOT_FOUND');
    const national = await refused(as.opNJ, UPDATE, { id: id.Everyone }, 'FORBIDDEN');
    expect(national.errors![0]!.message).toContain('globally');
    const province = await refused(as.opNJ, `mutation ($id: ID!) { refreshSegment(id: $id) { entered } }`, { id: id.Jiangsu }, 'FORBIDDEN');
    expect(province.errors![0]!.message).toMatch(/operator key:\S+ may not create, change, delete or refresh segments in JS: it is outside JS-NJ/);
    await refused(as.opNJ, `mutation ($id: ID!) { deleteSegment(id: $id) { deletedId } }`, { id: id.Everyone }, 'FORBIDDEN');
    const CREATE = `mutation ($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id name region { code } } } }`;
    const everyone = { field: { field: 'STATUS', op: 'EQ', value: 'active' } };
    await refused(as.opNJ, CREATE, { input: { name: 'no owner', definition: everyone } }, 'FORBIDDEN');
    await refused(as.opNJ, CREATE, { input: { name: 'theirs', definition: everyone, regionCode: 'ZJ' } }, 'FORBIDDEN');
    expect((await admin.ok(`{ segments { totalCount } }`)).segments.totalCount).toBe(3);

    const mine = (await as.opNJ.ok(CREATE, { input: { name: 'Nanjing', definition: everyone, regionCode: 'JS-NJ' } })).createSegment.segment;
    expect(mine.region).toEqual({ code: 'JS-NJ' });
    const REFRESH = `mutation ($id: ID!) { refreshSegment(id: $id) { entered left segment { count members { edges { node { msisdn } } } } } }`;
    const refreshed = await as.opNJ.ok(REFRESH, { id: mine.id });
    expect(refreshed.refreshSegment).toMatchObject({ entered: 2, left: 0, segment: { count: 2 } });
    expect(msisdnsOf(refreshed.refreshSegment.segment.members)).toEqual([MSISDN.nj1, MSISDN.nj2]);
    // run by the admin, the refresh of a Nanjing segment still admits Nanjing customers only
    expect((await admin.ok(REFRESH, { id: mine.id })).refreshSegment).toMatchObject({ entered: 0, left: 0, segment: { count: 2 } });
    expect((await as.opZJ.ok(`query ($id: ID!) { segment(id: $id) { name } }`, { id: mine.id })).segment).toBeNull();
    await as.opNJ.ok(`mutation ($id: ID!) { deleteSegment(id: $id) { deletedId } }`, { id: mine.id });
  });

  it('the segment preview counts only the customers the caller sees', async () => {
    const PREVIEW = `{ segmentPreview(definition: { field: { field: STATUS, op: EQ, value: "active" } }) }`;
    expect((await admin.ok(PREVIEW)).segmentPreview).toBe(4);
    expect((await as.opNJ.ok(PREVIEW)).segmentPreview).toBe(2);
    expect((await as.agent.ok(PREVIEW)).segmentPreview).toBe(2);
  });

  it('tiers, plugins and jobs: admin-only and region-bound changes', async () => {
    await refused(as.opNJ, `mutation { refreshTiers { updated } }`, {}, 'FORBIDDEN');
    await refused(as.opNJ, `mutation { disablePlugin(id: "echo") { plugin { status } } }`, {}, 'FORBIDDEN');
    await refused(as.opNJ, `mutation { disablePlugin(id: "echo", regionCode: "ZJ-HZ") { plugin { status } } }`, {}, 'FORBIDDEN');
    await refused(as.opNJ, `mutation { updatePluginSettings(id: "echo", regionCode: "JS", settings: {}) { plugin { id } } }`, {}, 'FORBIDDEN');
    await refused(as.opNJ, `mutation { runJob(pluginId: "echo", jobId: "noop", regionCode: "ZJ-HZ") { run { id } } }`, {}, 'FORBIDDEN');
    await refused(as.reader, `{ plugins { totalCount } }`, {}, 'FORBIDDEN');
    await refused(as.agent, `mutation { pauseJob(pluginId: "echo", jobId: "noop", regionCode: "JS-NJ") { paused } }`, {}, 'FORBIDDEN');
    expect((await admin.ok(`{ plugin(id: "echo") { enabledRegions } }`)).plugin.enabledRegions).toHaveLength(6);
    expect((await admin.ok(`{ jobRuns { totalCount } }`)).jobRuns.totalCount).toBe(2);

    // within its own regions the operator may, and sees only its regions of the plugin
    await as.opNJ.ok(`mutation { runJob(pluginId: "echo", jobId: "noop", regionCode: "JS-NJ-GL") { run { id } } }`);
    await as.opNJ.ok(`mutation { disablePlugin(id: "echo", regionCode: "JS-NJ-GL") { plugin { id } } }`);
    const seen = await as.opNJ.ok(`{ plugin(id: "echo") { enabledRegions } }`);
    expect(seen.plugin.enabledRegions).toEqual(['JS-NJ']);
    await admin.ok(`mutation { enablePlugin(id: "echo", regionCode: "JS-NJ-GL") { plugin { id } } }`);
  });
});

describe('ingest: a batch with one item outside the caller regions writes nothing', () => {
  const UPSERT = `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created updated } }`;
  const regionOf = async (msisdn: string) => (await admin.ok(`query ($m: String!) { customerByMsisdn(msisdn: $m) { region { code } } }`, { m: msisdn })).customerByMsisdn?.region.code ?? null;

  it('new customers: one in Zhejiang rejects a Jiangsu integrator batch, naming the item', async () => {
    const r = await refused(as.ingester, UPSERT, { c: [customerInput('13800000011', { regionCode: 'JS-SZ' }), customerInput('13800000012', { regionCode: 'ZJ-HZ' })] }, 'FORBIDDEN');
    expect(r.errors![0]!.extensions!.issues).toEqual([{ path: 'customers[1].regionCode', message: 'ZJ-HZ is outside JS' }]);
    expect(await regionOf('13800000011')).toBeNull();
    expect(await regionOf('13800000012')).toBeNull();
    expect((await as.ingester.ok(UPSERT, { c: [customerInput('13800000011', { regionCode: 'JS-SZ' })] })).upsertCustomers.created).toBe(1);
  });

  it('an existing customer outside the regions cannot be taken over by an upsert', async () => {
    const r = await refused(as.ingester, UPSERT, { c: [customerInput(MSISDN.hz, { regionCode: 'JS-NJ' })] }, 'FORBIDDEN');
    // On PostgreSQL too, although row-level security hides that customer from the request itself.
    expect(r.errors![0]!.extensions!.issues).toEqual([{ path: 'customers[0].msisdn', message: `${MSISDN.hz} is a customer outside JS` }]);
    expect(await regionOf(MSISDN.hz)).toBe('ZJ-HZ');
    await refused(as.opZJ, UPSERT, { c: [customerInput(MSISDN.nj1, { regionCode: 'ZJ-HZ' })] }, 'FORBIDDEN');
    expect(await regionOf(MSISDN.nj1)).toBe('JS-NJ-GL');
  });

  it('usage and events naming a customer outside the regions reject the batch as not found', async () => {
    const USAGE = `mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`;
    const revenue = async () => (await admin.ok(`query ($id: ID!) { customer(id: $id) { usage { edges { node { revenueCents } } } } }`, { id: id.nj1 })).customer.usage.edges[0].node.revenueCents;
    const r = await refused(as.opNJ, USAGE, { u: [{ msisdn: MSISDN.nj1, month: '2026-10', revenueCents: 1 }, { customerId: id.hz, month: '2026-10', revenueCents: 1 }] }, 'NOT_FOUND');
    // exactly what a missing customer gives: nothing tells that it exists elsewhere
    expect(r.errors![0]!.extensions!.issues).toEqual([{ path: 'usage[1].customerId', message: expect.stringMatching(/^customer \d+ does not exist in JS-NJ$/) }]);
    const missing = await refused(as.opNJ, USAGE, { u: [{ msisdn: '13999999999', month: '2026-10' }] }, 'NOT_FOUND');
    expect(missing.errors![0]!.message).toBe('usage[0].msisdn: no customer in JS-NJ has MSISDN "13999999999"; nothing was written');
    expect(await revenue()).toBe(5000);

    const EVENTS = `mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`;
    const event = (msisdn: string) => ({ msisdn, type: 'port_out.inquiry', occurredAt: '2026-11-02T10:00:00+08:00' });
    await refused(as.ingester, EVENTS, { e: [event(MSISDN.sz), event(MSISDN.hz)] }, 'NOT_FOUND');
    const events = async () => (await admin.ok(`query ($id: ID!) { customer(id: $id) { events { totalCount } } }`, { id: id.sz })).customer.events.totalCount;
    expect(await events()).toBe(1);
    expect((await as.ingester.ok(EVENTS, { e: [event(MSISDN.sz)] })).recordEvents.recorded).toBe(1);
    expect(await events()).toBe(2);
  });
});

describe('plugin fields get the regions of the caller', () => {
  it.each([
    ['admin', 'all'],
    ['opNJ', ['JS-NJ', 'JS-NJ-GL']],
    ['opZJ', ['ZJ', 'ZJ-HZ']],
    ['agent', []],
    ['reader', ['ZJ', 'ZJ-HZ']],
  ] as const)('%s', async (who, regions) => {
    const client = who === 'admin' ? admin : as[who];
    expect((await client.ok(`{ echo_regions }`)).echo_regions).toEqual(regions);
    if (who === 'opNJ' || who === 'admin') expect((await client.ok(`mutation { echo_touch }`)).echo_touch).toEqual(regions);
  });

  it('on a customer the caller sees, the field runs with the caller regions; on another it never runs', async () => {
    const q = `query ($id: ID!) { customer(id: $id) { servedRegions } }`;
    expect((await as.opNJ.ok(q, { id: id.nj1 })).customer.servedRegions).toEqual(['JS-NJ', 'JS-NJ-GL']);
    expect((await as.opNJ.ok(q, { id: id.hz })).customer).toBeNull();
    await refused(as.ingester, `{ echo_regions }`, {}, 'FORBIDDEN');
  });

  it('a root field reads through the caller services: only customers the caller sees, no region outside its scope', async () => {
    const all = [id.nj1, id.nj2, id.sz, id.hz].map((g) => Number(Buffer.from(g!, 'base64').toString().split(':')[1]));
    const q = `query ($ids: JSON!) { echo_customerRegions(ids: $ids) }`;
    const every: string[] = (await admin.ok(q, { ids: all })).echo_customerRegions;
    expect(every).toHaveLength(4);
    expect((await as.opNJ.ok(q, { ids: all })).echo_customerRegions).toEqual(every.filter((r) => r.startsWith('JS-NJ')));
    expect((await as.opZJ.ok(q, { ids: all })).echo_customerRegions).toEqual(['ZJ-HZ']);
    const birthdays = `query ($r: String!) { echo_birthdays(regionCode: $r) }`;
    expect((await as.opNJ.gql(birthdays, { r: 'JS-NJ' })).errors).toBeUndefined();
    // A region outside the caller's scope is the caller's error (FORBIDDEN), not a failure of the plugin.
    const outside = await refused(as.opNJ, birthdays, { r: 'JS' }, 'FORBIDDEN');
    expect(outside.errors![0]!.message).toMatch(/may not read region JS/);
    const { plugin } = await admin.ok(`{ plugin(id: "echo") { health { consecutiveFailures lastError } } }`);
    expect(plugin.health.filter((h: { lastError: string | null }) => h.lastError !== null)).toEqual([]);
    // A write through them for a customer the caller cannot see fails and opens nothing (as a
    // failure of the field: who is at fault for an id that does not resolve is not known).
    const [nj1, hz] = [all[0]!, all[3]!];
    const open = `mutation ($c: Int!, $k: String!) { echo_openTask(customerId: $c, key: $k) }`;
    const tasksOf = async (g: string) => (await admin.ok(`query ($id: ID!) { customer(id: $id) { tasks { totalCount } } }`, { id: g })).customer.tasks.totalCount;
    const hzTasks = await tasksOf(id.hz!);
    expect((await as.opNJ.gql(open, { c: hz, k: 'echo-hz' })).errors?.length).toBeGreaterThan(0);
    expect(await tasksOf(id.hz!)).toBe(hzTasks);
    expect((await as.opNJ.ok(open, { c: nj1, k: 'echo-nj' })).echo_openTask.created).toBe(true);
  });
});
