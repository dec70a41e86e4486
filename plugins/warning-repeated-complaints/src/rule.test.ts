import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-repeated-complaints';
let p: TestPlatform;

/** The oracle: active or suspended customers of the region with `min` complaints or more from `from` to October. */
const complainersIn = (region: string, from: string, min: number) =>
  p.sql<{ id: number; total: number; last: number }>`
    select c.id, sum(m.complaints)::int as total, coalesce(sum(m.complaints) filter (where m.month = '2026-10-01'), 0)::int as last
    from ${customersOf(region)} join monthly_usage m on m.customer_id = c.id
    where c.status in ('active', 'suspended')
      and m.month between ${from}::date and '2026-10-01'
    group by c.id having sum(m.complaints) >= ${min} order by c.id`;

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, settings: [{ plugin: ID, region: 'JS-SZ', settings: { months: 2, minComplaints: 3 } }], enable: [{ plugin: ID, region: 'JS' }] });
});
afterAll(() => p?.close());

describe('warning-repeated-complaints', () => {
  it('warns each city\'s repeated complainers with its own window and threshold', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    const nanjing = await complainersIn('JS-NJ', '2026-08-01', 2);
    const suzhou = await complainersIn('JS-SZ', '2026-09-01', 3);
    expect(nanjing.length).toBeGreaterThan(3);
    expect(await openWarningCustomers(p, 'JS-NJ', ID)).toEqual(nanjing.map((r) => r.id));
    expect(await openWarningCustomers(p, 'JS-SZ', ID)).toEqual(suzhou.map((r) => r.id));
    for (const o of nanjing.slice(0, 5)) {
      const [w] = await p.warnings({ customerId: o.id, pluginId: ID });
      expect(w).toMatchObject({ evidence: { complaints: o.total, lastMonth: o.last }, reason: `重复投诉：近3个月投诉${o.total}次，上月${o.last}次` });
      expect(w!.score).toBe(Math.min(100, 35 * (o.total + Math.min(o.last, 1))));
    }
  });
});
