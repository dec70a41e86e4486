/**
 * What a principal sees, as SQL predicates over the core tables, for resolvers and loaders to put into
 * their one statement (never a second query per row). The rules are in permissions.ts; the region and
 * customer predicates come from `@weixi/core/access`.
 */
import { or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '@weixi/core';
import { customerScopeSql, regionScopeSql, taskScopeSql, type Principal } from '@weixi/core/access';
import { customers, jobRuns, regions, retentionTasks, segments } from '@weixi/db';

/**
 * The predicate `build` makes for a principal, made once per principal object: a remembered principal
 * (authentication keeps one for a moment) serves many requests, and the same SQL object lets statements.ts
 * find its text without writing it again. Principals are not changed once made.
 */
function perPrincipal(build: (principal: Principal) => SQL): (principal: Principal) => SQL {
  const made = new WeakMap<Principal, SQL>();
  return (principal) => {
    let predicate = made.get(principal);
    if (!predicate) {
      predicate = build(principal);
      made.set(principal, predicate);
    }
    return predicate;
  };
}

/** Customers the principal sees: its region subtrees, or for an agent the customers of its tasks. */
export const customerScope = perPrincipal((principal) => customerScopeSql(principal, { customerId: customers.id, regionId: customers.regionId }));

/** Tasks the principal sees: those of its customers, or for an agent its own tasks. */
export const taskScope = perPrincipal((principal) => taskScopeSql(principal, { assignee: retentionTasks.assignee, regionId: retentionTasks.regionId }));

/** True when nothing bounds the principal's customers, so stored totals (a segment's count) are its totals. */
export function seesAllCustomers(principal: Principal): boolean {
  return principal.kind === 'admin' || (principal.kind === 'integrator' && principal.regionPaths === 'all');
}

/** The subtrees bounding the principal's view of the region tree; agents see the tree within their bound. */
function treeBound(principal: Principal): readonly string[] | 'all' {
  return principal.kind === 'admin' ? 'all' : principal.regionPaths;
}

/**
 * Regions (rows of `regions`) the principal sees: its subtrees and the ancestors of their roots, so that
 * `parent` chains and the owners of the segments that apply to it resolve; never a sibling subtree.
 */
export const regionVisibility = perPrincipal((principal) => {
  const bound = treeBound(principal);
  if (bound === 'all') return sql`true`;
  if (bound.length === 0) return sql`false`;
  return or(...bound.map((path) => sql`(${regions.path} like ${`${escapeLike(path)}%`} or starts_with(${path}::text, ${regions.path}))`))!;
});

/**
 * Segments (rows of `segments`) the principal sees: national ones and those owned by a region it sees
 * (inside its subtrees, or an ancestor of them: a province's segment applies to its cities).
 */
export function segmentVisibility(principal: Principal): SQL {
  if (treeBound(principal) === 'all') return sql`true`;
  return sql`(${segments.regionId} is null or ${segments.regionId} in (select ${regions.id} from ${regions} where ${regionVisibility(principal)}))`;
}

/** Job runs the principal sees: admins all, operators those of their regions, nobody else any. */
export function jobRunVisibility(principal: Principal): SQL {
  return principal.kind === 'admin' || principal.kind === 'operator' ? regionScopeSql(principal, jobRuns.regionId) : sql`false`;
}
