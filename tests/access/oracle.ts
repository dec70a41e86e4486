/**
 * The read oracle: what a role may see, computed straight from the tables with the rules of roles.ts
 * (not with the server's own scope helpers, which are what is under test). Ids are local (numeric) per
 * GraphQL type; counts bound every totalCount by the type of its connection's nodes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { TestApi } from '../api/harness.js';
import type { RegionBound, SweepRole } from './roles.js';

export interface Visibility {
  role: string;
  /** GraphQL type → local ids the role may see. A type missing here has no rule: the sweep says so. */
  ids: Map<string, Set<string>>;
  /** Node type of a connection → the most rows its totalCount may hold (Infinity: not region data). */
  counts: Map<string, number>;
  /** MSISDNs, region codes and marker words of rows the role may not see. */
  hiddenMsisdns: string[];
  hiddenRegionCodes: Set<string>;
  hiddenMarkers: string[];
}

/** Types whose ids are not region data: anyone who may read them may read them all. */
const OPEN_TYPES = ['Plugin'];
/** Types only platform admins may read (keys, the audit log, plugins installed from a registry). */
const ADMIN_TYPES = ['ApiKey', 'AuditEntry', 'InstalledPlugin'];

const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** Ids of the regions in the subtrees of these codes, as a subquery. */
export const subtreeIds = (codes: readonly string[]) =>
  sql`(select r.id from regions r join regions b on starts_with(r.path, b.path) where b.code in (${list(codes)}))`;

/** A predicate on a region id column: inside the bound. */
export const inBound = (column: SQL, bound: RegionBound) => (bound === 'all' ? sql`true` : sql`${column} in ${subtreeIds(bound)}`);

/** Predicates over aliased rows (c: customers, t: retention_tasks, r: regions, s: segments, j: job_runs). */
export function readPredicates(reads: SweepRole['reads']) {
  const regions = reads.regions;
  const customerInRegions = inBound(sql`c.region_id`, regions);
  const customer = !reads.customers
    ? sql`false`
    : reads.agent
      ? sql`(c.id in (select customer_id from retention_tasks where assignee = ${reads.agent}) and ${customerInRegions})`
      : customerInRegions;
  const task = !reads.customers
    ? sql`false`
    : reads.agent
      ? sql`(t.assignee = ${reads.agent} and t.customer_id in (select c.id from customers c where ${customerInRegions}))`
      : sql`t.customer_id in (select c.id from customers c where ${customer})`;
  // The tree: its subtrees and their roots' ancestors (so parent chains resolve), never a sibling subtree.
  const region =
    regions === 'all'
      ? sql`true`
      : sql`(r.id in ${subtreeIds(regions)} or exists (select 1 from regions b where b.code in (${list(regions)}) and starts_with(b.path, r.path)))`;
  const segment = sql`(s.region_id is null or s.region_id in (select r.id from regions r where ${region}))`;
  const jobRun = reads.jobRuns ? inBound(sql`j.region_id`, regions) : sql`false`;
  return { customer, task, region, segment, jobRun };
}

/** What `role` may see in the database as it is now. */
export async function visibilityOf(api: TestApi, role: SweepRole, markers: readonly string[]): Promise<Visibility> {
  const p = readPredicates(role.reads);
  const visibleCustomers = sql`(select c.id from customers c where ${p.customer})`;
  const visibleTasks = sql`(select t.id from retention_tasks t where ${p.task})`;
  // Dispatch teams (and agents) are seen by admins and the operators of their region, nobody else.
  const roster = (column: SQL) => (role.grant.role === 'admin' || role.grant.role === 'operator' ? inBound(column, role.reads.regions) : sql`false`);
  const idRows = await api.database.rows<{ type: string; id: string; visible: boolean }>(sql`
    select 'Customer' as type, c.id::text as id, ${p.customer} as visible from customers c
    union all select 'RetentionTask', t.id::text, ${p.task} from retention_tasks t
    union all select 'Region', r.id::text, ${p.region} from regions r
    union all select 'Segment', s.id::text, ${p.segment} from segments s
    union all select 'JobRun', j.id::text, ${p.jobRun} from job_runs j
    union all select 'CustomerEvent', e.id::text, e.customer_id in ${visibleCustomers} from customer_events e
    union all select 'Warning', w.id::text, w.customer_id in ${visibleCustomers} from warnings w
    union all select 'Contact', k.id::text, k.customer_id in ${visibleCustomers} from contacts k
    union all select 'ContactDecision', d.id::text, d.customer_id in ${visibleCustomers} from contact_decisions d
    union all select 'Team', tm.id::text, ${roster(sql`tm.region_id`)} from teams tm
    union all select 'QualityAudit', qa.id::text, qa.task_id in ${visibleTasks} from task_audits qa
    union all select 'PlannerRun', pr.id::text, ${role.reads.jobRuns ? inBound(sql`pr.region_id`, role.reads.regions) : sql`false`} from planner_runs pr
    union all select 'ChurnModel', m.id::text, m.region_id in (select r.id from regions r where ${p.region}) from churn_models m`);
  const admin = role.grant.role === 'admin';
  const ids = new Map<string, Set<string>>([...OPEN_TYPES, ...(admin ? ADMIN_TYPES : [])].map((t) => [t, new Set<string>(['*'])]));
  if (!admin) for (const type of ADMIN_TYPES) ids.set(type, new Set());
  for (const row of idRows) {
    if (!ids.has(row.type)) ids.set(row.type, new Set());
    if (row.visible) ids.get(row.type)!.add(row.id);
  }
  const [n] = await api.database.rows<Record<string, number>>(sql`select
    (select count(*) from monthly_usage where customer_id in ${visibleCustomers})::int as "MonthlyUsage",
    (select count(*) from segment_memberships where customer_id in ${visibleCustomers})::int as "SegmentMembership",
    (select count(*) from task_transitions where task_id in ${visibleTasks})::int as "TaskTransition",
    (select count(*) from task_attempts where task_id in ${visibleTasks})::int as "TaskAttempt"`);
  const counts = new Map<string, number>([...ids].map(([type, set]) => [type, set.has('*') ? Infinity : set.size]));
  for (const [type, count] of Object.entries(n!)) counts.set(type, count);

  const hidden = await api.database.rows<{ kind: string; value: string }>(sql`
    select 'msisdn' as kind, c.msisdn as value from customers c where not ${p.customer}
    union all select 'region', r.code from regions r where not ${p.region}
    union all select 'name', c.name from customers c where ${p.customer}
    union all select 'name', s.name from segments s where ${p.segment}`);
  const values = (kind: string) => hidden.filter((h) => h.kind === kind).map((h) => h.value);
  const visibleNames = values('name');
  return {
    role: role.name,
    ids,
    counts,
    hiddenMsisdns: values('msisdn'),
    hiddenRegionCodes: new Set(values('region')),
    // A marker is hidden unless a row the role sees carries it (an unbounded agent sees every segment's name).
    hiddenMarkers: markers.filter((m) => !visibleNames.some((name) => name.includes(m))),
  };
}
