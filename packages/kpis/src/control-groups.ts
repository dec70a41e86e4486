/**
 * Control groups (对照组): the customers held out of a tactic or a warning rule get no treatment from it, so
 * every comparison is against them. The draw is `weixi_held_out(key, customer, share)` (migration 0019): md5
 * of the key and the customer id, stable across runs and independent between keys, so each tier and region
 * (each stratum) holds out the share, and a customer never moves between groups while the share stays.
 * The share is the nearest setting up the customer's region path (`controlGroups` of the KPI settings).
 */
import { sql, type SQL } from 'drizzle-orm';

/** The decision reason of a customer the planner held out of a tactic or a warning rule. */
export const HELD_OUT_REASON = 'held out (control group)';

/** The share set for `key` (SQL text) of `kind` nearest up the region path `path` (SQL), or null. */
const shareOf = (kind: 'tactics' | 'warningRules', key: SQL, path: SQL): SQL =>
  sql`(select (s.settings -> 'controlGroups' -> ${kind}::text ->> ${key})::float8 from kpi_settings s join regions sr on sr.id = s.region_id
    where starts_with(${path}, sr.path) and (s.settings -> 'controlGroups' -> ${kind}::text ->> ${key}) is not null order by length(sr.path) desc limit 1)`;

/** Whether `customer` (SQL) of a region at `path` (SQL) is held out of the warning rule `rule` (SQL `plugin/rule`). */
export const heldOutOfRule = (rule: SQL, customer: SQL, path: SQL): SQL => sql`weixi_held_out(${rule}, ${customer}, ${shareOf('warningRules', rule, path)})`;

/**
 * The planner's check (a `when ... then` of its candidate statement, aliases `c` the customer and `cr` its
 * region): held out of the tactic `tacticKey`, or of the rule of one of the warnings `warningIds` answers.
 */
export function heldOutCheck(tacticKey: string, warningIds: SQL): SQL {
  const tactic = sql`${tacticKey}::text`;
  const rule = sql`(hw.plugin_id || '/' || hw.rule_id)`;
  // Uncorrelated, so computed once per statement: without any control group configured nothing else runs.
  return sql`when (select exists (select from kpi_settings where settings ? 'controlGroups')) and (weixi_held_out(${tactic}, c.id, ${shareOf('tactics', tactic, sql`cr.path`)})
      or exists (select from warnings hw where hw.id = any(${warningIds}) and ${heldOutOfRule(rule, sql`c.id`, sql`cr.path`)}))
    then ${HELD_OUT_REASON}::text`;
}
