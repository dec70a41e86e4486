/**
 * Runs of rules over region subtrees as of a month. `runWarningRules` runs many at once (a rule in a city
 * each, as the host's jobs): ONE statement that reads customers, usage and events once for all of them
 * (one `RuleAggregates` pass; each customer yields one row per rule it meets, from a lateral `UNION ALL` of
 * the rules' conditions), upserts a warning for every hit (raising new ones, refreshing open and
 * acknowledged ones) and resolves each run's live warnings whose customer no longer meets its rule. Being
 * one statement it is one transaction: a batch killed halfway leaves nothing, and a rerun refreshes rather
 * than duplicates (the partial unique index `warnings_one_live_idx` is the ON CONFLICT target). Nothing per
 * customer reaches Node but counts; `raisedWarnings` reads one run's new warnings afterwards, for its
 * `warning.raised` event. `runWarningRule` is one run, its raised warnings returned inline.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, regions, warnings, type Db } from '@weixi/db';
import { warningRuleProblems, type WarningLevel, type WarningRuleDefinition } from '@weixi/sdk';
import { levelOf, RuleCompiler, type AsOf } from './compile.js';
import { firstDay } from './months.js';

/** One run of one rule: its definition over a region subtree. */
export interface WarningRulePart {
  pluginId: string;
  ruleId: string;
  /** The region whose subtree is evaluated. */
  regionCode: string;
  definition: WarningRuleDefinition;
  /** The job run, recorded on the warnings it raises; null for a run outside the job runner. */
  runId: number | null;
}

export interface WarningRunInput extends WarningRulePart {
  asOf: AsOf;
  /** When the run happens: first and last seen, resolved at. */
  now: Date;
}

export interface WarningBatchInput {
  /** Every run of a batch is judged as of the same month and day. */
  asOf: AsOf;
  now: Date;
  /** The runs; no two of one rule may cover the same region. */
  runs: WarningRulePart[];
}

export interface RaisedWarning {
  warningId: number;
  customerId: number;
  level: WarningLevel;
  score: number;
}

export interface WarningBatchResult {
  /**
   * False when no customer of the region has a usage row for the as-of month: its usage has not been
   * loaded yet, every customer would look silent, so the run changed nothing (the run after the load will).
   */
  loaded: boolean;
  /** Customers meeting the rule: warnings raised plus those refreshed. */
  seen: number;
  /** Warnings raised (new); `raisedWarnings` reads them. */
  raisedCount: number;
  /** Live warnings whose condition no longer holds, now resolved. */
  resolved: number;
  /** The ids of the regions of the subtree. */
  regionIds: number[];
}

