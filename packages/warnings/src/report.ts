/**
 * Warnings whose scores were computed outside SQL (a churn model scores in Node): ONE statement upserts a
 * warning per scored customer of the region subtree and resolves the rule's live warnings there whose
 * customer is no longer among them, with the same semantics as a compiled rule's run (`run.ts`): one live
 * warning per customer and rule, a rerun refreshes, a run killed before the statement leaves nothing.
 */
import { sql } from 'drizzle-orm';
import { queryRows, warnings, type Db } from '@weixi/db';
import { levelOf } from './compile.js';
import { firstDay } from './months.js';
import type { RaisedWarning } from './run.js';

export interface ScoredWarning {
  customerId: number;
  /** 0 to 100. */
  score: number;
  reason: string;
  evidence: Record<string, number | null>;
  factors: Array<{ feature: string; value: number; contribution: number }>;
}

export interface ScoredWarningsInput {
  pluginId: string;
  ruleId: string;
  /** The region subtree the scores cover: customers outside it are ignored, its other live warnings resolved. */
  regionIds: number[];
  asOfMonth: string;
  now: Date;
  runId: number | null;
  warnings: ScoredWarning[];
}

export async function writeScoredWarnings(db: Db, input: ScoredWarningsInput): Promise<{ seen: number; resolved: number; raised: RaisedWarning[] }> {
  const { pluginId, ruleId, now, runId } = input;
  const ids = sql.raw(input.regionIds.map((id) => String(Number(id))).join(', ') || 'null');
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = input.warnings;
  const scored = sql`select s.customer_id, c.region_id, s.score, s.reason, s.evidence, s.factors
    from jsonb_to_recordset(${JSON.stringify(rows.map((w) => ({ customer_id: w.customerId, score: Math.min(100, Math.max(0, w.score)), reason: w.reason, evidence: w.evidence, factors: w.factors })))}::jsonb)
      as s(customer_id int, score real, reason text, evidence jsonb, factors jsonb)
    join customers c on c.id = s.customer_id where c.region_id in (${ids})`;
  const live = sql`status in ('open', 'acknowledged')`;
  const [row] = await queryRows<{ seen: number; resolved: number; raised: RaisedWarning[] | string }>(
    db,
    sql`with hits as materialized (${scored}),
        upserted as (
          insert into ${warnings} (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, factors, status, as_of_month, first_seen_at, last_seen_at, raised_by_run)
          select customer_id, ${pluginId}, ${ruleId}, region_id, ${levelOf(sql`score`)}, score, reason, evidence, factors, 'open', ${firstDay(input.asOfMonth)}::date, ${at}, ${at}, ${runId}::int
          from hits
          on conflict (customer_id, plugin_id, rule_id) where ${live} do update set
            region_id = excluded.region_id, level = excluded.level, score = excluded.score, reason = excluded.reason,
            evidence = excluded.evidence, factors = excluded.factors, as_of_month = excluded.as_of_month, last_seen_at = excluded.last_seen_at
          returning id, customer_id, level, score, (xmax = 0) as inserted
        ),
        cleared as (
          update ${warnings} w set status = 'resolved', resolved_at = ${at}, resolved_by = 'model'
          where w.plugin_id = ${pluginId} and w.rule_id = ${ruleId} and w.status in ('open', 'acknowledged')
            and w.region_id in (${ids}) and not exists (select from hits h where h.customer_id = w.customer_id)
          returning w.id
        )
        select (select count(*)::int from upserted) as seen, (select count(*)::int from cleared) as resolved,
          (select coalesce(jsonb_agg(jsonb_build_object('warningId', id, 'customerId', customer_id, 'level', level, 'score', score) order by id), '[]'::jsonb)
           from upserted where inserted) as raised`,
  );
  const raised = typeof row!.raised === 'string' ? (JSON.parse(row!.raised) as RaisedWarning[]) : row!.raised;
  return { seen: Number(row!.seen), resolved: Number(row!.resolved), raised };
}
