/**
 * Row-level security, the second enforcement of region scope: a test-only schema whose resolvers read and
 * write through the request's database with no scope predicate at all, served by the real server (same
 * authentication, same per-request transaction). On PostgreSQL the policies alone must keep every row
 * outside the caller's scope out of reach; on PGlite, which has no per-request transaction (one session),
 * the same unscoped reads see everything: there the application's predicates are the only enforcement.
 * The policies themselves are checked on both engines in an explicit scoped transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { rowScopeSql, type Principal } from '@weixi/core/access';
import { openDatabase, type Db } from '@weixi/db';
import { testDatabaseKind } from '@weixi/db/testing';
import type { WeixiContext } from '@weixi/graphql';
import { createLogger, startServer, type WeixiServer } from '@weixi/platform';
import { globalId, graphqlHttpClient, localId } from '@weixi/testing';
import { LiveBus } from '@weixi/live';
import { customerInput, startTestApi, type TestApi } from './harness.js';
import { subscribeSse } from './live-clients.js';

const onPostgres = testDatabaseKind() === 'postgres';

async function rows(db: Db, statement: string): Promise<Array<Record<string, unknown>>> {
  const result = (await db.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows);
}

/** Deliberately unscoped statements: each returns one integer column `v`. */
const RAW: Record<string, string> = {
  customers: 'select id as v from customers',
  usage: 'select customer_id as v from monthly_usage',
  tasks: 'select id as v from retention_tasks',
  transitions: 'select task_id as v from task_transitions',
};

const ints = (list: Array<Record<string, unknown>>) => list.map((r) => Number(r.v)).sort((a, b) => a - b);
const intList = new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLInt)));

/**
 * The probe: what a resolver that forgot its scope would read and write. `outside` stands for work that
 * uses the pool rather than the request's transaction (plugin services, the job runner).
 */
const probeSchema = (outside: Db) => new GraphQLSchema({
  query: new GraphQLObjectType<unknown, WeixiContext>({
    name: 'Query',
    fields: {
      raw: {
        type: intList,
        args: { table: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: async (_root, args: { table: string }, ctx) => ints(await rows(ctx.database.db, RAW[args.table]!)),
      },
      outside: {
        type: new GraphQLNonNull(GraphQLInt),
        resolve: async (_root, _args, ctx) => {
          await rows(ctx.database.db, 'select pg_sleep(0.05)'); // holds the request's connection meanwhile
          return Number((await rows(outside, 'select count(*)::int as v from customers'))[0]!.v);
        },
      },
      session: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: async (_root, _args, ctx) =>
          String((await rows(ctx.database.db, `select current_user || ' ' || coalesce(current_setting('weixi.role', true), '') as v`))[0]!.v),
      },
    },
  }),
  subscription: new GraphQLObjectType<unknown, WeixiContext>({
    name: 'Subscription',
    fields: {
      // Each changed task id, re-read without a scope predicate.
      rawTask: {
        type: GraphQLInt,
        subscribe: (_root, _args, ctx) => ctx.live!.stream('task'),
        resolve: async (taskId: unknown, _args, ctx) => ints(await rows(ctx.database.db, `select id as v from retention_tasks where id = ${Number(taskId)}`))[0] ?? null,
      },
    },
  }),
  mutation: new GraphQLObjectType<unknown, WeixiContext>({
    name: 'Mutation',
    fields: {
      repriceAll: {
        type: intList,
        resolve: async (_root, _args, ctx) => ints(await rows(ctx.database.db, `update customers set plan = 'RAW' returning id as v`)),
      },
      taskForEveryone: {
        type: intList,
        resolve: async (_root, _args, ctx) =>
          ints(await rows(ctx.database.db, `insert into retention_tasks (customer_id, reason, due_at) select id, 'raw', now() from customers returning customer_id as v`)),
      },
      taskFor: {
        type: intList,
        args: { customerId: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_root, args: { customerId: number }, ctx) =>
          ints(await rows(ctx.database.db, `insert into retention_tasks (customer_id, reason, due_at) values (${Number(args.customerId)}, 'raw', now()) returning customer_id as v`)),
      },
    },
  }),
});