export interface WarningRunResult extends Omit<WarningBatchResult, 'raisedCount' | 'regionIds'> {
  raised: RaisedWarning[];
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

/** Region ids as numbers written into the statement (see `runWarningRules`). */
const literals = (ids: readonly number[]): SQL => sql.raw(ids.map((id) => String(Number(id))).join(', '));
const LIVE = sql`status in ('open', 'acknowledged')`;

export async function runWarningRule(db: Db, input: WarningRunInput): Promise<WarningRunResult> {
  const { asOf, now, ...run } = input;
  const [result] = await batch(db, { asOf, now, runs: [run] }, true);
  const { raisedCount: _count, regionIds: _ids, ...rest } = result!;
  return rest;
}

/** Runs every rule of `input` in ONE statement; one result per run, in order. */
export async function runWarningRules(db: Db, input: WarningBatchInput): Promise<WarningBatchResult[]> {
  return (await batch(db, input, false)).map(({ raised: _raised, ...result }) => result);
}

/** The warnings a run of the runner raised (`raisedCount` of its result), in id order. */
export async function raisedWarnings(db: Db, run: { pluginId: string; ruleId: string; runId: number; regionIds: number[] }): Promise<RaisedWarning[]> {
  if (run.regionIds.length === 0) return [];
  const rows = await queryRows<{ id: number; customer_id: number; level: WarningLevel; score: number | string }>(
    db,
    sql`select id, customer_id, level, score from ${warnings}
        where plugin_id = ${run.pluginId} and rule_id = ${run.ruleId} and region_id in (${literals(run.regionIds)}) and ${LIVE}
          and raised_by_run = ${run.runId}::int
        order by id`,
  );
  return rows.map((r) => ({ warningId: Number(r.id), customerId: Number(r.customer_id), level: r.level, score: Number(r.score) }));
}

async function batch(db: Db, input: WarningBatchInput, inline: boolean): Promise<Array<WarningBatchResult & { raised: RaisedWarning[] }>> {
  const { asOf, now, runs } = input;
  for (const run of runs) {
    const problems = warningRuleProblems(run.definition);
    if (problems.length > 0) throw new WarningRuleError(`${run.pluginId}/${run.ruleId}`, problems);
  }
  const results = runs.map(() => ({ loaded: false, seen: 0, raisedCount: 0, resolved: 0, regionIds: [] as number[], raised: [] as RaisedWarning[] }));
  if (runs.length === 0) return results;
  // The subtrees' region ids, written into the statement as numbers: the planner then knows how many
  // customers the runs cover (a subquery it would guess at one region) and picks hash joins and a
  // sequential scan of the usage months rather than one index probe per customer. As literals, not a
  // parameter, so a prepared statement reused for other cities cannot keep a generic plan.
  const codes = [...new Set(runs.map((r) => r.regionCode))];
  const subtrees = await queryRows<{ code: string; id: number }>(
    db,
    sql`select a.code, r.id from ${regions} a join ${regions} r on starts_with(r.path, a.path) where a.code in (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) order by r.id`,
  );
  const idsOf = new Map<string, number[]>(codes.map((c) => [c, []]));
  for (const row of subtrees) idsOf.get(row.code)!.push(Number(row.id));
  runs.forEach((run, i) => (results[i]!.regionIds = idsOf.get(run.regionCode)!));
  const month = firstDay(asOf.month);
  const withIds = codes.filter((c) => idsOf.get(c)!.length > 0);
  if (withIds.length === 0) return results;
  const loadedRows = await queryRows<{ code: string; loaded: boolean }>(
    db,
    sql.join(
      withIds.map((c) => sql`select ${c}::text as code, exists (select from monthly_usage where month = ${month}::date
        and customer_id in (select id from customers where region_id in (${literals(idsOf.get(c)!)}))) as loaded`),
      sql` union all `,
    ),
  );
  const loaded = new Set(loadedRows.filter((r) => r.loaded).map((r) => r.code));
  const parts = runs.flatMap((run, index) => (loaded.has(run.regionCode) ? [{ ...run, index, ids: idsOf.get(run.regionCode)! }] : []));
  for (const part of parts) results[part.index]!.loaded = true;
  if (parts.length === 0) return results;
  const covered = new Set<string>();
  for (const part of parts) {
    for (const id of part.ids) {
      const key = `${part.pluginId}\u0000${part.ruleId}\u0000${id}`;
      if (covered.has(key)) throw new Error(`two runs of ${part.pluginId}/${part.ruleId} in one batch cover region ${id}`);
      covered.add(key);
    }
  }

  // One branch per rule and definition: the runs (cities) of a rule with equal settings share it.
  const branches = new Map<string, typeof parts>();
  for (const part of parts) {
    const key = `${part.pluginId}\u0000${part.ruleId}\u0000${JSON.stringify(part.definition)}`;
    branches.set(key, [...(branches.get(key) ?? []), part]);
  }
  const allIds = [...new Set(parts.flatMap((p) => p.ids))].sort((a, b) => a - b);
  const compiler = new RuleCompiler(asOf);
  const selects = [...branches.values()].map((group) => {
    const def = group[0]!.definition;
    const ids = group.flatMap((p) => p.ids);
    const where = ids.length === allIds.length ? compiler.condition(def.when) : sql`c.region_id in (${literals(ids)}) and ${compiler.condition(def.when)}`;
    const part = group.length === 1 ? sql.raw(String(group[0]!.index)) : sql`case ${sql.join(group.map((p) => sql`when c.region_id in (${literals(p.ids)}) then ${sql.raw(String(p.index))}`), sql` `)} end`;
    return sql`select ${part}::int as part, ${compiler.score(def.score)} as score, ${compiler.evidence(def.evidence)} as evidence, ${compiler.reason(def)} as reason where ${where}`;
  });
  // Usage and events are restricted to the runs' customers, unless no customer lives elsewhere (a run of
  // every region): then the restriction would only cost a pass over the customers' ids.
  const [elsewhere] = await queryRows<{ found: boolean }>(
    db,
    sql`select exists (select from ${regions} r where r.id not in (${literals(allIds)}) and exists (select from customers c where c.region_id = r.id)) as found`,
  );
  const joins = compiler.aggregates.joins(elsewhere?.found === false ? null : sql`select id from customers where region_id in (${literals(allIds)})`);
  const at = sql`${now.toISOString()}::timestamptz`;
  const runsTable = sql.join(parts.map((p) => sql`(${sql.raw(String(p.index))}::int, ${p.pluginId}::text, ${p.ruleId}::text, ${p.runId}::int)`), sql`, `);
  const targets = sql.join(parts.flatMap((p) => p.ids.map((id) => sql`(${sql.raw(String(p.index))}::int, ${p.pluginId}::text, ${p.ruleId}::text, ${sql.raw(String(id))}::int)`)), sql`, `);
  const raised = inline
    ? sql`coalesce(jsonb_agg(jsonb_build_object('warningId', id, 'customerId', customer_id, 'level', level, 'score', score) order by id) filter (where raised = 1), '[]'::jsonb)`
    : sql`null::jsonb`;
  const rows = await queryRows<{ part: number; seen: number; raised_count: number; resolved: number; raised: RaisedWarning[] | string | null }>(
    db,
    sql`with hits as materialized (
          select c.id as customer_id, c.region_id, w.part, w.score, w.evidence, w.reason
          from customers c${joins}
          cross join lateral (${sql.join(selects, sql` union all `)}) w
          where c.region_id in (${literals(allIds)})
        ),
        runs (part, plugin_id, rule_id, run_id) as (values ${runsTable}),
        targets (part, plugin_id, rule_id, region_id) as (values ${targets}),
        upserted as (
          insert into ${warnings} (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, status, as_of_month, first_seen_at, last_seen_at, raised_by_run)
          select h.customer_id, r.plugin_id, r.rule_id, h.region_id, ${levelOf(sql`h.score`)}, h.score, h.reason, h.evidence, 'open', ${month}::date, ${at}, ${at}, r.run_id
          from hits h join runs r on r.part = h.part
          on conflict (customer_id, plugin_id, rule_id) where ${LIVE} do update set
            region_id = excluded.region_id, level = excluded.level, score = excluded.score, reason = excluded.reason,
            evidence = excluded.evidence, as_of_month = excluded.as_of_month, last_seen_at = excluded.last_seen_at
          returning id, customer_id, plugin_id, rule_id, region_id, level, score, (xmax = 0) as inserted
        ),
        cleared as (
          update ${warnings} w set status = 'resolved', resolved_at = ${at}, resolved_by = 'rule'
          from targets t
          where w.plugin_id = t.plugin_id and w.rule_id = t.rule_id and w.region_id = t.region_id and w.status in ('open', 'acknowledged')
            and not exists (select from hits h where h.customer_id = w.customer_id and h.part = t.part)
          returning t.part
        ),
        counted as (
          select t.part, u.id, u.customer_id, u.level, u.score, 1 as seen, u.inserted::int as raised, 0 as resolved
          from upserted u join targets t on t.plugin_id = u.plugin_id and t.rule_id = u.rule_id and t.region_id = u.region_id
          union all
          select part, null, null, null, null, 0, 0, 1 from cleared
        )
        select part, sum(seen)::int as seen, sum(raised)::int as raised_count, sum(resolved)::int as resolved, ${raised} as raised
        from counted group by part`,
  );
  for (const row of rows) {
    const result = results[Number(row.part)]!;
    result.seen = Number(row.seen);
    result.raisedCount = Number(row.raised_count);
    result.resolved = Number(row.resolved);
    if (row.raised !== null) result.raised = typeof row.raised === 'string' ? (JSON.parse(row.raised) as RaisedWarning[]) : row.raised;
  }
  return results;
}
