import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { warningRuleProblems, type WarningRuleDefinition } from '@weixi/sdk';
import { addTestRegions } from './regions.test-support.js';
import { runWarningRule } from './run.js';

// Evaluated on 2027-02-27 (a common year), so a Feb 29 birthday falls on Feb 28, the next day.
const asOf = { month: '2027-01', day: '2027-02-27', dayStart: new Date('2027-02-27T00:00:00+08:00') };
let database: TestDatabase;

/** The facts the tactics need: the next birthday, the campus flag, an account manager. */
const facts: WarningRuleDefinition = {
  when: { any: [{ flag: 'isCampus' }, { flag: 'hasAccountManager' }, { compare: [{ customer: 'birthdayInDays' }, 'lte', 7] }] },
  score: 50,
  evidence: { birthdayInDays: { customer: 'birthdayInDays' } },
  reason: 'birthday in {birthdayInDays} days',
};

const customer = (name: string, birthday: string | null, isCampus: boolean, accountManager: string | null) =>
  database.db.execute(sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type, birthday, is_campus, account_manager)
    values (${`1380000${name.charCodeAt(0)}`}, ${name}, (select id from regions where code = 'JS-NJ'), '2020-01-01', 'p', 'prepaid', ${birthday}::date, ${isCampus}, ${accountManager})`);

beforeAll(async () => {
  database = await createTestDatabase();
  await addTestRegions(database.db, [{ code: 'JS-NJ', name: '南京', province: 'JS' }]);
  await customer('leap', '2000-02-29', false, null); // Feb 28 in 2027: 1 day
  await customer('today', '1990-02-27', false, null); // 0 days
  await customer('passed', '1985-02-20', true, null); // next year: 358 days; campus
  await customer('managed', null, false, '王经理'); // no birthday: null; an account manager
  await customer('nobody', '1995-06-01', false, null); // 94 days, no flag: not warned
  // A rule runs only once its month has usage in the region.
  await database.db.execute(sql`insert into monthly_usage (customer_id, month, revenue_cents) select id, '2027-01-01', 100 from customers where name = 'nobody'`);
});
afterAll(() => database?.close());

describe('customer facts of the warning language', () => {
  it('validates flag conditions and names the known ones', () => {
    expect(warningRuleProblems(facts)).toEqual([]);
    expect(warningRuleProblems({ ...facts, when: { flag: 'isVip' } })).toEqual(['when.flag: unknown flag "isVip"; one of isCampus, hasAccountManager']);
  });

  it('computes days to the next birthday and reads the campus and account-manager flags', async () => {
    await runWarningRule(database.db, { pluginId: 'p', ruleId: 'r', regionCode: 'JS', asOf, definition: facts, now: new Date('2027-02-27T07:00:00+08:00'), runId: null });
    const rows = await queryRows<{ name: string; evidence: Record<string, number | null> }>(
      database.db,
      sql`select c.name, w.evidence from warnings w join customers c on c.id = w.customer_id order by c.name`,
    );
    expect(rows.map((r) => [r.name, r.evidence.birthdayInDays])).toEqual([
      ['leap', 1],
      ['managed', null],
      ['passed', 358],
      ['today', 0],
    ]);
  });
});
