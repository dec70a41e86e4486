import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import type { WarningRuleDefinition } from '@weixi/sdk';
import { addTestRegions } from './regions.test-support.js';
import { backtestWarnings, type BacktestInput, type BacktestPart } from './backtest.js';

let database: TestDatabase;
// As of June 2026, judged on 2026-07-01; the horizon of 3 months is July to September.
const asOf = { month: '2026-06', day: '2026-07-01', dayStart: new Date('2026-07-01T00:00:00+08:00') };
const MONTHS = ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09'];

const change = { change: { from: { usage: 'revenueCents', measure: 'average', months: 3, offset: 1 }, to: { usage: 'revenueCents', measure: 'total', months: 1 } } } as const;
/** ARPU fell by half or more; the score is the drop in percent. Only for active customers: hindsight must count churners as active. */
const drop: WarningRuleDefinition = {
  when: { all: [{ in: { fact: 'status', values: ['active'] } }, { compare: [change, 'lte', -0.5] }] },
  score: { mul: [change, -100] },
  evidence: { change },
  reason: 'ARPU {change}',
};
const complaints: WarningRuleDefinition = {
  when: { compare: [{ usage: 'complaints', measure: 'total', months: 1 }, 'gte', 2] },
  score: { mul: [{ usage: 'complaints', measure: 'total', months: 1 }, 20] },
  evidence: {},
  reason: 'complaints',
};

/** Customer: city, joined, churned on, revenue per month of MONTHS (null: no row), June complaints. */
const PEOPLE: Record<string, [string, string, string | null, Array<number | null>, number]> = {
  a: ['JS-NJ', '2020-01-01', '2026-08-10', [10000, 10000, 10000, 2000, 1000, 500, null], 3],
  b: ['JS-NJ', '2020-01-01', null, [10000, 10000, 10000, 3000, 3000, 3000, 3000], 0],
  c: ['JS-NJ', '2020-01-01', null, [5000, 5000, 5000, 5000, 5000, 5000, 5000], 2],
  d: ['JS-SZ', '2020-01-01', '2026-09-20', [5000, 5000, 5000, 5000, 5000, 5000, 1000], 0],
  e: ['JS-SZ', '2020-01-01', null, [5000, 5000, 5000, 5000, 5000, null, 0], 0],
  f: ['JS-NJ', '2020-01-01', '2026-05-01', [5000, 5000, 0, null, null, null, null], 0],
  g: ['JS-NJ', '2026-07-05', null, [null, null, null, null, 5000, 5000, 5000], 5],
  h: ['JS-NJ', '2020-01-01', '2026-11-01', [10000, 10000, 10000, 4000, 4000, 4000, 4000], 0],
  i: ['JS-NJ', '2020-01-01', null, [5000, 5000, 5000, 5000, 5000, 5000, 5000], 0],
  z: ['ZJ-HZ', '2020-01-01', '2026-08-01', [10000, 10000, 10000, 1000, 1000, null, null], 4],
};

