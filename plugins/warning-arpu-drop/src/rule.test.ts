import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-arpu-drop';
let p: TestPlatform;

/**
 * The oracle, written from the README rather than the rule: active customers of the region, October
 * against September and against the July-September average (missing months 0).
 */
async function droppedIn(region: string, mom: number, avg: number, minBaseline: number) {
  return p.sql<{ id: number; oct: number; sep: number; avg3: number }>`
    with u as (
      select c.id,
        coalesce(sum(m.revenue_cents) filter (where m.month = '2026-10-01'), 0)::float8 as oct,
        coalesce(sum(m.revenue_cents) filter (where m.month = '2026-09-01'), 0)::float8 as sep,
        coalesce(sum(m.revenue_cents) filter (where m.month between '2026-07-01' and '2026-09-01'), 0)::float8 / 3 as avg3
      from customers c join regions r on r.id = c.region_id left join monthly_usage m on m.customer_id = c.id
      where starts_with(r.path, (select path from regions where code = ${region})) and c.status = 'active'
      group by c.id)
    select id, oct, sep, avg3 from u
    where avg3 >= ${minBaseline} and ((sep > 0 and oct <= sep * (1 - ${mom}::float8)) or (avg3 > 0 and oct <= avg3 * (1 - ${avg}::float8)))
    order by id`;
}

const openIn = (region: string) => openWarningCustomers(p, region, ID);

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, settings: [{ plugin: ID, region: 'JS-SZ', settings: { monthOverMonthDrop: 0.5, averageDrop: 0.5 } }], enable: [{ plugin: ID, region: 'JS' }] });
});
afterAll(() => p?.close());

describe('warning-arpu-drop', () => {
  it('raises a warning for each customer whose ARPU dropped, with each city\'s thresholds', async () => {
    p.clock.set(RULE_RUN_AT);
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.jobId, r.regionCode, r.status])).toEqual([
      ['warnings:arpu-drop', 'JS-NJ', 'succeeded'],
      ['warnings:arpu-drop', 'JS-SZ', 'succeeded'],
      ['warnings:arpu-drop', 'JS-WX', 'succeeded'],
    ]);
    const nanjing = await droppedIn('JS-NJ', 0.3, 0.3, 3000);
    const suzhou = await droppedIn('JS-SZ', 0.5, 0.5, 3000);
    expect(nanjing.length).toBeGreaterThan(5);
    expect(suzhou.length).toBeGreaterThan(0);
    expect(suzhou.length).toBeLessThan((await droppedIn('JS-SZ', 0.3, 0.3, 3000)).length);
    expect(await openIn('JS-NJ')).toEqual(nanjing.map((r) => r.id));
    expect(await openIn('JS-SZ')).toEqual(suzhou.map((r) => r.id));
    expect(await openIn('ZJ')).toEqual([]);

    const o = nanjing[0]!;
    const [w] = await p.warnings({ customerId: o.id, pluginId: ID });
    const drop = (from: number) => (from > 0 ? Math.round(((from - o.oct) / from) * 10_000) / 10_000 : null);
    expect(w!.evidence).toEqual({ revenueCents: o.oct, previousCents: o.sep, average3Cents: Math.round(o.avg3 * 10_000) / 10_000, dropVsPrevious: drop(o.sep), dropVsAverage: drop(o.avg3) });
    const score = Math.round(100 * Math.max(...[drop(o.sep), drop(o.avg3)].filter((d): d is number => d !== null)) * 100) / 100;
    expect(w!.score).toBeCloseTo(Math.min(100, score), 1);
    expect(w!.reason).toBe(`消费波动：上月消费${o.oct}分，前一月${o.sep}分，前三月均值${Math.round(o.avg3 * 100) / 100}分`);
  });

  it('runs only where the plugin is enabled: no run in Zhejiang, none in Nanjing once disabled there', async () => {
    const runs = await p.jobRuns({ plugin: ID });
    expect(runs.every((r) => r.regionCode.startsWith('JS-'))).toBe(true);
    await p.disable(ID, 'JS-NJ');
    p.clock.set('2026-11-17T07:00:00+08:00');
    expect((await p.runDueJobs()).map((r) => r.regionCode)).toEqual(['JS-SZ', 'JS-WX']);
    // Nothing watches them there any more: expired, not resolved by the rule, and no longer open.
    const expired = (await p.warnings({ region: 'JS-NJ', pluginId: ID, status: 'expired' })).map((w) => w.customerId).sort((a, b) => a - b);
    expect(expired).toEqual((await droppedIn('JS-NJ', 0.3, 0.3, 3000)).map((c) => c.id));
    expect(await openIn('JS-NJ')).toEqual([]);
  });
});
