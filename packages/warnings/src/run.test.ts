import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import type { WarningRuleDefinition } from '@weixi/sdk';
import { addTestRegions } from './regions.test-support.js';
import { runWarningRule, runWarningRules, WarningRuleError, type WarningRulePart, type WarningRunInput } from './run.js';

let database: TestDatabase;
const ids: Record<string, number> = {};
// As of October 2026: evaluated on 2026-11-01 (Asia/Shanghai), the day after October ends.
const asOf = { month: '2026-10', day: '2026-11-01', dayStart: new Date('2026-11-01T00:00:00+08:00') };
const NOW = new Date('2026-11-01T07:00:00+08:00');

/** Every kind of expression, to compare with values worked out by hand from the rows below. */
const everything: WarningRuleDefinition = {
  when: { in: { fact: 'status', values: ['active', 'suspended'] } },
  score: { mul: [{ usage: 'revenueCents', measure: 'total', months: 1 }, 0.01] },
  evidence: {
    revenueOct: { usage: 'revenueCents', measure: 'total', months: 1 },
    revenueAvg3Before: { usage: 'revenueCents', measure: 'average', months: 3, offset: 1 },
    revenueMax3: { usage: 'revenueCents', measure: 'max', months: 3 },
    revenueMin3: { usage: 'revenueCents', measure: 'min', months: 3 },
    arpuChange: { change: { from: { usage: 'revenueCents', measure: 'average', months: 3, offset: 1 }, to: { usage: 'revenueCents', measure: 'total', months: 1 } } },
    silent: { monthsWithout: 'activeDays', months: 6 },
    tenure: { customer: 'tenureMonths' },
    contractDays: { customer: 'contractEndsInDays' },
    arrears: { sub: [{ customer: 'balanceCents' }, { mul: [-1, { customer: 'creditLimitCents' }] }] },
    deviceMonths: { monthsSinceDate: { attribute: 'devicePurchasedOn' } },
    inquiries: { events: { type: 'port_out_inquiry', days: 30 } },
    householdLeft: { householdChurned: { days: 90 } },
    perZero: { div: [1, 0] },
  },
  reason: 'ARPU {revenueOct} vs {revenueAvg3Before}; change {arpuChange}',
};

const input = (definition: WarningRuleDefinition, regionCode = 'JS'): WarningRunInput => ({
  pluginId: 'test-plugin', ruleId: 'rule', regionCode, asOf, definition, now: NOW, runId: null,
});

async function addCustomer(key: string, region: string, fields: string): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql.raw(`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, ${fields.split('|')[0]})
             values ('1380000${String(Object.keys(ids).length).padStart(4, '0')}', '${key}', (select id from regions where code = '${region}'), ${fields.split('|')[1]}) returning id`),
  );
  return (ids[key] = row!.id);
}

async function usage(customer: string, month: string, revenueCents: number, activeDays: number): Promise<void> {
  await database.db.execute(sql`insert into monthly_usage (customer_id, month, revenue_cents, active_days) values (${ids[customer]!}, ${`${month}-01`}::date, ${revenueCents}, ${activeDays})`);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await addTestRegions(database.db, [{ code: 'JS-NJ', name: '南京', province: 'JS' }, { code: 'ZJ-HZ', name: '杭州', province: 'ZJ' }]);
  // a: joined 2026-03-15, contract ends 2026-11-21, in arrears, device bought 2024-10-15, 2 inquiries, a household member churned.
  await addCustomer('a', 'JS-NJ', `contract_ends_on, balance_cents, credit_limit_cents, attributes, group_id, group_kind|'2026-03-15', 'p', 'postpaid', '2026-11-21', -5000, 3000, '{"devicePurchasedOn":"2024-10-15"}', 'h1', 'household'`);
  await addCustomer('b', 'JS-NJ', `group_id, group_kind, status, churned_on|'2020-01-01', 'p', 'prepaid', 'h1', 'household', 'churned', '2026-09-10'`);
  await addCustomer('c', 'JS-NJ', `attributes|'2026-09-02', 'p', 'prepaid', '{"devicePurchasedOn":"soon"}'`);
  await addCustomer('z', 'ZJ-HZ', `status|'2020-01-01', 'p', 'prepaid', 'active'`);
  for (const [m, r, d] of [['2026-06', 9000, 20], ['2026-07', 6000, 20], ['2026-08', 3000, 5], ['2026-09', 0, 0], ['2026-10', 4000, 0]] as const) await usage('a', m, r, d);
  await usage('z', '2026-10', 100, 1);
  for (const [at, type] of [['2026-10-20T10:00:00+08:00', 'port_out_inquiry'], ['2026-10-31T23:59:00+08:00', 'port_out_inquiry'], ['2026-11-01T00:00:00+08:00', 'port_out_inquiry'], ['2026-10-25T00:00:00+08:00', 'complaint']]) {
    await database.db.execute(sql`insert into customer_events (customer_id, type, occurred_at) values (${ids.a!}, ${type}, ${at}::timestamptz)`);
  }
});
afterAll(() => database?.close());