beforeAll(async () => {
  database = await createTestDatabase();
  await addTestRegions(database.db, [{ code: 'JS-NJ', name: '南京', province: 'JS' }, { code: 'JS-SZ', name: '苏州', province: 'JS' }, { code: 'ZJ-HZ', name: '杭州', province: 'ZJ' }]);
  let n = 0;
  for (const [name, [region, joined, churned, revenue, juneComplaints]] of Object.entries(PEOPLE)) {
    const [row] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, status, churned_on)
          values (${`1390000${String(n++).padStart(4, '0')}`}, ${name}, (select id from regions where code = ${region}), ${joined}::date, 'p', 'prepaid',
            ${churned ? 'churned' : 'active'}, ${churned}::date) returning id`,
    );
    for (const [k, cents] of revenue.entries()) {
      if (cents === null) continue;
      await database.db.execute(sql`insert into monthly_usage (customer_id, month, revenue_cents, complaints)
        values (${row!.id}, ${`${MONTHS[k]}-01`}::date, ${cents}, ${MONTHS[k] === '2026-06' ? juneComplaints : 0})`);
    }
  }
});
afterAll(() => database?.close());

const part = (definition: WarningRuleDefinition, regionPaths: string[], weight = 1): BacktestPart => ({ regionPaths, asOf, definition, weight });
const input = (over: Partial<BacktestInput> = {}): BacktestInput => ({
  regionPath: '/JS/',
  asOfMonth: '2026-06',
  horizonMonths: 3,
  churn: { monthsWithoutRevenue: null },
  rules: [
    { pluginId: 'p-drop', ruleId: 'drop', parts: [part(drop, ['/JS/JS-NJ/', '/JS/JS-SZ/'])] },
    { pluginId: 'p-complaints', ruleId: 'complaints', parts: [part(complaints, ['/JS/JS-NJ/'])] },
  ],
  ...over,
});

describe('backtestWarnings', () => {
  it('judges the customers active at the end of the month against who churned in the horizon', async () => {
    const result = await backtestWarnings(database.db, input());
    // a b c d e h i: f churned before July, g joined after June, z is in another province.
    expect(result).toMatchObject({ asOfMonth: '2026-06', horizonMonths: 3, population: 7, churned: 2, topSize: 1 });
    expect(result.baseRate).toBeCloseTo(2 / 7);
    const [dropFigures, complaintFigures] = result.rules;
    // a (churned, but active on July 1: hindsight), b and h (churned in November, after the horizon).
    expect(dropFigures).toMatchObject({ pluginId: 'p-drop', ruleId: 'drop', flagged: 3, churned: 1, recall: 0.5 });
    expect(dropFigures!.precision).toBeCloseTo(1 / 3);
    expect(dropFigures!.lift).toBeCloseTo(1 / 3 / (2 / 7));
    // The top 10% of 7 is one customer: a, dropped 80%, ahead of b (70) and h (60).
    expect(dropFigures!.top).toMatchObject({ customers: 1, churned: 1, precision: 1 });
    expect(dropFigures!.top.lift).toBeCloseTo(3.5);
    expect(complaintFigures).toMatchObject({ flagged: 2, churned: 1, precision: 0.5, recall: 0.5, lift: 1.75 });
    // Combined: a 92, b 70, h 60, c 40.
    expect(result.combined).toMatchObject({ flagged: 4, churned: 1, precision: 0.25, top: { customers: 1, churned: 1, precision: 1 } });
  });

  it('counts months without revenue as churn when the definition says so', async () => {
    const result = await backtestWarnings(database.db, input({ churn: { monthsWithoutRevenue: 2 } }));
    // e had no revenue in August (no row) and September (a row of 0); a had none in September only.
    expect(result).toMatchObject({ population: 7, churned: 3 });
    expect(result.rules[0]).toMatchObject({ flagged: 3, churned: 1 });
  });

  it('evaluates each rule only where it is configured, with its weight in the combined score', async () => {
    const result = await backtestWarnings(database.db, input({
      rules: [
        { pluginId: 'p-drop', ruleId: 'drop', parts: [part(drop, ['/JS/JS-NJ/'], 0.1)] },
        { pluginId: 'p-complaints', ruleId: 'complaints', parts: [part(complaints, ['/JS/JS-SZ/'])] },
      ],
    }));
    expect(result.rules[1]).toMatchObject({ flagged: 0, churned: 0, precision: null, lift: null, recall: 0 });
    // Weighted 0.1, the drops score 8, 7 and 6; the top one is still a.
    expect(result.combined).toMatchObject({ flagged: 3, top: { customers: 1, churned: 1 } });
  });

  it('ranks the top share by combined risk, weights included', async () => {
    const result = await backtestWarnings(database.db, input({
      topShare: 0.3,
      rules: [
        { pluginId: 'p-drop', ruleId: 'drop', parts: [part(drop, ['/JS/'], 0.5)] },
        { pluginId: 'p-complaints', ruleId: 'complaints', parts: [part(complaints, ['/JS/'])] },
      ],
    }));
    // ceil(0.3 × 7) = 3: a (1 − 0.6 × 0.4 = 76), c (40), b (35); h (30) is fourth.
    expect(result.topSize).toBe(3);
    expect(result.combined.top).toMatchObject({ customers: 3, churned: 1 });
    // A flag of full certainty (weight 1, score 100) makes the combined risk 100 and ranks first.
    const certain: WarningRuleDefinition = { ...complaints, score: 100 };
    const sure = await backtestWarnings(database.db, input({ topShare: 0.15, rules: [{ pluginId: 'p-sure', ruleId: 'sure', parts: [part(certain, ['/JS/'])] }, { pluginId: 'p-drop', ruleId: 'drop', parts: [part(drop, ['/JS/'])] }] }));
    expect(sure.topSize).toBe(2);
    expect(sure.combined).toMatchObject({ flagged: 4, top: { customers: 2, churned: 1 } });
    const everywhere = await backtestWarnings(database.db, input({ regionPath: null, rules: [{ pluginId: 'p-drop', ruleId: 'drop', parts: [part(drop, ['/'])] }] }));
    // z joins the population, the churners and the flags.
    expect(everywhere).toMatchObject({ population: 8, churned: 3 });
    expect(everywhere.rules[0]).toMatchObject({ flagged: 4, churned: 2 });
  });

  it('writes nothing and refuses a horizon or churn definition out of range', async () => {
    await backtestWarnings(database.db, input());
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from warnings`);
    expect(row!.n).toBe(0);
    await expect(backtestWarnings(database.db, input({ horizonMonths: 0 }))).rejects.toThrow('horizon: 0 months; 1 to 12');
    await expect(backtestWarnings(database.db, input({ churn: { monthsWithoutRevenue: 4 } }))).rejects.toThrow("monthsWithoutRevenue: 4; 1 to the horizon's 3 months");
    const broken = { ...drop, reason: '{nothing}' };
    await expect(backtestWarnings(database.db, input({ rules: [{ pluginId: 'p', ruleId: 'r', parts: [part(broken, ['/JS/'])] }] }))).rejects.toThrow("warning rule 'p/r' is invalid");
  });
});
