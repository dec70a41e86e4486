/**
 * The load bench's baseline: a bare graphql-yoga server (no authentication lookups, no limits, no row
 * security, no plugins) whose two resolvers each run ONE hand-written statement building the whole
 * answer (json_agg). The bearer token picks a fixed scope given at start. It is the ceiling Weixi's
 * everyday requests are measured against.
 */
import { createServer, type Server } from 'node:http';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import postgres from 'postgres';
import { monthStart } from '@weixi/core';
import type { BaselineScope } from './queries.js';

const SDL = /* GraphQL */ `
  type Query { customers(first: Int!): CustomerConnection! tasks(first: Int!): TaskConnection! }
  type PageInfo { hasNextPage: Boolean! }
  type CustomerConnection { pageInfo: PageInfo! edges: [CustomerEdge!]! }
  type CustomerEdge { node: Customer! }
  type Customer {
    msisdn: String! name: String! tier: String status: String! region: Region!
    usage(months: Int!): UsageConnection! tasks(first: Int!): TaskConnection!
  }
  type Region { code: String! name: String! }
  type UsageConnection { edges: [UsageEdge!]! }
  type UsageEdge { node: Usage! }
  type Usage { month: String! revenueCents: Int! }
  type TaskConnection { pageInfo: PageInfo edges: [TaskEdge!]! }
  type TaskEdge { node: Task! }
  type Task { state: String! reason: String dueAt: String! customer: Customer }
`;

type Sql = postgres.Sql;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

function customerScope(sql: Sql, scope: BaselineScope) {
  if (scope.kind === 'all') return sql`true`;
  if (scope.kind === 'regions') return sql`c.region_id in (select id from regions where path like ${`${scope.path}%`})`;
  return sql`c.id in (select customer_id from retention_tasks where assignee = ${scope.agentId})`;
}

function taskScope(sql: Sql, scope: BaselineScope) {
  if (scope.kind === 'all') return sql`true`;
  if (scope.kind === 'regions') return sql`t.region_id in (select id from regions where path like ${`${scope.path}%`})`;
  return sql`t.assignee = ${scope.agentId}`;
}

/** The customers page: first 20 by id, each with its region, 3 months of usage and its 3 newest tasks. */
async function customersPage(sql: Sql, scope: BaselineScope, now: Date): Promise<unknown> {
  const [row] = await sql`
    select json_build_object('pageInfo', json_build_object('hasNextPage', count(*) > 20),
      'edges', coalesce(json_agg(json_build_object('node', json_build_object(
        'msisdn', c.msisdn, 'name', c.name, 'tier', upper(c.tier), 'status', upper(c.status),
        'region', json_build_object('code', r.code, 'name', r.name),
        'usage', json_build_object('edges', u.edges), 'tasks', json_build_object('edges', t.edges)))
        order by c.id) filter (where c.n <= 20), '[]'::json)) as page
    from (select c.*, row_number() over (order by c.id) as n from customers c where ${customerScope(sql, scope)} order by c.id limit 21) c
    join regions r on r.id = c.region_id
    cross join lateral (select coalesce(json_agg(json_build_object('node', json_build_object('month', to_char(m.month, 'YYYY-MM'), 'revenueCents', m.revenue_cents))
        order by m.month desc), '[]'::json) as edges
      from monthly_usage m where m.customer_id = c.id and m.month >= ${monthStart(now, -3)}::date) u
    cross join lateral (select coalesce(json_agg(json_build_object('node', json_build_object('state', upper(x.state),
        'dueAt', to_char(x.due_at at time zone 'UTC', ${sql.unsafe(ISO)}))) order by x.id desc), '[]'::json) as edges
      from (select id, state, due_at from retention_tasks where customer_id = c.id order by id desc limit 3) x) t`;
  return row!.page;
}

/** The task list: first 20 by due time, then id, each with its customer. */
async function taskList(sql: Sql, scope: BaselineScope): Promise<unknown> {
  const [row] = await sql`
    select json_build_object('pageInfo', json_build_object('hasNextPage', count(*) > 20),
      'edges', coalesce(json_agg(json_build_object('node', json_build_object(
        'state', upper(t.state), 'reason', t.reason, 'dueAt', to_char(t.due_at at time zone 'UTC', ${sql.unsafe(ISO)}),
        'customer', json_build_object('msisdn', c.msisdn, 'name', c.name, 'tier', upper(c.tier))))
        order by t.due_at, t.id) filter (where t.n <= 20), '[]'::json)) as page
    from (select t.*, row_number() over (order by t.due_at, t.id) as n from retention_tasks t where ${taskScope(sql, scope)}
      order by t.due_at, t.id limit 21) t
    join customers c on c.id = t.customer_id`;
  return row!.page;
}

export async function startBareBaseline(url: string, scopes: Record<string, BaselineScope>, now: Date, maxConnections: number): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const sql = postgres(url, { max: maxConnections, onnotice: () => {} });
  const schema = buildSchema(SDL);
  const fields = schema.getQueryType()!.getFields();
  const scopeOf = (ctx: { request: Request }): BaselineScope => {
    const scope = scopes[ctx.request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? ''];
    if (!scope) throw new Error('unknown token');
    return scope;
  };
  fields.customers!.resolve = (_root, _args, ctx) => customersPage(sql, scopeOf(ctx), now);
  fields.tasks!.resolve = (_root, _args, ctx) => taskList(sql, scopeOf(ctx));
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false, logging: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sql.end({ timeout: 5 });
    },
  };
}
