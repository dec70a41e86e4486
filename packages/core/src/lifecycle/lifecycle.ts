/**
 * The lifecycle stage and warnings of a batch of customers, in one statement (a DataLoader calls this with a
 * page of ids). Churned customers carry no warnings: they have already left.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { compileCustomerPredicates } from '../segments/compile.js';
import { stageOf, STAGE_CONDITIONS, type LifecycleStage } from './stages.js';
import { WARNING_CONDITIONS, WARNING_INDICATORS, type WarningIndicator } from './warnings.js';

export interface CustomerLifecycle {
  stage: LifecycleStage;
  warnings: WarningIndicator[];
}

/** Customers that do not exist are absent from the map. */
export async function lifecycleOf(db: Db, customerIds: readonly number[], opts: { now: Date }): Promise<Map<number, CustomerLifecycle>> {
  const result = new Map<number, CustomerLifecycle>();
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return result;
  const conditions = { ...WARNING_CONDITIONS, ...STAGE_CONDITIONS };
  // Usage is aggregated for these customers only, not the whole base.
  const { from, predicates } = compileCustomerPredicates(conditions, { now: opts.now, customerIds: ids });
  const flags = (Object.keys(conditions) as (keyof typeof conditions)[]).map(
    (key) => sql`(${predicates[key]}) is true as ${sql.identifier(key)}`,
  );
  type Row = { id: number; status: string } & Record<keyof typeof conditions, boolean>;
  const rows = await queryRows<Row>(db, sql`
    select c.id, c.status, ${sql.join(flags, sql`, `)}
    from ${from} where c.id = any(${sql.param(ids)}::int[])`);
  for (const row of rows) {
    const churned = row.status === 'churned';
    const warnings = churned ? [] : WARNING_INDICATORS.filter((w) => row[w]);
    result.set(row.id, { stage: stageOf({ churned, warnings, onboarding: row.onboarding, introduction: row.introduction }), warnings });
  }
  return result;
}