let api: TestApi;
let probe: WeixiServer;
/** The probe server's live notices, published by the test itself. */
const live = new LiveBus();
/** What the probe server logged: a write the policies refused is a resolver bug, logged as an error. */
const logged: string[] = [];
const logger = createLogger('error', (line) => {
  logged.push(line);
  return true;
});
/** Customer ids by the region code they live in. */
const id: Record<string, number> = {};
/** Task ids: agent-7's on JS-NJ-GL and JS-SZ, agent-9's on ZJ-HZ, an open one on JS-NJ. */
const task: Record<string, number> = {};
let keys: Record<'operator' | 'agent' | 'agentNj' | 'integrator' | 'wide', string>;

/** Sorted customer ids (`customersIn`) or task ids (`tasksOn`) by region code, as the probe returns them. */
const sorted = (from: Record<string, number>, codes: string[]) => codes.map((c) => from[c]!).sort((a, b) => a - b);
const customersIn = (...codes: string[]) => sorted(id, codes);
const tasksOn = (...codes: string[]) => sorted(task, codes);

const raw = async (key: string, table: keyof typeof RAW) => {
  const r = await graphqlHttpClient(probe.url, key).ok<{ raw: number[] }>(`query ($t: String!) { raw(table: $t) }`, { t: table });
  return r.raw;
};
const all = (table: keyof typeof RAW) => rows(api.database.db, RAW[table]!).then(ints);

