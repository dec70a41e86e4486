/**
 * Uplift by warning rule on a hand-built population (month 2026-10, horizon 3, JS-NJ in Asia/Shanghai, rule
 * `w/arpu` holding out 50% from JS, `w/port` holding out none). Customers are split by the draw computed here
 * from md5 (H held out of `w/arpu`, N not), then given their roles:
 * - treated (a planner task answering the October warning, created Oct..Dec local): N0 (two October warnings,
 *   the task answers the second), N1 (first seen 2026-10-01 01:00 local, still September in UTC), N2 (task
 *   2026-12-31 23:30 local), N3, N4 (its task also answers a `w/port` warning), N5 (churns in November), and H0
 *   (held out, yet treated: treated wins);
 * - control (held out, not treated): H1 (churns in October), H2 (churns in December), H3 (churns in January,
 *   after the horizon: retained), H4, H5 (its task comes in January, after the horizon: still control);
 * - neither (each churns in October, so counting it would show): N6 (task 2027-01-01 00:30 local), N7 (no
 *   task), N8 (a planner task answering no warning), H6 (first seen 2026-09-30 23:00 local: September).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, insertRegions, type TestDatabase } from '@weixi/db/testing';
import { kpisOf } from './report.js';
import { setKpiSettings } from './settings.js';

let database: TestDatabase;
const db = () => database.db;
const region = {} as Record<string, { id: number; path: string; code: string }>;
let runId = 0;

/** The draw computed apart from the database: the first 32 bits of md5(key:id) as a fraction. */
const heldOut = (key: string, id: number, share: number) => parseInt(createHash('md5').update(`${key}:${id}`).digest('hex').slice(0, 8), 16) / 2 ** 32 < share;

async function warning(customer: number, rule: string, firstSeen: string, status = 'open'): Promise<number> {
  const [plugin, ruleId] = rule.split('/');
  const [row] = await queryRows<{ id: number }>(db(), sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at, resolved_at)
    values (${customer}, ${plugin}, ${ruleId}, ${region['JS-NJ']!.id}, 'high', 60, 'r', ${status}, '2026-09-01', ${firstSeen}::timestamptz, ${firstSeen}::timestamptz,
      ${status === 'resolved' ? sql`${firstSeen}::timestamptz` : null}) returning id`);
  return Number(row!.id);
}

async function task(customer: number, warningIds: number[] | null, createdAt: string): Promise<void> {
  await db().execute(sql`insert into retention_tasks (customer_id, reason, tactic, plugin_id, state, due_at, planner_run_id, warning_ids, created_at)
    values (${customer}, 'r', 't/boost', 't', 'open', ${createdAt}::timestamptz, ${runId}, ${warningIds === null ? null : sql`${sql.param(warningIds)}::int[]`}, ${createdAt}::timestamptz)`);
}

async function churn(customer: number, month: string): Promise<void> {
  await db().execute(sql`insert into churn_facts (customer_id, month, region_id, tier, churned, reason) values (${customer}, ${`${month}-01`}::date, ${region['JS-NJ']!.id}, 'ordinary', true, 'status')`);
}

async function revenue(customer: number, cents: Record<string, number>): Promise<void> {
  for (const [month, c] of Object.entries(cents)) await db().execute(sql`insert into monthly_usage (customer_id, month, revenue_cents) values (${customer}, ${`${month}-01`}::date, ${c})`);
}

const local = (t: string) => `${t}+08:00`;
const oct5 = local('2026-10-05T10:00:00');

beforeAll(async () => {
  database = await createTestDatabase();
  Object.assign(region, Object.fromEntries(await insertRegions(db(), [['JS', 'province', null], ['JS-NJ', 'city', 'JS']])));
  await setKpiSettings(db(), region.JS!, { controlGroups: { warningRules: { 'w/arpu': 0.5 } } });
  const [run] = await queryRows<{ id: number }>(db(), sql`insert into planner_runs (region_id, day, started_at, status)
    values (${region['JS-NJ']!.id}, '2026-10-02', ${local('2026-10-02T02:00:00')}::timestamptz, 'succeeded') returning id`);
  runId = Number(run!.id);
  const [H, N] = [[] as number[], [] as number[]];
  for (let i = 0; i < 40 && (H.length < 7 || N.length < 9); i++) {
    const [row] = await queryRows<{ id: number }>(db(), sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, tier, status)
      values (${String(13900000000 + i)}, 'c', ${region['JS-NJ']!.id}, '2020-01-01', 'P59', 'postpaid', 'ordinary', 'active') returning id`);
    const id = Number(row!.id);
    (heldOut('w/arpu', id, 0.5) ? H : N).push(id);
  }
  expect([H.length >= 7, N.length >= 9]).toEqual([true, true]);
  const stays = { '2026-11': 6000, '2026-12': 6000, '2027-01': 6000 };

  // Treated.
  await warning(N[0]!, 'w/arpu', local('2026-10-03T10:00:00'), 'resolved');
  await task(N[0]!, [await warning(N[0]!, 'w/arpu', local('2026-10-20T10:00:00'))], local('2026-10-21T10:00:00'));
  await task(N[1]!, [await warning(N[1]!, 'w/arpu', '2026-09-30T17:00:00Z')], local('2026-10-02T10:00:00'));
  await task(N[2]!, [await warning(N[2]!, 'w/arpu', oct5)], local('2026-12-31T23:30:00'));
  await task(N[3]!, [await warning(N[3]!, 'w/arpu', oct5)], local('2026-11-02T10:00:00'));
  await task(N[4]!, [await warning(N[4]!, 'w/arpu', oct5), await warning(N[4]!, 'w/port', oct5)], local('2026-10-06T10:00:00'));
  await task(N[5]!, [await warning(N[5]!, 'w/arpu', oct5)], local('2026-10-06T10:00:00'));
  await task(H[0]!, [await warning(H[0]!, 'w/arpu', oct5)], local('2026-10-08T10:00:00'));
  for (const id of [N[0]!, N[1]!, N[2]!, N[3]!, N[4]!, H[0]!]) await revenue(id, stays);
  await churn(N[5]!, '2026-11');
  await revenue(N[5]!, { '2026-11': 3000 });

  // Control.
  for (const id of H.slice(1, 6)) await warning(id, 'w/arpu', oct5);
  await task(H[5]!, [Number((await queryRows<{ id: number }>(db(), sql`select id from warnings where customer_id = ${H[5]!}`))[0]!.id)], local('2027-01-10T10:00:00'));
  await churn(H[1]!, '2026-10');
  await churn(H[2]!, '2026-12');
  await revenue(H[2]!, { '2026-11': 4000 });
  await churn(H[3]!, '2027-01');
  await revenue(H[3]!, { '2026-11': 4000, '2026-12': 4000 });
  for (const id of [H[4]!, H[5]!]) await revenue(id, { '2026-11': 4000, '2026-12': 4000, '2027-01': 4000 });

  // Neither treated nor control.
  await task(N[6]!, [await warning(N[6]!, 'w/arpu', oct5)], local('2027-01-01T00:30:00'));
  await warning(N[7]!, 'w/arpu', oct5);
  await warning(N[8]!, 'w/arpu', oct5);
  await task(N[8]!, null, local('2026-10-06T10:00:00'));
  await warning(H[6]!, 'w/arpu', '2026-09-30T15:00:00Z');
  for (const id of [N[6]!, N[7]!, N[8]!, H[6]!]) await churn(id, '2026-10');
});
afterAll(() => database.close());

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
const Z = 1.959963984540054;

