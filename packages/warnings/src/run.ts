/**
 * One run of one rule over a region subtree as of a month: ONE statement that upserts a warning for every
 * customer meeting the rule (raising new ones, refreshing open and acknowledged ones) and resolves this
 * rule's live warnings in the region whose customer no longer meets it. Being one statement it is one
 * transaction: a run killed halfway leaves nothing, and a rerun refreshes rather than duplicates (the
 * partial unique index `warnings_one_live_idx` is the ON CONFLICT target). Nothing per customer reaches
 * Node but the newly raised warnings, for the `warning.raised` event.
 */
import { sql } from 'drizzle-orm';
import { queryRows, regions, warnings, type Db } from '@weixi/db';
import { warningRuleProblems, type WarningLevel, type WarningRuleDefinition } from '@weixi/sdk';
import { levelOf, RuleCompiler, type AsOf } from './compile.js';
import { firstDay } from './months.js';

export interface WarningRunInput {
  pluginId: string;
  ruleId: string;
  /** The region whose subtree is evaluated. */
  regionCode: string;
  asOf: AsOf;
  definition: WarningRuleDefinition;
  /** When the run happens: first and last seen, resolved at. */
  now: Date;
  /** The job run, recorded on the warnings it raises; null for a run outside the job runner. */
  runId: number | null;
}

export interface RaisedWarning {
  warningId: number;
  customerId: number;
  level: WarningLevel;
  score: number;
}

export interface WarningRunResult {
  /**
   * False when no customer of the region has a usage row for the as-of month: its usage has not been
   * loaded yet, every customer would look silent, so the run changed nothing (the run after the load will).
   */
  loaded: boolean;
  /** Customers meeting the rule: warnings raised plus those refreshed. */
  seen: number;
  raised: RaisedWarning[];
  /** Live warnings whose condition no longer holds, now resolved. */
  resolved: number;
}

/** Thrown when a definition has problems; `problems` lists every one with its path. */
export class WarningRuleError extends Error {
  constructor(
    readonly rule: string,
    readonly problems: string[],
  ) {
    super(`warning rule '${rule}' is invalid: ${problems.join('; ')}`);
    this.name = 'WarningRuleError';
  }
}

export async function runWarningRule(db: Db, input: WarningRunInput): Promise<WarningRunResult> {
  const { pluginId, ruleId, definition, asOf, now, runId } = input;
  const problems = warningRuleProblems(definition);
  if (problems.length > 0) throw new WarningRuleError(`${pluginId}/${ruleId}`, problems);
  const compiler = new RuleCompiler(asOf);
  const when = compiler.condition(definition.when);
  const score = compiler.score(definition.score);
  const evidence = compiler.evidence(definition.evidence);
  const reason = compiler.reason(definition);
  // The subtree's region ids, written into the statement as numbers: the planner then knows how many
  // customers the run covers (a subquery it would guess at one region) and picks hash joins and a
  // sequential scan of the usage months rather than one index probe per customer. As literals, not a
  // parameter, so a prepared statement reused for another city cannot keep a generic plan.
  const ids = await queryRows<{ id: number }>(
    db,
    sql`select r.id from ${regions} r where starts_with(r.path, (select path from ${regions} where code = ${input.regionCode})) order by r.id`,
  );
  if (ids.length === 0) return { loaded: false, seen: 0, resolved: 0, raised: [] };
  const scopeRegions = sql.raw(ids.map((r) => String(Number(r.id))).join(', '));
  const scopeCustomers = sql`select id from customers where region_id in (${scopeRegions})`;
  const joins = compiler.aggregates.joins(scopeCustomers);
  const at = sql`${now.toISOString()}::timestamptz`;
  const [loaded] = await queryRows<{ loaded: boolean }>(
    db,
    sql`select exists (select from monthly_usage where month = ${firstDay(asOf.month)}::date and customer_id in (${scopeCustomers})) as loaded`,
  );
  if (!loaded?.loaded) return { loaded: false, seen: 0, resolved: 0, raised: [] };
  const live = sql`status in ('open', 'acknowledged')`;
  const [row] = await queryRows<{ seen: number; resolved: number; raised: RaisedWarning[] | string }>(
    db,
    sql`with hits as materialized (
          select c.id as customer_id, c.region_id, ${score} as score, ${evidence} as evidence, ${reason} as reason
          from customers c${joins}
          where c.region_id in (${scopeRegions}) and ${when}
        ),
        upserted as (
          insert into ${warnings} (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, status, as_of_month, first_seen_at, last_seen_at, raised_by_run)
          select customer_id, ${pluginId}, ${ruleId}, region_id, ${levelOf(sql`score`)}, score, reason, evidence, 'open', ${firstDay(asOf.month)}::date, ${at}, ${at}, ${runId}::int
          from hits
          on conflict (customer_id, plugin_id, rule_id) where ${live} do update set
            region_id = excluded.region_id, level = excluded.level, score = excluded.score, reason = excluded.reason,
            evidence = excluded.evidence, as_of_month = excluded.as_of_month, last_seen_at = excluded.last_seen_at
          returning id, customer_id, level, score, (xmax = 0) as inserted
        ),
        cleared as (
          update ${warnings} w set status = 'resolved', resolved_at = ${at}, resolved_by = 'rule'
          where w.plugin_id = ${pluginId} and w.rule_id = ${ruleId} and w.status in ('open', 'acknowledged')
            and w.region_id in (${scopeRegions})
            and not exists (select from hits h where h.customer_id = w.customer_id)
          returning w.id
        )
        select (select count(*)::int from upserted) as seen, (select count(*)::int from cleared) as resolved,
          (select coalesce(jsonb_agg(jsonb_build_object('warningId', id, 'customerId', customer_id, 'level', level, 'score', score) order by id), '[]'::jsonb)
           from upserted where inserted) as raised`,
  );
  const raised = typeof row!.raised === 'string' ? (JSON.parse(row!.raised) as RaisedWarning[]) : row!.raised;
  return { loaded: true, seen: Number(row!.seen), resolved: Number(row!.resolved), raised };
}
