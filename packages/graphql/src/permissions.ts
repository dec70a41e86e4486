/**
 * Who may do what: the permission matrix of the API, enforced for every root field in one place
 * (`guardRootFields`), with the object-level checks (which customer, task, segment, region) made by each
 * resolver through the helpers below and the predicates of visibility.ts.
 *
 * Decisions:
 * - **Reads are filtered, never refused for being out of scope.** Lists and their totalCount hold only
 *   what the caller sees; by-id reads (`customer`, `task`, `segment`, `node`, ...) of anything else are
 *   null, exactly as for an id that does not exist. Nested lists follow their parent, and a customer's
 *   tasks are, for an agent, its own tasks only.
 * - **Not found, not forbidden, for objects the caller cannot see.** A mutation naming a customer, task,
 *   segment or job run by id that the caller cannot see fails with NOT_FOUND, the same error as for a
 *   missing id, so nothing reveals that it exists. FORBIDDEN is for what the caller can see but may not do:
 *   a role without the permission, a national segment an operator can read but not change, and a region
 *   named by code outside the caller's subtrees in a mutation or a plugin's `settings(regionCode)` (jobs,
 *   plugin settings, segment owners and ingest name regions by code: the code is configuration, not
 *   customer data). Region codes in list filters only narrow the list.
 * - **Ingest batches are written whole or not at all.** A customer upserted into a region outside the
 *   caller's, or over an MSISDN whose customer lives outside them (which would move that customer in),
 *   rejects the batch with FORBIDDEN listing every such item by path in `extensions.issues` (the check
 *   sees past row-level security through a security-definer function that answers only for the MSISDNs
 *   in the batch). Usage or events naming a customer the caller does not
 *   see reject the batch with NOT_FOUND, worded exactly as for a missing customer.
 * - **Regions**: an operator (and an agent or integrator bounded by regions) sees its subtrees plus the
 *   ancestors of their roots (so `parent` chains and owner regions resolve), never a sibling's subtree.
 *   Agents and integrators without a region bound see the whole tree: it holds no customer data.
 *   Only admins change the tree (`upsertRegions`): a move rewrites the paths every scope is read from.
 * - **Segments** have an owner region (`segments.region_id`; null = national, created by admins). A
 *   principal sees national segments and those owned by a region it sees (in its subtrees or an ancestor:
 *   a province's segment applies to its cities). Counts, members and memberships hold only the customers
 *   it sees (`count` is the members in scope). Admins change any segment; operators only those owned by a
 *   region in their subtrees, and must name such an owner to create one. A refresh of an owned segment
 *   only admits customers in the owner's subtree, whoever runs it.
 * - **refreshTiers** is admin only: tiers rank a whole province, so an operator of a city cannot rerun it
 *   without changing other cities' tiers.
 * - **Integrators** without the `read` scope cannot run any query (FORBIDDEN): their payloads after an
 *   ingest are all they read. Plugin root queries count as reads, plugin root mutations are admin and
 *   operator work, and a root field missing from the table below is admin only for mutations and a read
 *   for queries, so a new field is never open by accident. Subscription fields count as reads, checked as
 *   they start; each event is the object as a by-id read would return it, and none when that is null.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { callerName, callerRegions, InputError, mayWriteRegion, regionsByCode, type Region } from '@weixi/core';
import { forbidden, type IntegratorScope, type Principal } from '@weixi/core/access';
import type { WeixiContext } from './context.js';

/** How far a role's permission reaches; `no` refuses the action outright (FORBIDDEN). */
export type Reach = 'everywhere' | 'own regions' | 'own tasks' | 'no';

export interface Permission {
  /** What the permission allows, as an error message finishes "may not ...". */
  readonly does: string;
  readonly admin: Reach;
  readonly operator: Reach;
  readonly agent: Reach;
  /** Within its region bound (`own regions` = everywhere for a key naming no region), given `scope`. */
  readonly integrator: Reach;
  readonly scope?: IntegratorScope;
}

