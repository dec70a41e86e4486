import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, monthlyUsage, queryRows, regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { compileCustomerPredicate } from './compile.js';
import type { FieldCondition, MetricCondition, SegmentCondition } from './definition.js';

const now = new Date('2026-11-15T12:00:00Z');
let database: TestDatabase;
/** Customer id → name, for readable expectations. */
const names = new Map<number, string>();

async function members(def: SegmentCondition, at = now): Promise<string[]> {
  const { from, where } = compileCustomerPredicate(def, { now: at });
  const rows = await queryRows<{ id: number }>(database.db, sql`select c.id from ${from} where ${where}`);
  return rows.map((r) => names.get(r.id)!).sort();
}
const field = (f: FieldCondition): SegmentCondition => ({ field: f });
const metric = (m: MetricCondition): SegmentCondition => ({ metric: m });

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const region = async (code: string, path: string, level: 'province' | 'city' | 'district', parentId?: number) =>
    (await db.insert(regions).values({ code, name: code, level, path, parentId, timeZone: 'Asia/Shanghai' }).returning())[0]!.id;
  const js = await region('JS', '/JS/', 'province');
  const nj = await region('JS-NJ', '/JS/JS-NJ/', 'city', js);
  const gl = await region('JS-NJ-GL', '/JS/JS-NJ/JS-NJ-GL/', 'district', nj);
  const sz = await region('JS-SZ', '/JS/JS-SZ/', 'city', js);
  const zj = await region('ZJ', '/ZJ/', 'province');
  const hz = await region('ZJ-HZ', '/ZJ/ZJ-HZ/', 'city', zj);
  await region('A_B', '/A_B/', 'province');
  const axb = await region('AxB', '/AxB/', 'province');

  const rows = await db
    .insert(customers)
    .values([
      {
        msisdn: '13800000001', name: 'Alice', regionId: gl, joinedOn: '2020-01-15', plan: 'Gold 199', paymentType: 'postpaid',
        balanceCents: 5000, creditLimitCents: 10000, points: 300, contractEndsOn: '2026-12-01', device: 'iPhone 15',
        birthday: '1990-11-20', groupId: 'H1', groupKind: 'household', accountManager: 'mgr1', tier: 'gold',
        attributes: { interest: 'football', score: '7' },
      },
      {
        msisdn: '13800000002', name: 'Bob', regionId: sz, joinedOn: '2026-10-20', plan: 'Campus 59', paymentType: 'prepaid',
        birthday: '2000-02-29', isCampus: true,
      },
      {
        msisdn: '13900000003', name: 'Carol', regionId: hz, joinedOn: '2026-08-15', plan: 'Gold 199', paymentType: 'postpaid',
        balanceCents: 12000, points: 50, contractEndsOn: '2027-01-14', device: 'Huawei Mate', birthday: '1985-11-15',
        groupId: 'E1', groupKind: 'enterprise', status: 'suspended', tier: 'silver', attributes: { interest: 'music' },
      },
      {
        msisdn: '13900000004', name: 'Dave_%', regionId: js, joinedOn: '2018-05-31', plan: 'Basic 19', paymentType: 'prepaid',
        balanceCents: 100, contractEndsOn: '2026-11-10', device: 'Nokia', birthday: '1970-11-14', status: 'churned', churnedOn: '2026-10-31',
      },
      { msisdn: '13700000005', name: 'Eve', regionId: axb, joinedOn: '2026-07-31', plan: 'Basic 19', paymentType: 'prepaid' },
    ])
    .returning();
  for (const row of rows) names.set(row.id, row.name);
  const id = (name: string) => rows.find((r) => r.name === name)!.id;

  const months = ['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01'];
  await db.insert(monthlyUsage).values([
    // Alice: steady; the current (incomplete) month must be ignored.
    ...months.map((month) => ({ customerId: id('Alice'), month, revenueCents: 10000, activeDays: 30 })),
    { customerId: id('Alice'), month: '2026-11-01', revenueCents: 99999, activeDays: 10, complaints: 9 },
    // Bob joined in October.
    { customerId: id('Bob'), month: '2026-10-01', revenueCents: 500, activeDays: 5 },
    // Carol: revenue down exactly 30%, silent for two months, complaining.
    ...months.slice(0, 3).map((month) => ({ customerId: id('Carol'), month, revenueCents: 10000, activeDays: 25 })),
    { customerId: id('Carol'), month: '2026-08-01', revenueCents: 7000, activeDays: 20 },
    { customerId: id('Carol'), month: '2026-09-01', revenueCents: 7000, activeDays: 0 },
    { customerId: id('Carol'), month: '2026-10-01', revenueCents: 7000, activeDays: 0, complaints: 2, competitorContacts: 1 },
    // Dave: no rows after July. Eve: no rows at all.
    ...months.slice(0, 3).map((month) => ({ customerId: id('Dave_%'), month, revenueCents: 5000, activeDays: 10 })),
  ]);
});
afterAll(() => database.close());

