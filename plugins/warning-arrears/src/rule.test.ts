import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-arrears';
let p: TestPlatform;

/** The oracle: the region's suspended customers and its active ones owing at least `min` cents. */
const inArrears = (region: string, min: number) =>
  p.sql<{ id: number; owed: number }>`
    select c.id, greatest(0, -c.balance_cents)::int as owed
    from ${customersOf(region)}
    where (c.status = 'suspended' or (c.status = 'active' and -c.balance_cents >= ${min}))
    order by c.id`;

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, enable: [{ plugin: ID, region: 'JS-NJ' }] });
  // An active customer owing 50 yuan: in arrears but not (yet) suspended.
  await p.addCustomers([{ msisdn: '13999990001', regionCode: 'JS-NJ', status: 'ACTIVE', balanceCents: -5000 }]);
});
afterAll(() => p?.close());

describe('warning-arrears', () => {
  it('warns the suspended and the active in arrears, the score growing with what they owe', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    const expected = await inArrears('JS-NJ', 1000);
    expect(expected.length).toBeGreaterThan(3);
    expect(await openWarningCustomers(p, 'JS-NJ', ID)).toEqual(expected.map((r) => r.id));
    const [owing] = await p.sql<{ id: number }>`select id from customers where msisdn = '13999990001'`;
    const [w] = await p.warnings({ customerId: owing!.id, pluginId: ID });
    expect(w).toMatchObject({ evidence: { owedCents: 5000, balanceCents: -5000 }, reason: '欠费停机：欠费5000分，信用额度0分', level: 'medium' });
    expect(w!.score).toBeCloseTo(62.5, 5);
  });

  it('resolves the warning once the bill is paid', async () => {
    await p.sql`update customers set balance_cents = 2000 where msisdn = '13999990001'`;
    p.clock.set('2026-11-17T07:00:00+08:00');
    await p.runDueJobs();
    const [owing] = await p.sql<{ id: number }>`select id from customers where msisdn = '13999990001'`;
    expect((await p.warnings({ customerId: owing!.id, pluginId: ID }))[0]!.status).toBe('resolved');
  });
});
