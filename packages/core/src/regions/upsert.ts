import { inArray, sql } from 'drizzle-orm';
import { regions, type Db } from '@weixi/db';
import { SYSTEM_PRINCIPAL, type Principal } from '../access/principal.js';
import { recordAudit } from '../audit/audit-log.js';
import { systemClock, type Clock } from '../clock.js';
import { IssueList } from '../errors.js';
import { escapeLike } from './subtrees.js';
import { checkRegionInput, type RegionInput } from './input.js';
import { planRegions, type PlannedRegion } from './plan.js';
import type { Region } from './regions.js';

/** Largest batch one call accepts. A country's provinces, cities and districts fit in one. */
export const MAX_REGION_BATCH = 5000;

export interface UpsertRegionsResult {
  /** The regions of the batch as stored now, in batch order. */
  regions: Region[];
  created: number;
  updated: number;
  unchanged: number;
  /** Of the updated, those that moved to another parent (their subtrees moved with them). */
  moved: number;
}

export interface UpsertRegionsOptions {
  /** The argument the batch came in, for issue paths (`input[3].parentCode`). */
  path?: string;
  /** When set, the core writes the audit row in its transaction under this operation (the CLI's import). */
  auditAs?: string;
  by?: Principal;
  clock?: Clock;
}

/**
 * Creates or updates regions by code, all or nothing, in one transaction that locks the region table
 * against other writers (reads go on). An item may move to another parent: its whole subtree's `path`,
 * which scope and every subtree scan read, is rewritten in one statement. A level that does not fit its
 * parent's, an unknown parent, a cycle, or a level change that strands stored children is an InputError
 * naming the item and field. Sending the same batch again writes nothing and reports every item unchanged.
 */
export async function upsertRegions(db: Db, inputs: readonly RegionInput[], options: UpsertRegionsOptions = {}): Promise<UpsertRegionsResult> {
  const { path = 'input' } = options;
  const issues = new IssueList();
  if (inputs.length === 0) issues.add(path, 'must hold at least one region');
  if (inputs.length > MAX_REGION_BATCH) issues.add(path, `holds ${inputs.length} regions; at most ${MAX_REGION_BATCH} per call`);
  issues.throwIfAny();
  const firstIndexOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    const first = firstIndexOf.get(input.code);
    if (first !== undefined) issues.add(`${path}[${index}].code`, `${input.code} appears twice in this batch (also at ${path}[${first}])`);
    else firstIndexOf.set(input.code, index);
  });
  issues.throwIfAny();
  // Items with a bad field are still planned, so one answer lists every issue of the batch.
  const bad = new Set<number>();
  inputs.forEach((input, index) => {
    const before = issues.issues.length;
    checkRegionInput(input, `${path}[${index}]`, issues);
    if (issues.issues.length > before) bad.add(index);
  });

  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table regions in exclusive mode`);
    const plan = await planRegions(tx as unknown as Db, inputs, { path, issues, bad });
    const changed = plan.filter((p) => p.change !== 'unchanged');
    if (changed.length > 0) await writePlan(tx as unknown as Db, changed);
    const rows = await tx.select().from(regions).where(inArray(regions.code, plan.map((p) => p.code)));
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const result: UpsertRegionsResult = {
      regions: plan.map((p) => byCode.get(p.code)!),
      created: plan.filter((p) => p.change === 'created').length,
      updated: plan.filter((p) => p.change === 'updated').length,
      unchanged: plan.filter((p) => p.change === 'unchanged').length,
      moved: plan.filter((p) => p.movedFrom !== undefined).length,
    };
    if (options.auditAs) {
      const by = options.by ?? SYSTEM_PRINCIPAL;
      const objects = changed.map((p) => `region:${p.code}`);
      await recordAudit(tx as unknown as Db, { at: (options.clock ?? systemClock).now(), actor: by.actor, role: by.kind, operation: options.auditAs, objects, pluginId: null, outcome: 'ok', detail: {} });
    }
    return result;
  });
}

async function writePlan(db: Db, changed: PlannedRegion[]): Promise<void> {
  // Moves first, deepest first: a subtree moved before its ancestor no longer matches the ancestor's old
  // path, and the ancestor's old path is still current when its turn comes. One statement per moved region.
  const moves = changed.filter((p) => p.movedFrom !== undefined).sort((a, b) => b.movedFrom!.length - a.movedFrom!.length);
  for (const move of moves) {
    await db.execute(sql`update regions set path = ${move.path} || substr(path, length(${move.movedFrom}) + 1) where path like ${`${escapeLike(move.movedFrom!)}%`}`);
  }
  await db
    .insert(regions)
    .values(
      changed.map((p) => ({
        code: p.code,
        name: p.name,
        level: p.level,
        timeZone: p.timeZone,
        path: p.path,
        parentId: p.parentCode === null ? null : sql`(select id from regions where code = ${p.parentCode})`,
      })),
    )
    .onConflictDoUpdate({
      target: regions.code,
      set: { name: sql`excluded.name`, level: sql`excluded.level`, timeZone: sql`excluded.time_zone`, path: sql`excluded.path`, parentId: sql`excluded.parent_id` },
    });
  // Parents created by the insert above were not visible to its subqueries: link every changed region to
  // the region whose path is its own minus its last code.
  await db.execute(sql`
    update regions c set parent_id = p.id from regions p
    where c.code = any(${sql.param(changed.filter((r) => r.parentCode !== null).map((r) => r.code))}::text[])
      and p.path = left(c.path, length(c.path) - length(c.code) - 1)
      and c.parent_id is distinct from p.id`);
}