describe('field conditions', () => {
  it('compares text fields, with LIKE wildcards in values taken literally', async () => {
    expect(await members(field({ field: 'name', op: 'eq', value: 'Alice' }))).toEqual(['Alice']);
    expect(await members(field({ field: 'name', op: 'ne', value: 'Alice' }))).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'name', op: 'lt', value: 'Bob' }))).toEqual(['Alice']);
    expect(await members(field({ field: 'name', op: 'gte', value: 'Dave' }))).toEqual(['Dave_%', 'Eve']);
    expect(await members(field({ field: 'plan', op: 'in', values: ['Gold 199', 'Basic 19'] }))).toEqual(['Alice', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'plan', op: 'notIn', values: ['Gold 199'] }))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'msisdn', op: 'startsWith', value: '139' }))).toEqual(['Carol', 'Dave_%']);
    expect(await members(field({ field: 'name', op: 'contains', value: 'o' }))).toEqual(['Bob', 'Carol']);
    expect(await members(field({ field: 'name', op: 'contains', value: '_%' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'name', op: 'startsWith', value: '%' }))).toEqual([]);
  });

  it('treats missing values: only isNull matches them, ne and notIn are complements of eq and in', async () => {
    expect(await members(field({ field: 'device', op: 'isNull' }))).toEqual(['Bob', 'Eve']);
    expect(await members(field({ field: 'device', op: 'isNotNull' }))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members(field({ field: 'device', op: 'ne', value: 'iPhone 15' }))).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'device', op: 'notIn', values: ['iPhone 15', 'Nokia'] }))).toEqual(['Bob', 'Carol', 'Eve']);
    expect(await members(field({ field: 'device', op: 'lt', value: 'zzz' }))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members(field({ field: 'accountManager', op: 'eq', value: 'mgr1' }))).toEqual(['Alice']);
  });

  it('compares numbers, dates, booleans and enums', async () => {
    expect(await members(field({ field: 'balanceCents', op: 'gt', value: '100' }))).toEqual(['Alice', 'Carol']);
    expect(await members(field({ field: 'balanceCents', op: 'lte', value: '100' }))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'balanceCents', op: 'gte', value: '99.5' }))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members(field({ field: 'balanceCents', op: 'in', values: ['0', '100'] }))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'creditLimitCents', op: 'eq', value: '10000' }))).toEqual(['Alice']);
    expect(await members(field({ field: 'points', op: 'ne', value: '0' }))).toEqual(['Alice', 'Carol']);
    expect(await members(field({ field: 'joinedOn', op: 'lt', value: '2020-01-01' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'joinedOn', op: 'in', values: ['2026-10-20', '2026-07-31'] }))).toEqual(['Bob', 'Eve']);
    expect(await members(field({ field: 'contractEndsOn', op: 'isNotNull' }))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members(field({ field: 'churnedOn', op: 'eq', value: '2026-10-31' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'isCampus', op: 'eq', value: 'true' }))).toEqual(['Bob']);
    expect(await members(field({ field: 'isCampus', op: 'ne', value: 'true' }))).toEqual(['Alice', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'status', op: 'in', values: ['suspended', 'churned'] }))).toEqual(['Carol', 'Dave_%']);
    expect(await members(field({ field: 'paymentType', op: 'eq', value: 'prepaid' }))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'groupKind', op: 'isNull' }))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'groupKind', op: 'notIn', values: ['household'] }))).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
  });

  it('counts tenure in whole months', async () => {
    // Alice 82 months, Bob 0, Carol exactly 3 (joined Aug 15), Dave 101, Eve 3 (joined Jul 31).
    expect(await members(field({ field: 'tenureMonths', op: 'eq', value: '3' }))).toEqual(['Carol', 'Eve']);
    expect(await members(field({ field: 'tenureMonths', op: 'lt', value: '1' }))).toEqual(['Bob']);
    expect(await members(field({ field: 'tenureMonths', op: 'lte', value: '3' }))).toEqual(['Bob', 'Carol', 'Eve']);
    expect(await members(field({ field: 'tenureMonths', op: 'gt', value: '2.5' }))).toEqual(['Alice', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'tenureMonths', op: 'lt', value: '2.5' }))).toEqual(['Bob']);
    expect(await members(field({ field: 'tenureMonths', op: 'eq', value: '2.5' }))).toEqual([]);
    expect(await members(field({ field: 'tenureMonths', op: 'ne', value: '3' }))).toEqual(['Alice', 'Bob', 'Dave_%']);
    expect(await members(field({ field: 'tenureMonths', op: 'in', values: ['0', '82'] }))).toEqual(['Alice', 'Bob']);
    expect(await members(field({ field: 'tenureMonths', op: 'gte', value: '101' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'tenureMonths', op: 'isNull' }))).toEqual([]);
    // The day before Carol's third monthly anniversary she has two months.
    expect(await members(field({ field: 'tenureMonths', op: 'eq', value: '2' }), new Date('2026-11-14T23:00:00Z'))).toEqual(['Carol']);
  });

  it('counts days to the end of the contract', async () => {
    // Alice 16 days, Carol 60, Dave -5 (ended), Bob and Eve none.
    expect(await members(field({ field: 'contractEndsInDays', op: 'lte', value: '60' }))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members({ and: [field({ field: 'contractEndsInDays', op: 'gte', value: '0' }), field({ field: 'contractEndsInDays', op: 'lte', value: '60' })] })).toEqual(['Alice', 'Carol']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'lt', value: '0' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'eq', value: '16' }))).toEqual(['Alice']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'gt', value: '16' }))).toEqual(['Carol']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'isNull' }))).toEqual(['Bob', 'Eve']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'ne', value: '16' }))).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(field({ field: 'contractEndsInDays', op: 'notIn', values: ['16', '60'] }))).toEqual(['Bob', 'Dave_%', 'Eve']);
  });

  it('counts days to the next birthday, Feb 29 falling on Feb 28 in common years', async () => {
    // Alice in 5 days, Bob (Feb 29) in 105, Carol today, Dave yesterday (364), Eve unknown.
    expect(await members(field({ field: 'birthdayInDays', op: 'eq', value: '0' }))).toEqual(['Carol']);
    expect(await members(field({ field: 'birthdayInDays', op: 'lte', value: '7' }))).toEqual(['Alice', 'Carol']);
    expect(await members(field({ field: 'birthdayInDays', op: 'eq', value: '105' }))).toEqual(['Bob']);
    expect(await members(field({ field: 'birthdayInDays', op: 'eq', value: '364' }))).toEqual(['Dave_%']);
    expect(await members(field({ field: 'birthdayInDays', op: 'isNull' }))).toEqual(['Eve']);
    const bob = field({ field: 'birthdayInDays', op: 'eq', value: '0' });
    expect(await members(bob, new Date('2027-02-28T08:00:00Z'))).toEqual(['Bob']);
    expect(await members(field({ field: 'birthdayInDays', op: 'eq', value: '365' }), new Date('2027-03-01T08:00:00Z'))).toEqual(['Bob']);
    expect(await members(bob, new Date('2028-02-29T08:00:00Z'))).toEqual(['Bob']);
    expect(await members(field({ field: 'birthdayInDays', op: 'eq', value: '1' }), new Date('2028-02-28T08:00:00Z'))).toEqual(['Bob']);
  });
});