describe('uplift by warning rule', () => {
  it('compares the customers first warned in the month and treated within the horizon with those held out of the rule', async () => {
    const report = await kpisOf(db(), region.JS!, '2026-10', 'warningRule');
    expect(report.by).toBe('warningRule');
    expect(report.rows.map((r) => r.key)).toEqual(['w/arpu', 'w/port']);
    const arpu = report.rows[0]!;
    // Customer figures are not split by rule; tasks created in October answering the rule: N0, N1, N4, N5, H0.
    expect(arpu).toMatchObject({ customers: null, warned: null, tasks: 5 });
    const u = arpu.uplift!;
    // By hand: treated N0-N5 and H0, 6 of 7 retained (N5 churns); control H1-H5, 3 of 5 (H1, H2 churn within the horizon).
    expect(u).toMatchObject({ treated: 7, control: 5, treatedRetained: 6, controlRetained: 3 });
    expect(u.treatedRetentionRate).toBeCloseTo(6 / 7, 12);
    expect(u.controlRetentionRate).toBeCloseTo(3 / 5, 12);
    const se = Math.sqrt(((6 / 7) * (1 / 7)) / 7 + ((3 / 5) * (2 / 5)) / 5); // ≈ 0.25592
    expect(se).toBeCloseTo(0.25592, 5);
    expect(u.retention!.difference).toBeCloseTo(9 / 35, 12);
    expect(u.retention!.low).toBeCloseTo(9 / 35 - Z * se, 9);
    expect(u.retention!.high).toBeCloseTo(9 / 35 + Z * se, 9);
    // Mean monthly revenue over Nov-Jan: treated 6 × 6000 and N5 3000 / 3; control H1 0, H2 4000 / 3, H3 8000 / 3, H4 and H5 4000.
    const treated = [...Array(6).fill(6000), 1000];
    const control = [0, 4000 / 3, 8000 / 3, 4000, 4000];
    expect(u.treatedRevenueCents).toBeCloseTo(37000 / 7, 9);
    expect(u.controlRevenueCents).toBeCloseTo(12000 / 5, 9);
    const half = Z * Math.sqrt(variance(treated) / 7 + variance(control) / 5);
    expect(u.revenueCents!.difference).toBeCloseTo(37000 / 7 - 12000 / 5, 9);
    expect(u.revenueCents!.low).toBeCloseTo(37000 / 7 - 12000 / 5 - half, 6);
    expect(u.revenueCents!.high).toBeCloseTo(37000 / 7 - 12000 / 5 + half, 6);
  });

  it('has no control group for a rule without a share: the sample sizes say so and the interval is null', async () => {
    const port = (await kpisOf(db(), region['JS-NJ']!, '2026-10', 'warningRule')).rows.find((r) => r.key === 'w/port')!;
    expect(port.tasks).toBe(1);
    expect(port.uplift).toMatchObject({ treated: 1, control: 0, treatedRetained: 1, retention: null, revenueCents: null });
  });

  it('follows the month: the customers first warned in September are compared in September', async () => {
    const [row] = (await kpisOf(db(), region.JS!, '2026-09', 'warningRule')).rows;
    // H6 only (first seen 2026-09-30 23:00 local), held out, churns in October.
    expect(row).toMatchObject({ key: 'w/arpu', tasks: 0, uplift: { treated: 0, control: 1, controlRetained: 0 } });
  });
});
