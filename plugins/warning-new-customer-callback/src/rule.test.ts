import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-new-customer-callback';
let p: TestPlatform;

/**
 * The oracle: active customers of the region with at most `within` complete calendar months on the
 * network through October 2026 (joined in October: 0; in September: 1; after October: not yet counted).
 */
const newIn = (region: string, within: number) =>
  p.sql<{ id: number; tenure: number; revenue: number }>`
    select c.id,
      ((2026 * 12 + 10) - (extract(year from c.joined_on)::int * 12 + extract(month from c.joined_on)::int))::int as tenure,
      coalesce((select revenue_cents from monthly_usage m where m.customer_id = c.id and m.month = '2026-10-01'), 0)::int as revenue
    from ${customersOf(region)}
    where c.status = 'active'
      and c.joined_on < '2026-11-01' and c.joined_on >= (date '2026-10-01' - make_interval(months => ${within}))
    order by c.id`;

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, settings: [{ plugin: ID, region: 'JS-SZ', settings: { withinMonths: 2 } }], enable: [{ plugin: ID, region: 'JS' }] });
});
afterAll(() => p?.close());

describe('warning-new-customer-callback', () => {
  it('warns the new customers of each city, scoring those who hardly use the line higher', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    const nanjing = await newIn('JS-NJ', 1);
    const suzhou = await newIn('JS-SZ', 2);
    expect(nanjing.length).toBeGreaterThan(3);
    expect(suzhou.length).toBeGreaterThan((await newIn('JS-SZ', 1)).length);
    expect(await openWarningCustomers(p, 'JS-NJ', ID)).toEqual(nanjing.map((r) => r.id));
    expect(await openWarningCustomers(p, 'JS-SZ', ID)).toEqual(suzhou.map((r) => r.id));
    for (const o of nanjing) {
      const [w] = await p.warnings({ customerId: o.id, pluginId: ID });
      expect(w).toMatchObject({ evidence: { tenureMonths: o.tenure, revenueCents: o.revenue }, score: o.revenue < 2000 ? 80 : 40 });
    }
  });
});