describe('attribute, region and tier conditions', () => {
  it('compares attributes as text', async () => {
    expect(await members({ attribute: { key: 'interest', op: 'eq', value: 'football' } })).toEqual(['Alice']);
    expect(await members({ attribute: { key: 'interest', op: 'ne', value: 'football' } })).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
    expect(await members({ attribute: { key: 'interest', op: 'isNull' } })).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members({ attribute: { key: 'interest', op: 'in', values: ['music', 'chess'] } })).toEqual(['Carol']);
    expect(await members({ attribute: { key: 'interest', op: 'startsWith', value: 'foot' } })).toEqual(['Alice']);
    expect(await members({ attribute: { key: 'score', op: 'gte', value: '7' } })).toEqual(['Alice']);
  });

  it('matches the subtree of any region code, by exact path prefix', async () => {
    expect(await members({ region: { codes: ['JS'] } })).toEqual(['Alice', 'Bob', 'Dave_%']);
    expect(await members({ region: { codes: ['JS-NJ'] } })).toEqual(['Alice']);
    expect(await members({ region: { codes: ['ZJ', 'JS-SZ'] } })).toEqual(['Bob', 'Carol']);
    expect(await members({ region: { codes: ['A_B'] } })).toEqual([]);
    expect(await members({ region: { codes: ['AxB'] } })).toEqual(['Eve']);
  });

  it('matches tiers', async () => {
    expect(await members({ tier: { in: ['gold', 'silver'] } })).toEqual(['Alice', 'Carol']);
    expect(await members({ tier: { in: ['ordinary'] } })).toEqual(['Bob', 'Dave_%', 'Eve']);
  });
});

