/**
 * Pages select only the columns their fields read (packages/graphql/src/projection.ts). Every field of a
 * customer and of a task, asked alone through a page (projected rows), answers what it answers through
 * `node` (whole rows from the loaders), so a field that reads a column it does not declare fails here; the
 * statements of everyday pages leave out the columns no field asked for; and a projected row never
 * reaches another field of the same request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  const inputs = [
    customerInput('13800000001', { birthday: '1990-02-03', device: 'P60', attributes: { interests: ['5G'] } }),
    customerInput('13800000002', { regionCode: 'JS-SZ' }),
  ];
  const { upsertCustomers } = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: inputs });
  const ids = upsertCustomers.customers.map((c: { id: string }) => c.id) as string[];
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, {
    u: inputs.map((c, i) => ({ msisdn: c.msisdn, month: '2026-10', revenueCents: 100 + i })),
  });
  for (const [i, id] of ids.entries()) {
    await api.ok(`mutation ($c: ID!) { createTask(input: { customerId: $c, reason: "r${i}", assignee: "agent-1", script: "s${i}", dueAt: "2026-12-01T00:00:00Z" }) { task { id } } }`, { c: id });
  }
});
afterAll(() => api?.close());

interface FieldInfo {
  name: string;
  args: { type: { kind: string } }[];
  type: { kind: string; name: string | null; ofType: FieldInfo['type'] | null };
}

async function fieldsOf(typeName: string): Promise<FieldInfo[]> {
  const type = `type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;
  const { __type } = await api.ok<any>(`{ __type(name: "${typeName}") { fields { name args { type { kind } } ${type} } } }`);
  return __type.fields;
}

/** The field asked with the least selection that still resolves what it returns. */
function selection(field: FieldInfo): string {
  let type = field.type;
  while (type.ofType) type = type.ofType;
  if (type.kind !== 'OBJECT' && type.kind !== 'INTERFACE' && type.kind !== 'UNION') return field.name;
  return type.name?.endsWith('Connection') ? `${field.name} { totalCount edges { cursor node { __typename } } }` : `${field.name} { __typename }`;
}

/** Fields with a required argument are left out (none of a customer's or a task's has one today). */
const askable = (f: FieldInfo) => f.args.every((a) => a.type.kind !== 'NON_NULL');

const edges = (connection: any) => connection.edges.map((e: any) => e.node);

describe.each([
  ['Customer', 'the customers page', (s: string) => `{ customers(first: 5) { edges { node { id ${s} } } } }`, (d: any) => edges(d.customers)],
  ['RetentionTask', 'the task list', (s: string) => `{ tasks(first: 5) { edges { node { id ${s} } } } }`, (d: any) => edges(d.tasks)],
  // Nested pages fetched with their parents (prefetch.ts), projected too.
  ['RetentionTask', "a customer's tasks", (s: string) => `{ customers(first: 5) { edges { node { tasks(first: 2) { edges { node { id ${s} } } } } } } }`, (d: any) => edges(d.customers).flatMap((c: any) => edges(c.tasks))],
  ['Customer', "a task's customer", (s: string) => `{ tasks(first: 5) { edges { node { customer { id ${s} } } } } }`, (d: any) => edges(d.tasks).map((t: any) => t.customer)],
] as const)('every field of %s, through %s', (typeName, _through, page, nodesOf) => {
  it('answers what it answers through node', async () => {
    const fields = (await fieldsOf(typeName)).filter(askable);
    expect(fields.length).toBeGreaterThan(15);
    for (const field of fields) {
      const nodes = nodesOf(await api.ok<any>(page(selection(field))));
      expect(nodes.length, field.name).toBeGreaterThan(0);
      for (const node of nodes) {
        const one = await api.ok<any>(`query ($id: ID!) { node(id: $id) { ... on ${typeName} { id ${selection(field)} } } }`, { id: node.id });
        expect(node, `${typeName}.${field.name}`).toEqual(one.node);
      }
    }
  });
});

/** The statements `query` sends. */
async function statementsOf(query: string): Promise<string[]> {
  const statements: string[] = [];
  const stop = api.database.onStatement((text) => statements.push(text));
  try {
    await api.ok(query);
  } finally {
    stop();
  }
  return statements.filter((s) => !/set_config/.test(s));
}

it("selects only the columns a page's fields read, nested ones included", async () => {
  const [page] = await statementsOf(`{ customers(first: 20) { edges { node { msisdn name tier region { code }
    usage(months: 3) { edges { node { month revenueCents } } } tasks(first: 3) { edges { node { state dueAt } } } } } } }`);
  expect(page).toMatch(/^select "id", "msisdn", "name", "region_id", "tier", \(/);
  // Columns nobody asked for, of the customer, its usage and its tasks.
  for (const unread of ['"attributes"', '"balance_cents"', '"voice_minutes"', '"script"']) expect(page).not.toContain(unread);
  expect(page).not.toMatch(/row_to_json\("(customers|weixi_page)"\)/);

  const [tasks] = await statementsOf(`{ tasks(first: 20) { edges { node { state reason dueAt customer { msisdn name tier } } } } }`);
  for (const unread of ['"script"', '"idempotency_key"', '"attributes"', '"balance_cents"']) expect(tasks).not.toContain(unread);
});

it('keeps projected rows to their own fields: the same customer asked elsewhere in the request is whole', async () => {
  const { tasks } = await api.ok<any>(`{ tasks(first: 1) { edges { node { customer { id msisdn } } } } }`);
  const id = tasks.edges[0].node.customer.id as string;
  const both = await api.ok<any>(`query ($id: ID!) {
    tasks(first: 1) { edges { node { customer { msisdn } } } }
    node(id: $id) { ... on Customer { msisdn device birthday attributes plan } }
  }`, { id });
  const alone = await api.ok<any>(`query ($id: ID!) { node(id: $id) { ... on Customer { msisdn device birthday attributes plan } } }`, { id });
  expect(both.node).toEqual(alone.node);
  expect(both.node.plan).toBeTruthy();
});
