/** Test support: regions, customers with revenue and warnings, and tactics as the planner gets them. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tier } from '@weixi/db';
import { insertRegions } from '@weixi/db/testing';
import type { TacticDefinition } from '@weixi/sdk';
import type { PlannedTactic } from './tactics.js';
import type { PlanRegion } from './run.js';

export async function addRegions(db: Db): Promise<Map<string, PlanRegion>> {
  const regions = await insertRegions(db, [['JS', 'province', null], ['JS-NJ', 'city', 'JS'], ['JS-SZ', 'city', 'JS']]);
  return new Map([...regions].map(([code, r]) => [code, { ...r, timeZone: 'Asia/Shanghai' }]));
}

let msisdn = 13800000000;
export interface CustomerSpec {
  region?: string;
  tier?: Tier;
  paymentType?: 'prepaid' | 'postpaid';
  /** Revenue (cents) in each of the three months before the planned month. */
  revenueCents?: number;
  /** Live warnings: `plugin/rule` with a score. */
  warnings?: Array<[string, number]>;
}

/** A customer named `name` with revenue in 2026-08..2026-10 and its warnings (planned on 2026-11-16). */
export async function addCustomer(db: Db, name: string, spec: CustomerSpec = {}): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db, sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, tier, points)
    values (${String(msisdn++)}, ${name}, (select id from regions where code = ${spec.region ?? 'JS-NJ'}), '2020-01-01', 'P59', ${spec.paymentType ?? 'prepaid'}, ${spec.tier ?? 'ordinary'}, 500)
    returning id`);
  const id = Number(row!.id);
  for (const month of ['2026-08-01', '2026-09-01', '2026-10-01']) {
    await db.execute(sql`insert into monthly_usage (customer_id, month, revenue_cents) values (${id}, ${month}::date, ${spec.revenueCents ?? 10_000})`);
  }
  for (const [rule, score] of spec.warnings ?? []) {
    const [pluginId, ruleId] = rule.split('/');
    await db.execute(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
      values (${id}, ${pluginId}, ${ruleId}, (select region_id from customers where id = ${id}), 'high', ${score}, ${`${ruleId} at ${score}`}, 'open', '2026-10-01', now(), now())`);
  }
  return id;
}

/** A tactic answering `rules`, every check passing unless given. */
export function tactic(key: string, over: Partial<TacticDefinition> & { rules?: string[] } = {}, refine?: PlannedTactic['refine']): PlannedTactic {
  const { rules, ...rest } = over;
  const definition: TacticDefinition = {
    answers: { warningRules: rules ?? ['warning-arpu-drop'] },
    eligibility: [],
    offer: { title: `${key} offer {bonus}`, costCents: 1000, benefit: { kind: 'credit', valueCents: 2000, description: 'credit' } },
    variables: { bonus: { mul: [{ customer: 'points' }, 0.1] } },
    expectedEffect: 0.2,
    precedence: 10,
    channels: ['sms'],
    cooldownDays: 30,
    script: '{name}: {offer} ({reason}, {tier})',
    outcomes: { retained: [{ grant: true }, { closeWarnings: true }], declined: [{ followUp: { days: 3, reason: 'call again' } }] },
    ...rest,
  };
  return { key, pluginId: key.split('/')[0]!, title: `${key} title`, definition, ...(refine ? { refine } : {}) };
}

export async function tasksOf(db: Db, customerId: number) {
  return queryRows<{ id: number; tactic: string; reason: string; script: string; channel: string; state: string; idempotency_key: string; cost_cents: number; warning_ids: number[]; offer: unknown; required_skills: string[] }>(
    db,
    sql`select id, tactic, reason, script, channel, state, idempotency_key, cost_cents, warning_ids, offer, required_skills from retention_tasks where customer_id = ${customerId} order by id`,
  );
}

export async function decisionsOf(db: Db, runId: number, customerId: number) {
  return queryRows<{ tactic: string; rank: number; eligible: boolean; reason: string | null; chosen: boolean }>(
    db,
    sql`select tactic, rank, eligible, reason, chosen from planner_decisions where run_id = ${runId} and customer_id = ${customerId} order by rank`,
  );
}