describe('metric conditions', () => {
  const revenue = (measure: MetricCondition['measure'], months: number, op: MetricCondition['op'], value: number) =>
    metric({ metric: 'revenueCents', measure, months, op, value });

  it('totals and averages the last complete months, missing months counting as 0', async () => {
    expect(await members(revenue('total', 3, 'gte', 21000))).toEqual(['Alice', 'Carol']);
    expect(await members(revenue('total', 3, 'eq', 0))).toEqual(['Dave_%', 'Eve']);
    expect(await members(revenue('total', 6, 'eq', 51000))).toEqual(['Carol']);
    expect(await members(revenue('total', 1, 'ne', 10000))).toEqual(['Bob', 'Carol', 'Dave_%', 'Eve']);
    expect(await members(revenue('average', 3, 'eq', 7000))).toEqual(['Carol']);
    // Bob: 500 over 3 months = 166.67.
    expect(await members(revenue('average', 3, 'gt', 166.66))).toEqual(['Alice', 'Bob', 'Carol']);
    expect(await members(revenue('average', 3, 'lt', 166.67))).toEqual(['Bob', 'Dave_%', 'Eve']);
    expect(await members(metric({ metric: 'complaints', measure: 'total', months: 1, op: 'gte', value: 2 }))).toEqual(['Carol']);
    expect(await members(metric({ metric: 'competitorContacts', measure: 'total', months: 24, op: 'gt', value: 0 }))).toEqual(['Carol']);
  });

  it('computes the change ratio against the months before, false without prior revenue', async () => {
    expect(await members(revenue('changeRatio', 3, 'lte', -0.3))).toEqual(['Carol', 'Dave_%']);
    expect(await members(revenue('changeRatio', 3, 'lt', -0.3))).toEqual(['Dave_%']);
    expect(await members(revenue('changeRatio', 3, 'eq', 0))).toEqual(['Alice']);
    expect(await members(revenue('changeRatio', 3, 'gte', -1))).toEqual(['Alice', 'Carol', 'Dave_%']);
    expect(await members({ not: revenue('changeRatio', 3, 'lte', -0.3) })).toEqual(['Alice', 'Bob', 'Eve']);
  });

  it('counts trailing months without activity, up to the window', async () => {
    const idle = (months: number, op: MetricCondition['op'], value: number) =>
      metric({ metric: 'activeDays', measure: 'monthsWithoutActivity', months, op, value });
    expect(await members(idle(6, 'gte', 1))).toEqual(['Carol', 'Dave_%', 'Eve']);
    expect(await members(idle(6, 'eq', 2))).toEqual(['Carol']);
    expect(await members(idle(6, 'eq', 3))).toEqual(['Dave_%']);
    expect(await members(idle(6, 'eq', 6))).toEqual(['Eve']);
    expect(await members(idle(6, 'eq', 0))).toEqual(['Alice', 'Bob']);
    expect(await members(idle(2, 'gte', 2))).toEqual(['Carol', 'Dave_%', 'Eve']);
  });

  it('computes every metric of a definition in one grouped pass over the needed months, with date parameters', () => {
    const def: SegmentCondition = {
      or: [
        revenue('total', 3, 'gte', 1),
        { and: [revenue('changeRatio', 3, 'lte', -0.3), revenue('total', 3, 'lt', 5)] },
        metric({ metric: 'activeDays', measure: 'monthsWithoutActivity', months: 2, op: 'gte', value: 1 }),
      ],
    };
    const { from, where } = compileCustomerPredicate(def, { now });
    const query = new PgDialect().sqlToQuery(sql`select c.id from ${from} where ${where}`);
    expect(query.sql.match(/"monthly_usage"/g)).toHaveLength(1);
    // total 3 appears twice but is one column: u0 (last 3), u1 (the 3 before), u2 (last active month).
    expect(query.sql.match(/ as "u\d"/g)).toEqual([' as "u0"', ' as "u1"', ' as "u2"']);
    expect(query.sql).toContain('filter (where "month" >=');
    expect(query.sql).not.toMatch(/interval|date_trunc/);
    expect(query.params).toContain('2026-05-01');
    expect(query.params).toContain('2026-11-01');
  });

  it('joins only customers with usage rows when nothing else could match, and every customer otherwise', async () => {
    const join = (def: SegmentCondition) => /"customers" c (left|inner) join/.exec(new PgDialect().sqlToQuery(compileCustomerPredicate(def, { now }).from).sql)?.[1];
    const idle = (value: number) => metric({ metric: 'activeDays', measure: 'monthsWithoutActivity', months: 6, op: 'gte', value });
    // Without usage: the drop has no prior revenue, a total of 0 is not >= 1, six idle months are not >= 7.
    expect(join(revenue3Drop)).toBe('inner');
    expect(join({ and: [revenue('total', 3, 'gte', 1), field({ field: 'device', op: 'eq', value: 'Nokia' })] })).toBe('inner');
    expect(join({ or: [revenue3Drop, idle(7)] })).toBe('inner');
    // Eve (no usage at all) can match these, so every customer is joined, and she is in the answer.
    expect(join(revenue('total', 3, 'eq', 0))).toBe('left');
    expect(join(idle(6))).toBe('left');
    expect(join({ not: revenue3Drop })).toBe('left');
    expect(join({ or: [revenue3Drop, field({ field: 'device', op: 'eq', value: 'Nokia' })] })).toBe('left');
    expect(await members({ not: revenue3Drop })).toContain('Eve');
    expect(await members({ or: [revenue3Drop, idle(7)] })).toEqual(['Carol', 'Dave_%']);
  });

  it('reads a metric guarded by a customer field per customer, after the guard, when every customer is joined', async () => {
    const complaining = metric({ metric: 'complaints', measure: 'total', months: 1, op: 'gte', value: 2 });
    const def: SegmentCondition = { or: [{ tier: { in: ['gold'] } }, { and: [complaining, field({ field: 'status', op: 'eq', value: 'suspended' })] }] };
    const text = new PgDialect().sqlToQuery(sql`select c.id from ${compileCustomerPredicate(def, { now }).from} where ${compileCustomerPredicate(def, { now }).where}`).sql;
    expect(text).not.toContain('join');
    expect(text.indexOf('"status"')).toBeLessThan(text.indexOf('"complaints"'));
    expect(text).toContain('"customer_id" = c.id');
    expect(await members(def)).toEqual(['Alice', 'Carol']);
    // Unguarded beside an OR, the same metric is one column of the joined aggregate.
    expect(await members({ or: [{ tier: { in: ['gold'] } }, complaining] })).toEqual(['Alice', 'Carol']);
  });

  it('leaves the usage out when no metric is used', () => {
    const { from } = compileCustomerPredicate(field({ field: 'name', op: 'eq', value: 'x' }), { now });
    expect(new PgDialect().sqlToQuery(from).sql).toBe('"customers" c');
  });
});

