/**
 * What a principal may see, as pure checks and as SQL predicates for queries. Region scope is a subtree
 * of region paths (`/JS/` covers `/JS/JS-NJ/` and below). Agents see no region as a whole: only their
 * tasks and those tasks' customers, which `customerScopeSql` and `taskScopeSql` express. None of these
 * look at integrator scopes (`read`, `ingest`): those gate operations, not rows.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { retentionTasks } from '@weixi/db';
import { inSubtreesSql } from '../regions/subtrees.js';
import type { Principal } from './principal.js';

type Operand = AnyColumn | SQL;

/** The region paths whose subtrees the principal sees, `all`, or `none` (agents). */
export function visibleRegionPaths(principal: Principal): readonly string[] | 'all' | 'none' {
  switch (principal.kind) {
    case 'admin':
      return 'all';
    case 'agent':
      return 'none';
    default:
      return principal.regionPaths;
  }
}

/** Whether the principal sees everything in the region at `path` (its own subtree included). */
export function canSeeRegionPath(principal: Principal, path: string): boolean {
  const paths = visibleRegionPaths(principal);
  if (paths === 'all') return true;
  if (paths === 'none') return false;
  return paths.some((p) => path.startsWith(p));
}

/**
 * A predicate on a region id column (`customers.region_id`, `job_runs.region_id`, ...): TRUE for admins
 * and unbounded integrators, FALSE for agents and principals without regions, else
 * `<column> in (select id from regions where path like '/JS/%' or ...)` with LIKE wildcards escaped.
 */
export function regionScopeSql(principal: Principal, regionIdColumn: Operand): SQL {
  const paths = visibleRegionPaths(principal);
  if (paths === 'all') return sql`true`;
  if (paths === 'none') return sql`false`;
  return inSubtreesSql(paths, regionIdColumn);
}

/**
 * A predicate on customers: the region scope, or for an agent the customers of the tasks assigned to it
 * (within its regions, when its credential names any).
 */
export function customerScopeSql(principal: Principal, columns: { customerId: Operand; regionId: Operand }): SQL {
  if (principal.kind !== 'agent') return regionScopeSql(principal, columns.regionId);
  const assigned = sql`${columns.customerId} in (select ${retentionTasks.customerId} from ${retentionTasks} where ${retentionTasks.assignee} = ${principal.agentId})`;
  return principal.regionPaths === 'all' ? assigned : sql`(${assigned} and ${inSubtreesSql(principal.regionPaths, columns.regionId)})`;
}

/**
 * A predicate on retention tasks: an agent's own tasks (whose customers are within its regions, when it
 * has any); for everyone else, the tasks of the customers in their region scope.
 */
export function taskScopeSql(principal: Principal, columns: { assignee: Operand; regionId: Operand }): SQL {
  const paths = principal.kind === 'agent' ? principal.regionPaths : visibleRegionPaths(principal);
  // A task's region is its customer's (kept so by the database, migration 0024).
  const inRegions = paths === 'all' || paths === 'none' ? undefined : inSubtreesSql(paths, columns.regionId);
  if (principal.kind === 'agent') {
    const own = sql`${columns.assignee} = ${principal.agentId}`;
    return inRegions ? sql`(${own} and ${inRegions})` : own;
  }
  return paths === 'all' ? sql`true` : (inRegions ?? sql`false`);
}
