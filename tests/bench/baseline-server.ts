/**
 * The customers-page baseline: a tiny GraphQL server with the same response shape as Weixi for the bench's
 * page query, whose only resolver runs ONE hand-written statement that builds the whole nested result
 * (lateral joins + json_agg). It is served by the same graphql-yoga/HTTP stack as Weixi (`startServer`
 * with another schema), so the ratio compares what happens behind the schema, not two HTTP servers.
 * It serves exactly the bench query: the nested arguments (usage months 6, tasks first 5) are constants here.
 */
import { buildSchema, Kind } from 'graphql';
import { createLogger, startServer, type WeixiServer } from '@weixi/platform';
import { monthStart, type Clock } from '@weixi/core';
import type { Database } from '@weixi/db';
import { pgOf } from './setup.js';

const SDL = /* GraphQL */ `
  type Query { customers(first: Int!): CustomerConnection! }
  type CustomerConnection { totalCount: Int edges: [CustomerEdge!]! }
  type CustomerEdge { node: Customer! }
  type Customer {
    msisdn: String!
    tier: String!
    lifecycleStage: String!
    region: Region!
    usage(months: Int): UsageConnection!
    tasks(first: Int): TaskConnection!
    segments: MembershipConnection!
  }
  type Region { code: String! parent: Region }
  type UsageConnection { totalCount: Int! edges: [UsageEdge!]! }
  type UsageEdge { node: Usage! }
  type Usage { month: String! revenueCents: Int! }
  type TaskConnection { totalCount: Int! edges: [TaskEdge!]! }
  type TaskEdge { node: Task! }
  type Task { state: String! transitions: CountOnly! }
  type CountOnly { totalCount: Int! }
  type MembershipConnection { totalCount: Int! edges: [MembershipEdge!]! }
  type MembershipEdge { node: Membership! }
  type Membership { enteredAt: String! segment: Segment! }
  type Segment { name: String! count: Int! }
`;

/** The whole page as one JSON value. Lifecycle rules as documented in @weixi/core (warnings, then tenure). */
async function customersPage(database: Database, now: Date, first: number, withTotal: boolean): Promise<unknown> {
  const sql = pgOf(database);
  const today = now.toISOString().slice(0, 10);
  const [m0, m1, m3, m6] = [0, -1, -3, -6].map((k) => monthStart(now, k)) as [string, string, string, string];
  const iso = (column: string) => sql.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  const [row] = await sql`
    select json_build_object('totalCount', case when ${withTotal}::boolean then (select count(*)::int from customers) end, 'edges', coalesce(json_agg(json_build_object('node', json_build_object(
      'msisdn', c.msisdn,
      'tier', upper(c.tier),
      'lifecycleStage', case
        when c.status = 'churned' then 'CHURNED'
        when c.status = 'suspended'
          or c.contract_ends_on between ${today}::date and ${today}::date + 60
          or (u.active_last = 0 and c.joined_on <= (${today}::date - interval '1 month')::date)
          or (u.revenue_prior > 0 and u.revenue_recent <= 0.7 * u.revenue_prior)
          or u.complaints_last >= 2 or u.competitor_last >= 1 then 'WARNING'
        when c.joined_on > (${today}::date - interval '1 month')::date then 'ONBOARDING'
        when c.joined_on > (${today}::date - interval '4 months')::date then 'INTRODUCTION'
        else 'MATURE' end,
      'region', json_build_object('code', r.code, 'parent', case when p.id is null then null else json_build_object('code', p.code) end),
      'usage', json_build_object('totalCount', u.total, 'edges', u.edges),
      'tasks', json_build_object('totalCount', t.total, 'edges', t.edges),
      'segments', json_build_object('totalCount', s.total, 'edges', s.edges)
    )) order by c.id), '[]'::json)) as page
    from (select * from customers order by id limit ${first}) c
    join regions r on r.id = c.region_id
    left join regions p on p.id = r.parent_id
    cross join lateral (
      select count(*)::int as total,
        coalesce(json_agg(json_build_object('node', json_build_object('month', to_char(m.month, 'YYYY-MM'), 'revenueCents', m.revenue_cents)) order by m.month desc), '[]'::json) as edges,
        coalesce(sum(m.active_days) filter (where m.month >= ${m1}::date and m.month < ${m0}::date), 0) as active_last,
        coalesce(sum(m.complaints) filter (where m.month >= ${m1}::date and m.month < ${m0}::date), 0) as complaints_last,
        coalesce(sum(m.competitor_contacts) filter (where m.month >= ${m1}::date and m.month < ${m0}::date), 0) as competitor_last,
        coalesce(sum(m.revenue_cents) filter (where m.month >= ${m3}::date and m.month < ${m0}::date), 0) as revenue_recent,
        coalesce(sum(m.revenue_cents) filter (where m.month < ${m3}::date), 0) as revenue_prior
      from monthly_usage m where m.customer_id = c.id and m.month >= ${m6}::date
    ) u
    cross join lateral (
      select (select count(*)::int from retention_tasks where customer_id = c.id) as total,
        coalesce(json_agg(json_build_object('node', json_build_object('state', upper(x.state),
          'transitions', json_build_object('totalCount', (select count(*)::int from task_transitions tt where tt.task_id = x.id))))
          order by x.id desc), '[]'::json) as edges
      from (select id, state from retention_tasks where customer_id = c.id order by id desc limit 5) x
    ) t
    cross join lateral (
      select (select count(*)::int from segment_memberships where customer_id = c.id and left_at is null) as total,
        coalesce(json_agg(json_build_object('node', json_build_object('enteredAt', ${iso('sm.entered_at')},
          'segment', json_build_object('name', g.name, 'count', g.member_count))) order by sm.id desc), '[]'::json) as edges
      from (select id, segment_id, entered_at from segment_memberships
        where customer_id = c.id and left_at is null order by id desc limit 20) sm
      join segments g on g.id = sm.segment_id
    ) s`;
  return row!.page;
}

export async function startBaselineServer(database: Database, clock: Clock): Promise<WeixiServer> {
  const schema = buildSchema(SDL);
  schema.getQueryType()!.getFields().customers!.resolve = (_root, args: { first: number }, _ctx, info) => {
    // The count of every customer runs only when the query selects totalCount, as in Weixi.
    const selected = info.fieldNodes[0]!.selectionSet!.selections;
    const withTotal = selected.some((s) => s.kind === Kind.FIELD && s.name.value === 'totalCount');
    return customersPage(database, clock.now(), args.first, withTotal);
  };
  return startServer({ database, clock, schema, logger: createLogger('warn') });
}