const live = () => queryRows<{ id: number; customer_id: number; status: string; level: string; score: number; reason: string; evidence: Record<string, number | null> }>(
  database.db,
  sql`select id, customer_id, status, level, score, reason, evidence from warnings order by id`,
);

describe('runWarningRule', () => {
  it('computes every kind of expression as of the month, set-based, for the region subtree only', async () => {
    const result = await runWarningRule(database.db, input(everything));
    expect(result).toMatchObject({ loaded: true, seen: 2, resolved: 0 });
    expect(result.raised.map((w) => w.customerId)).toEqual([ids.a, ids.c]);
    const [a, c] = await live();
    expect(a!.evidence).toEqual({
      revenueOct: 4000,
      revenueAvg3Before: 3000, // (6000 + 3000 + 0) / 3
      revenueMax3: 4000,
      revenueMin3: 0,
      arpuChange: 0.3333,
      silent: 2, // September and October: August was the last month with an active day
      tenure: 7, // April to October
      contractDays: 20,
      arrears: -2000,
      deviceMonths: 24,
      inquiries: 2, // the one at midnight of Nov 1 is after the evaluation day began
      householdLeft: 1,
      perZero: null,
    });
    expect(a).toMatchObject({ score: 40, level: 'medium', status: 'open', reason: 'ARPU 4000 vs 3000; change 0.33' });
    // c: no usage rows (every month counts 0), joined in September, an attribute that is not a date.
    expect(c!.evidence).toMatchObject({ revenueOct: 0, revenueMin3: 0, arpuChange: null, silent: 6, tenure: 1, contractDays: null, deviceMonths: null, inquiries: 0, householdLeft: 0 });
    expect(c).toMatchObject({ score: 0, level: 'low', reason: 'ARPU 0 vs 0; change -' });
  });

  it('never duplicates: a rerun and two concurrent runs refresh the open warnings', async () => {
    const before = await live();
    const again = await runWarningRule(database.db, input(everything));
    expect(again).toMatchObject({ seen: 2, raised: [], resolved: 0 });
    await Promise.all([runWarningRule(database.db, input(everything)), runWarningRule(database.db, input(everything))]);
    expect((await live()).map((w) => w.id)).toEqual(before.map((w) => w.id));
  });

  it('leaves nothing from a run that dies before it commits, and the next run completes it', async () => {
    const rule: WarningRuleDefinition = { when: { compare: [{ customer: 'tenureMonths' }, 'gte', 1] }, score: 50, evidence: {}, reason: 'tenure' };
    const other = { ...input(rule), ruleId: 'other' };
    await expect(
      database.db.transaction(async (tx) => {
        await runWarningRule(tx as never, other);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    const count = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from warnings where rule_id = 'other'`))[0]!.n;
    expect(await count()).toBe(0);
    expect((await runWarningRule(database.db, other)).raised).toHaveLength(3); // a, b (churned: the rule has no status test) and c
    expect(await count()).toBe(3);
  });

  it('resolves the live warnings of its region whose condition no longer holds, and acknowledged ones too', async () => {
    await database.db.execute(sql`update warnings set status = 'acknowledged', acknowledged_by = 'tester' where customer_id = ${ids.c!} and rule_id = 'rule'`);
    const onlyA: WarningRuleDefinition = { ...everything, when: { compare: [{ customer: 'balanceCents' }, 'lt', 0] } };
    expect(await runWarningRule(database.db, input(onlyA))).toMatchObject({ seen: 1, raised: [], resolved: 1 });
    expect((await live()).filter((w) => w.customer_id === ids.c).map((w) => w.status)).toEqual(['resolved', 'open']);
    // Run over Zhejiang: Jiangsu's warnings are not its to resolve.
    await runWarningRule(database.db, input(onlyA, 'ZJ'));
    expect((await live()).filter((w) => w.customer_id === ids.a)[0]!.status).toBe('open');
    // The condition holds again: a new warning, not the resolved one reopened.
    const result = await runWarningRule(database.db, input(everything));
    expect(result.raised.map((w) => w.customerId)).toEqual([ids.c]);
  });

  it('changes nothing while the as-of month has no usage in the region', async () => {
    const result = await runWarningRule(database.db, { ...input(everything), asOf: { ...asOf, month: '2026-11' } });
    expect(result).toEqual({ loaded: false, seen: 0, raised: [], resolved: 0 });
  });

  it('refuses a definition with every problem listed', async () => {
    const bad = {
      when: { all: [{ compare: [{ usage: 'revenue', measure: 'total', months: 0 }, 'bigger', 1] }] },
      score: { div: [1] },
      evidence: { 'bad name': 1 },
      reason: '{missing}',
    } as unknown as WarningRuleDefinition;
    const error = await runWarningRule(database.db, input(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarningRuleError);
    expect((error as WarningRuleError).problems).toEqual([
      'when.all[0].compare[1]: unknown op "bigger"; one of eq, ne, lt, lte, gt, gte',
      'when.all[0].compare[0].usage: unknown metric "revenue"; one of revenueCents, voiceMinutes, dataMb, sms, rechargeCents, activeDays, complaints, competitorContacts',
      'when.all[0].compare[0].months: 0; a whole number 1 to 36',
      'score.div: a pair [left, right]',
      'evidence.bad name: a name starts with a letter and has letters, digits or _ (at most 40)',
      'reason: {missing} names no evidence; evidence has bad name',
    ]);
  });
});

describe('runWarningRules', () => {
  const tenure = (score: number): WarningRuleDefinition => ({ when: { compare: [{ customer: 'tenureMonths' }, 'gte', 1] }, score, evidence: { tenure: { customer: 'tenureMonths' } }, reason: 'tenure {tenure}' });
  const part = (ruleId: string, regionCode: string, definition: WarningRuleDefinition): WarningRulePart => ({ pluginId: 'batch-plugin', ruleId, regionCode, definition, runId: null });
  const rows = (ruleId: string) => queryRows<{ customer_id: number; region: string; status: string; level: string; score: number; reason: string; evidence: unknown }>(
    database.db,
    sql`select w.customer_id, r.code as region, w.status, w.level, w.score, w.reason, w.evidence from warnings w join regions r on r.id = w.region_id
        where w.plugin_id in ('batch-plugin', 'test-plugin') and w.rule_id = ${ruleId} order by w.customer_id`,
  );

  it('runs several rules in several regions in ONE statement, writing what each run alone writes', async () => {
    const statements: string[] = [];
    const off = database.onStatement((text) => statements.push(text));
    const results = await runWarningRules(database.db, {
      asOf,
      now: NOW,
      runs: [part('b-everything', 'JS', everything), part('b-tenure', 'JS', tenure(50)), part('b-tenure', 'ZJ', tenure(60)), part('b-tenure', 'ZJ-NB', tenure(70))],
    });
    off();
    expect(statements.filter((s) => s.startsWith('with hits'))).toHaveLength(1);
    expect(results.map(({ loaded, seen, raisedCount, resolved }) => ({ loaded, seen, raisedCount, resolved }))).toEqual([
      { loaded: true, seen: 2, raisedCount: 2, resolved: 0 },
      { loaded: true, seen: 3, raisedCount: 3, resolved: 0 },
      { loaded: true, seen: 1, raisedCount: 1, resolved: 0 },
      { loaded: false, seen: 0, raisedCount: 0, resolved: 0 }, // no such region
    ]);
    // The same rule run alone writes the same rows.
    await runWarningRule(database.db, { ...input(everything), ruleId: 'b-alone' });
    const strip = (list: Awaited<ReturnType<typeof rows>>) => list.map(({ customer_id, level, score, reason, evidence }) => ({ customer_id, level, score, reason, evidence }));
    expect(strip(await rows('b-everything'))).toEqual(strip(await rows('b-alone')));
    // Each region with its own definition.
    expect((await rows('b-tenure')).map((w) => [w.customer_id, w.region, Number(w.score), w.reason])).toEqual([
      [ids.a, 'JS-NJ', 50, 'tenure 7'],
      [ids.b, 'JS-NJ', 50, 'tenure 81'],
      [ids.c, 'JS-NJ', 50, 'tenure 1'],
      [ids.z, 'ZJ-HZ', 60, 'tenure 81'],
    ]);
  });

  it('resolves per run: a rule cleared in one region keeps its warnings in the other', async () => {
    const never: WarningRuleDefinition = { ...tenure(50), when: { compare: [1, 'gt', 2] } };
    const results = await runWarningRules(database.db, { asOf, now: NOW, runs: [part('b-tenure', 'JS', never), part('b-tenure', 'ZJ', tenure(60))] });
    expect(results.map(({ seen, raisedCount, resolved }) => ({ seen, raisedCount, resolved }))).toEqual([
      { seen: 0, raisedCount: 0, resolved: 3 },
      { seen: 1, raisedCount: 0, resolved: 0 },
    ]);
    expect((await rows('b-tenure')).map((w) => `${w.region} ${w.status}`)).toEqual(['JS-NJ resolved', 'JS-NJ resolved', 'JS-NJ resolved', 'ZJ-HZ open']);
  });

  it('refuses two runs of one rule over the same region, and changes nothing', async () => {
    const before = await rows('b-everything');
    await expect(runWarningRules(database.db, { asOf, now: NOW, runs: [part('b-everything', 'JS', everything), part('b-everything', 'JS-NJ', everything)] })).rejects.toThrow(/two runs of batch-plugin\/b-everything/);
    expect(await rows('b-everything')).toEqual(before);
  });
});
