import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-contract-ending';
let p: TestPlatform;

/** The oracle: active customers of the region whose contract ends between `today` and `days` days later. */
async function endingIn(region: string, today: string, days: number) {
  return p.sql<{ id: number; days_left: number }>`
    select c.id, (c.contract_ends_on - ${today}::date)::int as days_left
    from customers c join regions r on r.id = c.region_id
    where starts_with(r.path, (select path from regions where code = ${region})) and c.status = 'active'
      and c.contract_ends_on between ${today}::date and ${today}::date + ${days}::int
    order by c.id`;
}

const openIn = (region: string) => openWarningCustomers(p, region, ID);

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, settings: [{ plugin: ID, region: 'JS-SZ', settings: { daysBefore: 60 } }], enable: [{ plugin: ID, region: 'JS' }] });
});
afterAll(() => p?.close());

describe('warning-contract-ending', () => {
  it('warns the customers whose contract ends within the city\'s daysBefore, closer ends scoring higher', async () => {
    p.clock.set(RULE_RUN_AT);
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.jobId, r.regionCode, r.status])).toEqual([
      ['warnings:contract-ending', 'JS-NJ', 'succeeded'],
      ['warnings:contract-ending', 'JS-SZ', 'succeeded'],
      ['warnings:contract-ending', 'JS-WX', 'succeeded'],
    ]);
    const nanjing = await endingIn('JS-NJ', '2026-11-16', 30);
    const suzhou = await endingIn('JS-SZ', '2026-11-16', 60);
    expect(nanjing.length).toBeGreaterThan(3);
    expect(suzhou.length).toBeGreaterThan((await endingIn('JS-SZ', '2026-11-16', 30)).length);
    expect(await openIn('JS-NJ')).toEqual(nanjing.map((r) => r.id));
    expect(await openIn('JS-SZ')).toEqual(suzhou.map((r) => r.id));
    expect(await openIn('ZJ')).toEqual([]);
    for (const o of nanjing.slice(0, 5)) {
      const [w] = await p.warnings({ customerId: o.id, pluginId: ID });
      expect(w).toMatchObject({ reason: `合约${o.days_left}天后到期`, evidence: { daysLeft: o.days_left } });
      expect(w!.score).toBeCloseTo(100 - (60 * o.days_left) / 30, 1);
    }
  });

  it('resolves a warning once the contract is renewed past the window', async () => {
    const [first] = await endingIn('JS-NJ', '2026-11-16', 30);
    await p.sql`update customers set contract_ends_on = '2028-11-30' where id = ${first!.id}`;
    p.clock.advance(DAY);
    await p.runDueJobs();
    const [w] = await p.warnings({ customerId: first!.id, pluginId: ID });
    expect(w!.status).toBe('resolved');
    expect(await openIn('JS-NJ')).toEqual((await endingIn('JS-NJ', '2026-11-17', 30)).map((r) => r.id));
  });
});