describe('combinations', () => {
  it('nests and, or and not', async () => {
    const campusOrGold: SegmentCondition = { or: [{ tier: { in: ['gold'] } }, field({ field: 'isCampus', op: 'eq', value: 'true' })] };
    expect(await members({ and: [{ region: { codes: ['JS'] } }, campusOrGold] })).toEqual(['Alice', 'Bob']);
    expect(await members({ not: { region: { codes: ['JS'] } } })).toEqual(['Carol', 'Eve']);
    expect(await members({ not: { not: { region: { codes: ['JS'] } } } })).toEqual(['Alice', 'Bob', 'Dave_%']);
    // NOT is the complement even where the inner comparison is unknown (no device).
    expect(await members({ not: field({ field: 'device', op: 'eq', value: 'Nokia' }) })).toEqual(['Alice', 'Bob', 'Carol', 'Eve']);
    expect(
      await members({
        and: [
          { not: field({ field: 'status', op: 'eq', value: 'churned' }) },
          { or: [revenue3Drop, field({ field: 'tenureMonths', op: 'lt', value: '1' })] },
        ],
      }),
    ).toEqual(['Bob', 'Carol']);
  });

  it('composes with the caller’s ORDER BY and LIMIT', async () => {
    const { from, where } = compileCustomerPredicate({ region: { codes: ['JS'] } }, { now });
    const rows = await queryRows<{ msisdn: string }>(database.db, sql`select c.msisdn from ${from} where ${where} order by c.msisdn desc limit 2`);
    expect(rows.map((r) => r.msisdn)).toEqual(['13900000004', '13800000002']);
  });
});

const revenue3Drop: SegmentCondition = { metric: { metric: 'revenueCents', measure: 'changeRatio', months: 3, op: 'lte', value: -0.3 } };
