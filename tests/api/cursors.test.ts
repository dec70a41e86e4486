/**
 * Crafted cursors: every connection that takes `after`/`before`, found by introspecting the running schema
 * (root fields directly, nested ones through `node(id:)` on a sample of their type), and customers in
 * each order, gets cursors that fit no ordering (non-finite numbers, objects, wrong arity, not JSON). Each
 * must be BAD_USER_INPUT naming the argument, never an internal error; a cursor the connection returned
 * keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
const b64 = (json: string) => Buffer.from(json).toString('base64url');
/** Cursors that fit no connection's ordering. */
const MALFORMED = ['[1e309,1]', '[1,{"a":1}]', '[]', '"x"', '[1,2,3,4]', '[null]', '[1.5]'].map(b64).concat(['%%% not base64 %%%', b64('{')]);
/** Fits a text-then-id ordering (as a plain value compared as text); anywhere else it must be refused. */
const SQL_LIKE = b64('["1 or 1=1",1]');

/** A sample object per type whose connections are reached through `node(id:)`. */
const samples = new Map<string, string>();
const connections: Array<{ type: string; field: string }> = [];
let customerOrders: string[] = [];

beforeAll(async () => {
  api = await startTestApi();
  const c = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13400000001'), customerInput('13400000002')] });
  samples.set('Customer', c.upsertCustomers.customers[0].id);
  const t = await api.ok(`mutation ($id: ID!) { createTask(input: { customerId: $id, reason: "x", dueAt: "2026-12-01T00:00:00Z" }) { task { id } } }`, { id: samples.get('Customer') });
  samples.set('RetentionTask', t.createTask.task.id);
  const s = await api.ok(`mutation { createSegment(input: { name: "all", definition: { tier: { in: [ORDINARY] } } }) { segment { id } } }`);
  samples.set('Segment', s.createSegment.segment.id);
  const r = await api.ok(`query { regions(first: 1) { edges { node { id } } } }`);
  samples.set('Region', r.regions.edges[0].node.id);

  const schema = await api.ok(`query { __schema { queryType { name } types { name kind fields { name args { name } } } }
    order: __type(name: "CustomerOrderField") { enumValues { name } } }`);
  for (const type of schema.__schema.types) {
    if (type.kind !== 'OBJECT' || type.name.startsWith('__')) continue;
    for (const field of type.fields ?? []) {
      if (field.args.some((a: { name: string }) => a.name === 'after')) connections.push({ type: type.name, field: field.name });
    }
  }
  customerOrders = schema.order.enumValues.flatMap((v: { name: string }) => [`{ field: ${v.name}, direction: ASC }`, `{ field: ${v.name}, direction: DESC }`]);
});
afterAll(() => api?.close());

/** The query paging one connection from `cursor`, at the root or through node(id:) on a sample. */
function pageQuery(type: string, field: string, arg: 'after' | 'before', extra = ''): string {
  const page = `${field}(${arg}: $cursor, first: 2${extra}) { edges { cursor } }`;
  if (type === 'Query') return `query ($cursor: String!) { ${page} }`;
  const id = samples.get(type);
  if (!id) throw new Error(`no sample of ${type} to reach its connection ${field}: add one to this test`);
  return `query ($cursor: String!) { node(id: "${id}") { ... on ${type} { ${page} } } }`;
}

function expectRefused(response: Awaited<ReturnType<TestApi['gql']>>, arg: string, what: string): void {
  const error = response.errors?.[0];
  expect(error?.extensions?.code, `${what}: ${JSON.stringify(response.errors ?? response.data)}`).toBe('BAD_USER_INPUT');
  expect(error!.extensions!.issues).toEqual([{ path: arg, message: expect.stringContaining('is not a cursor of this connection') }]);
}

describe('crafted cursors', () => {
  it('finds the connections in the schema', () => {
    expect(connections.length).toBeGreaterThanOrEqual(16);
    expect(connections).toContainEqual({ type: 'Query', field: 'customers' });
    expect(connections).toContainEqual({ type: 'Segment', field: 'members' });
  });

  it('every connection answers BAD_USER_INPUT naming after or before, never an internal error', async () => {
    for (const { type, field } of connections) {
      const orders = type === 'Query' && field === 'customers' ? customerOrders.map((o) => `, orderBy: ${o}`) : [''];
      for (const order of orders) {
        for (const cursor of MALFORMED) {
          expectRefused(await api.gql(pageQuery(type, field, 'after', order), { cursor }), 'after', `${type}.${field}${order} after ${cursor}`);
        }
        expectRefused(await api.gql(pageQuery(type, field, 'before', order), { cursor: MALFORMED[0] }), 'before', `${type}.${field}${order} before`);
        const sqlLike = await api.gql(pageQuery(type, field, 'after', order), { cursor: SQL_LIKE });
        if (sqlLike.errors) expectRefused(sqlLike, 'after', `${type}.${field}${order} after ["1 or 1=1",1]`);
      }
    }
  });

  it('a text order takes a text position as a plain value; an id order refuses it', async () => {
    const byName = await api.gql(`query ($c: String!) { customers(after: $c, orderBy: { field: NAME, direction: ASC }) { edges { node { msisdn } } } }`, { c: SQL_LIKE });
    expect(byName.errors).toBeUndefined();
    expectRefused(await api.gql(`query ($c: String!) { customers(after: $c) { edges { cursor } } }`, { c: SQL_LIKE }), 'after', 'by id');
  });

  it('cursors the connection returned still page, in every customer order', async () => {
    for (const order of customerOrders) {
      const first = await api.ok(`query { customers(first: 1, orderBy: ${order}) { edges { node { msisdn } } pageInfo { endCursor } } }`);
      const next = await api.ok(`query ($c: String!) { customers(first: 1, after: $c, orderBy: ${order}) { edges { node { msisdn } } } }`, { c: first.customers.pageInfo.endCursor });
      expect(next.customers.edges).toHaveLength(1);
      expect(next.customers.edges[0].node.msisdn).not.toBe(first.customers.edges[0].node.msisdn);
    }
    const events = await api.ok(`query { tasks(first: 1) { pageInfo { endCursor } } }`);
    expect((await api.ok(`query ($c: String!) { tasks(after: $c) { edges { cursor } } }`, { c: events.tasks.pageInfo.endCursor })).tasks.edges).toEqual([]);
  });
});
