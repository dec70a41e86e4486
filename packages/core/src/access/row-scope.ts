/**
 * The principal's scope for PostgreSQL row-level security (migration `0005_row_level_security`): one
 * statement that, inside a transaction, switches to the role the policies apply to and sets the scope in
 * transaction-local settings, so both end with the transaction and never outlive it on a pooled connection.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from './principal.js';

/** The NOLOGIN role the row-level security policies apply to. */
export const ROW_SCOPE_ROLE = 'weixi_scoped';

/** Every region: the root of every region path. */
const ALL_REGIONS = ['/'];

export interface RowScopeOptions {
  /**
   * Also run the scoped statements' prepared plans generic (`plan_cache_mode`). The policies' region ids
   * are a parameter of every plan anyway (an InitPlan), and PostgreSQL otherwise kept planning an
   * operator's page afresh on each run: 0.9 ms of planning for 0.8 ms of execution, where the generic
   * plan runs in 0.6 ms. For the request path's short statements; analytics may want custom plans.
   */
  genericPlans?: boolean;
}

/**
 * `select set_config(...)` for the role, `weixi.role`, `weixi.agent_id`, `weixi.region_paths` (a text
 * array literal, built by PostgreSQL from parameters) and `weixi.region_ids`; undefined for admins, whom
 * no policy restricts. Only meaningful run just before the statements it scopes, in their transaction
 * (as a transaction's first statement, or a statement's prelude).
 */
export function rowScopeSql(principal: Principal, options: RowScopeOptions = {}): SQL | undefined {
  if (principal.kind === 'admin') return undefined;
  const paths = principal.regionPaths === 'all' ? ALL_REGIONS : principal.regionPaths;
  const agentId = principal.kind === 'agent' ? principal.agentId : '';
  const pathArray = sql`array[${sql.join(paths.map((p) => sql`${p}`), sql`, `)}]::text[]`;
  // `weixi.region_ids`, the ids of every region under the paths, is what the policies read (migration 0023).
  return sql`select set_config('role', ${ROW_SCOPE_ROLE}, true), set_config('weixi.role', ${principal.kind}, true),
    set_config('weixi.agent_id', ${agentId}, true), set_config('weixi.region_paths', cast(${pathArray} as text), true),
    set_config('weixi.region_ids', cast((select coalesce(array_agg(r.id), '{}') from regions r
      where exists (select from unnest(${pathArray}) as p(path) where starts_with(r.path, p.path))) as text), true)${
    options.genericPlans ? sql`, set_config('plan_cache_mode', 'force_generic_plan', true)` : sql``}`;
}