/** The permission matrix. `own regions` = the principal's region subtrees; `own tasks` = its assigned tasks. */
export const PERMISSIONS = {
  //                                                                                 admin         operator       agent        integrator
  read: { does: 'read customers, tasks, segments and regions', admin: 'everywhere', operator: 'own regions', agent: 'own tasks', integrator: 'own regions', scope: 'read' },
  ingest: { does: 'write customers, usage and events', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'own regions', scope: 'ingest' },
  manageTasks: { does: 'create, assign or cancel retention tasks', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  workTasks: { does: 'start tasks or record their outcomes', admin: 'everywhere', operator: 'own regions', agent: 'own tasks', integrator: 'no' },
  manageSegments: { does: 'create, change, delete or refresh segments', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  refreshTiers: { does: 're-rank value tiers (they rank whole provinces)', admin: 'everywhere', operator: 'no', agent: 'no', integrator: 'no' },
  plugins: { does: 'see or configure plugins', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  pluginMutations: { does: 'run plugin mutations', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  backtest: { does: 'backtest warning rules and read churn models', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'own regions', scope: 'read' },
  dispatch: { does: 'manage teams, agents, dispatch rules, dispatch runs and quality audits', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  contactPolicy: { does: 'see or set contact policies', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  kpis: { does: 'read KPIs and KPI settings', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'own regions', scope: 'read' },
  kpiSettings: { does: 'set KPI settings (churn definition, control groups)', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  jobs: { does: 'see or control jobs', admin: 'everywhere', operator: 'own regions', agent: 'no', integrator: 'no' },
  administer: { does: 'administer the platform', admin: 'everywhere', operator: 'no', agent: 'no', integrator: 'no' },
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

/** The permission each root field needs; fields not listed: `read` for queries, `administer` for mutations. */
export const ROOT_FIELD_ACTIONS: Readonly<Record<string, Action>> = {
  jobRuns: 'jobs',
  warningBacktest: 'backtest',
  churnModels: 'backtest',
  plugins: 'plugins',
  plugin: 'plugins',
  installedPlugins: 'administer',
  trustedPublishers: 'administer',
  upsertCustomers: 'ingest',
  recordUsage: 'ingest',
  recordEvents: 'ingest',
  importFile: 'ingest',
  createTask: 'manageTasks',
  assignTask: 'manageTasks',
  cancelTask: 'manageTasks',
  acknowledgeWarning: 'manageTasks',
  resolveWarning: 'manageTasks',
  startTask: 'workTasks',
  recordTaskOutcome: 'workTasks',
  createSegment: 'manageSegments',
  updateSegment: 'manageSegments',
  deleteSegment: 'manageSegments',
  refreshSegment: 'manageSegments',
  refreshTiers: 'refreshTiers',
  enablePlugin: 'plugins',
  disablePlugin: 'plugins',
  updatePluginSettings: 'plugins',
  runJob: 'jobs',
  pauseJob: 'jobs',
  resumeJob: 'jobs',
  auditLog: 'administer',
  apiKeys: 'administer',
  createApiKey: 'administer',
  revokeApiKey: 'administer',
  upsertRegions: 'administer',
  revokeJwt: 'administer',
  teams: 'dispatch',
  agents: 'dispatch',
  dispatchRules: 'dispatch',
  upsertTeams: 'dispatch',
  upsertAgents: 'dispatch',
  setDispatchRules: 'dispatch',
  runDispatch: 'dispatch',
  drawQualityAudits: 'dispatch',
  recordAuditResult: 'dispatch',
  myTasks: 'workTasks',
  recordContactAttempt: 'workTasks',
  plannerRuns: 'jobs',
  contactPolicy: 'contactPolicy',
  setContactPolicy: 'contactPolicy',
  setContactConsent: 'ingest',
  runPlanner: 'jobs',
  kpis: 'kpis',
  kpiSettings: 'kpis',
  kpiReports: 'kpis',
  setKpiSettings: 'kpiSettings',
};

/** Refuses (FORBIDDEN) a principal whose role, or integrator scopes, do not allow the action; returns its reach. */
export function authorize(principal: Principal, action: Action): Reach {
  const permission: Permission = PERMISSIONS[action];
  const reach = permission[principal.kind];
  if (reach === 'no') throw forbidden(`${callerName(principal)} may not ${permission.does}: ${principal.kind}s never may`);
  if (principal.kind === 'integrator' && permission.scope && !principal.scopes.includes(permission.scope)) {
    throw forbidden(`${callerName(principal)} may not ${permission.does}: its key lacks the ${permission.scope} scope`);
  }
  return reach;
}

/**
 * Refuses (FORBIDDEN) an action in a region outside the principal's subtrees; `regionCode` null is the
 * global level, which only `everywhere` reaches.
 */
export function authorizeRegion(principal: Principal, action: Action, region: { code: string; path: string } | null): void {
  if (authorize(principal, action) === 'everywhere') return;
  const { does } = PERMISSIONS[action];
  if (region === null) throw forbidden(`${callerName(principal)} may not ${does} globally: only admins may; name a region in ${callerRegions(principal)}`);
  if (!mayWriteRegion(principal, region.path)) throw forbidden(`${callerName(principal)} may not ${does} in ${region.code}: it is outside ${callerRegions(principal)}`);
}

/**
 * The region a mutation names by code, checked: it must exist (BAD_USER_INPUT at `path`) and lie in the
 * caller's subtrees for this action (FORBIDDEN); null, the global level, only for `everywhere`.
 */
export async function regionToChange(ctx: WeixiContext, action: Action, code: string | null, path: string): Promise<Region | null> {
  const region = code === null ? null : (await regionsByCode(ctx.database.db, [code])).get(code);
  if (region === undefined) throw new InputError([{ path, message: `region ${JSON.stringify(code)} does not exist` }]);
  authorizeRegion(ctx.principal, action, region);
  return region;
}

/**
 * Wraps every Query and Mutation field of a built schema with its role check from the matrix, so no root
 * field (plugin fields and fields added later included) runs unchecked.
 */
export function guardRootFields(schema: GraphQLSchema, pluginMutations: ReadonlySet<string>): GraphQLSchema {
  const roots = [[schema.getQueryType(), 'read'], [schema.getMutationType(), 'administer'], [schema.getSubscriptionType(), 'read']] as const;
  for (const [type, fallback] of roots) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const action = ROOT_FIELD_ACTIONS[field.name] ?? (pluginMutations.has(field.name) ? 'pluginMutations' : fallback);
      const resolve: GraphQLFieldResolver<unknown, WeixiContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, ctx, info) => {
        authorize(ctx.principal, action);
        return resolve(root, args, ctx, info);
      };
      // A subscription is refused as it starts, before it listens for anything.
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (root, args, ctx: WeixiContext, info) => {
          authorize(ctx.principal, action);
          return subscribe(root, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
