/**
 * A page's nested fields come in the page's own statement (packages/graphql/src/prefetch.ts): the
 * customers page with region, usage and tasks, and the task list with each task's customer, answer exactly
 * what the loaders answer one customer at a time, for an admin, an operator of one city and an agent, and
 * in fewer statements (counted, not timed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
const keys: Record<string, string> = {};

const PAGE = `{ customers(first: 20) { pageInfo { hasNextPage } edges { node {
  id msisdn tier status region { code name }
  usage(months: 3) { edges { node { month revenueCents } } }
  tasks(first: 2) { pageInfo { hasNextPage } edges { node { id state dueAt } } }
} } } }`;

/** The same fields asked of one customer at a time: root `node`, so every nested field goes through its loader. */
const ONE = `query ($id: ID!) { node(id: $id) { ... on Customer {
  id msisdn tier status region { code name }
  usage(months: 3) { edges { node { month revenueCents } } }
  tasks(first: 2) { pageInfo { hasNextPage } edges { node { id state dueAt } } }
} } }`;

const TASKS = `{ tasks(first: 20) { edges { node { id state dueAt customer { id msisdn name tier region { code } } } } } }`;
const TASK_ONE = `query ($id: ID!) { node(id: $id) { ... on RetentionTask { id state dueAt customer { id msisdn name tier region { code } } } } }`;

beforeAll(async () => {
  api = await startTestApi();
  const inputs = [
    customerInput('13800000001'),
    customerInput('13800000002'),
    customerInput('13800000003', { regionCode: 'JS-SZ' }),
    customerInput('13800000004', { regionCode: 'ZJ-HZ' }),
  ];
  const { upsertCustomers } = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: inputs });
  const ids = upsertCustomers.customers.map((c: { id: string }) => c.id) as string[];
  const usage = inputs.flatMap((c, i) => ['2026-07', '2026-08', '2026-09', '2026-10'].map((month, m) => ({ msisdn: c.msisdn, month, revenueCents: 100 * i + m })));
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, { u: usage });
  for (const [i, id] of ids.entries()) {
    for (let t = 0; t <= i; t++) {
      const assignee = t === 0 ? 'agent-1' : 'agent-2';
      await api.ok(`mutation ($c: ID!, $a: String) { createTask(input: { customerId: $c, reason: "r${t}", assignee: $a, dueAt: "2026-12-0${t + 1}T00:00:00Z" }) { task { id } } }`, { c: id, a: assignee });
    }
  }
  keys.admin = api.adminKey;
  keys.operator = await api.key({ role: 'operator', regionCodes: ['JS-NJ'], name: 'nj' });
  keys.agent = await api.key({ role: 'agent', agentId: 'agent-2', name: 'agent' });
  // A key's first request looks it up; later ones use the remembered principal.
  for (const key of Object.values(keys)) await api.as(key).ok('{ __typename }');
});
afterAll(() => api?.close());

/** Statements sent through drizzle while `run` runs (the scope statement of row security included). */
async function counted<T>(run: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = api.database.onStatement((text) => statements.push(text));
  try {
    return { value: await run(), statements };
  } finally {
    stop();
  }
}

/**
 * Asks `list` (a root connection) as `role`, then each of its nodes alone through `one`; returns the list's
 * nodes and the statements the list took, leaving out the scope statement of row security.
 */
async function listAndEach(role: string, list: string, one: string, root: string): Promise<{ nodes: any[]; statements: string[] }> {
  const client = api.as(keys[role]!);
  // The key's principal is remembered only for a moment: look it up again now, so a slow machine does not count it.
  await client.ok('{ __typename }');
  const { value, statements } = await counted(() => client.ok<any>(list));
  const nodes = value[root].edges.map((e: any) => e.node);
  expect(nodes.length).toBeGreaterThan(0);
  for (const node of nodes) expect(node).toEqual((await client.ok<any>(one, { id: node.id })).node);
  return { nodes, statements: statements.filter((s) => !/set_config/.test(s)) };
}

describe.each(['admin', 'operator', 'agent'])('as %s', (role) => {
  it('answers the customers page as the loaders answer each customer, in one statement (plus the scope)', async () => {
    const { nodes, statements } = await listAndEach(role, PAGE, ONE, 'customers');
    expect(statements, statements.map((s) => s.slice(0, 200)).join('\n')).toHaveLength(1);
    if (role === 'operator') expect(nodes.map((n: any) => n.region.code)).toEqual(['JS-NJ-GL', 'JS-NJ-GL']);
    if (role === 'agent') expect(nodes.map((n: any) => n.msisdn)).toEqual(['13800000002', '13800000003', '13800000004']);
  });

  it('answers the task list as the loaders answer each task, in two statements (plus the scope)', async () => {
    const { statements } = await listAndEach(role, TASKS, TASK_ONE, 'tasks');
    // The task list with its customers; their regions come from the region loader.
    expect(statements).toHaveLength(2);
  });
});

it('leaves a nested connection with a cursor to its loader', async () => {
  const { customers } = await api.ok<any>(`{ customers(first: 1) { edges { node { tasks(first: 1) { pageInfo { endCursor } } } } } }`);
  const cursor = customers.edges[0].node.tasks.pageInfo.endCursor as string;
  const query = `query ($after: String) { customers(first: 1) { edges { node { tasks(first: 1, after: $after) { edges { node { reason } } } } } } }`;
  const { value, statements } = await counted(() => api.ok<any>(query, { after: cursor }));
  expect(statements).toHaveLength(2);
  expect(value.customers.edges[0].node.tasks.edges).toEqual([]);
});