beforeAll(async () => {
  api = await startTestApi();
  const codes = ['JS-NJ-GL', 'JS-NJ', 'JS-SZ', 'ZJ-HZ'];
  const created = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id region { code } } } }`, {
    c: codes.map((regionCode, i) => customerInput(`1390000000${i}`, { regionCode })),
  });
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, {
    u: codes.map((_c, i) => ({ msisdn: `1390000000${i}`, month: '2026-10', revenueCents: 100 * (i + 1), activeDays: 20 })),
  });
  for (const c of created.upsertCustomers.customers) id[c.region.code] = localId(c.id);
  const plans: Array<[string, string | null]> = [['JS-NJ-GL', 'agent-7'], ['JS-SZ', 'agent-7'], ['ZJ-HZ', 'agent-9'], ['JS-NJ', null]];
  for (const [code, assignee] of plans) {
    const r = await api.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, {
      input: { customerId: globalId('Customer', id[code]!), reason: 'contract ends', dueAt: '2026-12-01T00:00:00Z', ...(assignee ? { assignee } : {}) },
    });
    task[code] = localId(r.createTask.task.id);
  }
  keys = {
    operator: await api.key({ role: 'operator', regionCodes: ['JS-NJ'] }),
    agent: await api.key({ role: 'agent', agentId: 'agent-7' }),
    agentNj: await api.key({ role: 'agent', agentId: 'agent-7', regionCodes: ['JS-NJ'] }),
    integrator: await api.key({ role: 'integrator', scopes: ['read'], regionCodes: ['ZJ'] }),
    wide: await api.key({ role: 'integrator', scopes: ['read'] }),
  };
  probe = await startServer({ database: api.database, schema: probeSchema(api.database.db), clock: api.clock, logger, live });
});
afterAll(async () => {
  await probe?.close();
  await api?.close();
});

describe.runIf(onPostgres)('row-level security on PostgreSQL, through an unscoped resolver', () => {
  it('shows an operator only its region subtree, and everything to an admin', async () => {
    expect(await raw(keys.operator, 'customers')).toEqual(customersIn('JS-NJ-GL', 'JS-NJ'));
    expect(await raw(keys.operator, 'usage')).toEqual(customersIn('JS-NJ-GL', 'JS-NJ'));
    expect(await raw(keys.operator, 'tasks')).toEqual(tasksOn('JS-NJ-GL', 'JS-NJ'));
    expect(await raw(keys.operator, 'transitions')).toEqual(tasksOn('JS-NJ-GL', 'JS-NJ'));
    expect(await raw(keys.integrator, 'customers')).toEqual(customersIn('ZJ-HZ'));
    expect(await raw(api.adminKey, 'customers')).toEqual(await all('customers'));
    expect(await raw(keys.wide, 'customers')).toEqual(await all('customers'));
    expect(await raw(api.adminKey, 'customers')).toHaveLength(4);
  });

  it('shows an agent only its tasks and their customers, bounded by its regions when it has any', async () => {
    expect(await raw(keys.agent, 'customers')).toEqual(customersIn('JS-NJ-GL', 'JS-SZ'));
    expect(await raw(keys.agent, 'tasks')).toEqual(tasksOn('JS-NJ-GL', 'JS-SZ'));
    expect(await raw(keys.agent, 'usage')).toEqual(customersIn('JS-NJ-GL', 'JS-SZ'));
    expect(await raw(keys.agentNj, 'customers')).toEqual(customersIn('JS-NJ-GL'));
    expect(await raw(keys.agentNj, 'transitions')).toEqual(tasksOn('JS-NJ-GL'));
  });

  it('delivers a subscription event only for a row in scope, though its resolver reads without a predicate', async () => {
    const sub = await subscribeSse(probe.url, keys.operator, `subscription { rawTask }`);
    try {
      live.publish({ kind: 'task', ids: [task['ZJ-HZ']!, task['JS-SZ']!, task['JS-NJ']!] });
      expect((await sub.next()).data).toEqual({ rawTask: task['JS-NJ'] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sub.pending()).toEqual([]);
    } finally {
      await sub.close();
    }
  });

  it('lets an unscoped update change only rows in scope', async () => {
    const changed = await graphqlHttpClient(probe.url, keys.operator).ok<{ repriceAll: number[] }>(`mutation { repriceAll }`);
    expect(changed.repriceAll).toEqual(customersIn('JS-NJ-GL', 'JS-NJ'));
    expect(ints(await rows(api.database.db, `select id as v from customers where plan = 'RAW'`))).toEqual(changed.repriceAll);
  });

  it('refuses a write outside the scope, and rolls back the whole request rather than half of it', async () => {
    const before = await all('tasks');
    const operator = graphqlHttpClient(probe.url, keys.operator);
    // Inserting from an unscoped select creates tasks for visible customers only.
    const inserted = await operator.ok<{ taskForEveryone: number[] }>(`mutation { taskForEveryone }`);
    expect(inserted.taskForEveryone).toEqual(customersIn('JS-NJ-GL', 'JS-NJ'));
    const afterInsert = await all('tasks');
    expect(afterInsert).toHaveLength(before.length + 2);

    const mixed = await operator.gql(`mutation { inScope: taskFor(customerId: ${id['JS-NJ']}) outside: taskFor(customerId: ${id['ZJ-HZ']}) }`);
    expect(mixed.data).toBeNull();
    expect(mixed.errors!.map((e) => e.path?.join('.') ?? e.extensions?.code)).toEqual(['outside', 'ROLLED_BACK']);
    expect(mixed.errors![1]!.message).toBe("a database error ended the request's transaction; nothing it wrote was kept");
    expect(await all('tasks')).toEqual(afterInsert);
    expect(logged.some((line) => line.includes('request failed'))).toBe(true);
  });

  it('ends the scope with the request: the next request on the same connection is unscoped again', async () => {
    // One connection, so every request below runs on the one the scoped request used.
    const database = await openDatabase({ url: api.database.url, maxConnections: 1 });
    const server = await startServer({ database, schema: probeSchema(database.db), clock: api.clock, logger });
    try {
      const session = (key: string) => graphqlHttpClient(server.url, key).ok<{ session: string }>(`{ session }`).then((r) => r.session);
      expect(await session(keys.operator)).toBe('weixi_scoped operator');
      const owner = String((await rows(database.db, 'select current_user as v'))[0]!.v);
      expect(await session(api.adminKey)).toBe(`${owner} `);
      expect(await rows(database.db, `select current_user as u, coalesce(current_setting('weixi.region_paths', true), '') as p`)).toEqual([{ u: owner, p: '' }]);
      // Requests at once, pipelined on the one connection: each statement runs with its own request's scope.
      const keysAtOnce = Array.from({ length: 12 }, (_, i) => [keys.operator, api.adminKey, keys.agent][i % 3]!);
      expect(await Promise.all(keysAtOnce.map(session))).toEqual(keysAtOnce.map((key) =>
        key === api.adminKey ? `${owner} ` : key === keys.agent ? 'weixi_scoped agent' : 'weixi_scoped operator'));
      // A scoped request that failed in the database leaves nothing behind either.
      await graphqlHttpClient(server.url, keys.operator).gql(`mutation { taskFor(customerId: ${id['ZJ-HZ']}) }`);
      expect(await session(api.adminKey)).toBe(`${owner} `);
    } finally {
      await server.close();
      await database.close();
    }
  });
  it('never lets request transactions hold every pooled connection while they wait for one more', async () => {
    const database = await openDatabase({ url: api.database.url, maxConnections: 2 });
    const server = await startServer({ database, schema: probeSchema(database.db), clock: api.clock, logger });
    try {
      const operator = graphqlHttpClient(server.url, keys.operator);
      const answers = await Promise.all(Array.from({ length: 4 }, () => operator.ok<{ outside: number }>(`{ outside }`)));
      // Outside the transaction the owner counts every customer.
      expect(answers.map((a) => a.outside)).toEqual(Array(4).fill((await all('customers')).length));
    } finally {
      await server.close();
      await database.close();
    }
  }, 20_000);
});

describe.runIf(!onPostgres)('on PGlite (one session, no request transaction)', () => {
  it('relies on the application scope alone: an unscoped resolver sees every row', async () => {
    expect(await raw(keys.operator, 'customers')).toEqual(await all('customers'));
    expect((await graphqlHttpClient(probe.url, keys.operator).ok<{ session: string }>(`{ session }`)).session).toBe('postgres ');
  });
});

describe('the policies, on both engines', () => {
  const operator: Principal = { kind: 'operator', actor: 'test', regionCodes: ['JS-NJ'], regionPaths: ['/JS/JS-NJ/'] };
  const scoped = (principal: Principal, statement: string) =>
    api.database.db.transaction(async (tx) => {
      await tx.execute(rowScopeSql(principal)!);
      return ints(await rows(tx, statement));
    });

  it('filter an explicitly scoped transaction, and show nothing when the scope names no region', async () => {
    expect(await scoped(operator, RAW.customers!)).toEqual(customersIn('JS-NJ-GL', 'JS-NJ'));
    expect(await scoped({ ...operator, regionPaths: [] }, RAW.customers!)).toEqual([]);
    expect(await scoped({ kind: 'agent', actor: 'test', agentId: 'agent-9', regionCodes: [], regionPaths: 'all' }, RAW.tasks!)).toEqual(tasksOn('ZJ-HZ'));
    expect(rowScopeSql({ kind: 'admin', actor: 'test' })).toBeUndefined();
  });
});

describe('mutations inside the request transaction', () => {
  it('work for an operator: core transactions become savepoints of the request', async () => {
    const operator = api.as(keys.operator);
    const customerId = globalId('Customer', id['JS-NJ']!);
    const created = await operator.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { created task { id state } } }`, {
      input: { customerId, reason: 'renewal', dueAt: '2026-12-01T00:00:00Z', idempotencyKey: 'rls-1', assignee: 'agent-3' },
    });
    const taskId = created.createTask.task.id;
    expect(created.createTask).toMatchObject({ created: true, task: { state: 'ASSIGNED' } });
    const again = await operator.ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { created } }`, {
      input: { customerId, reason: 'renewal', dueAt: '2026-12-01T00:00:00Z', idempotencyKey: 'rls-1', assignee: 'agent-3' },
    });
    expect(again.createTask.created).toBe(false);
    await operator.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: taskId });
    const done = await operator.ok(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED, note: "renewed") { task { state outcome transitions { totalCount } } } }`, { id: taskId });
    expect(done.recordTaskOutcome.task).toEqual({ state: 'DONE', outcome: 'RETAINED', transitions: { totalCount: 3 } });
  });
});
