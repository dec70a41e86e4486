/**
 * Tested the way a regional developer outside the Weixi team would: through @weixi/testing only, enabled in
 * one city (Nanjing), on a fake clock across the offer window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, createTestPlatform, pluginDir, type TestPlatform } from '@weixi/testing';

const ID = 'tactic-campus-summer';
let p: TestPlatform;
let xiaoMing: number;
let optedOut: number;

/** The oracle, written independently of the plugin: active campus customers of a region's subtree. */
async function campusIn(region: string): Promise<number[]> {
  const rows = await p.sql<{ id: number }>`
    select c.id from customers c join regions r on r.id = c.region_id
    where starts_with(r.path, (select path from regions where code = ${region})) and c.is_campus and c.status = 'active'
    order by c.id`;
  return rows.map((r) => r.id);
}

const offered = async (region: string) => (await p.contacts({ region, pluginId: ID })).map((c) => c.customerId).sort((a, b) => a - b);

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    channels: ['sms'],
    now: '2026-06-14T09:59:30+08:00',
    settings: [{ plugin: ID, region: 'JS-NJ', settings: { priceYuan: 15 } }],
    enable: [{ plugin: ID, region: 'JS-NJ' }],
  });
  [xiaoMing, optedOut] = (await p.addCustomers([
    { name: '小明', regionCode: 'JS-NJ-GL', isCampus: true, plan: 'CAMPUS-39', joinedOn: '2025-09-01' },
    { regionCode: 'JS-NJ', isCampus: true, consent: { sms: false } },
    { regionCode: 'JS-NJ', isCampus: true },
    { regionCode: 'JS-NJ', isCampus: true, status: 'CHURNED', churnedOn: '2026-05-31' },
    { regionCode: 'JS-NJ', isCampus: false },
    { regionCode: 'JS-SZ', isCampus: true },
  ])) as [number, number];
  expect(await p.runDueJobs()).toEqual([]);
});
afterAll(() => p?.close());

describe('tactic-campus-summer, enabled in Nanjing only', () => {
  it('sends nothing before the window opens', async () => {
    p.clock.set('2026-06-14T10:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status, r.progressMessage])).toEqual([['JS-NJ', 'succeeded', '2026-06-14 is outside the offer window 06-15..07-10']]);
    expect(await p.contacts({ pluginId: ID })).toEqual([]);
  });

  it("offers the pack once to each active campus customer of the city on the window's first morning, at the city's price", async () => {
    p.clock.advance(DAY);
    expect((await p.runDueJobs()).map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded']]);
    const nanjing = await campusIn('JS-NJ');
    expect(nanjing).toHaveLength(3);
    expect(await offered('JS-NJ')).toEqual(nanjing);
    expect(await offered('JS-SZ')).toEqual([]); // the plugin is not enabled in Suzhou

    const [toXiaoMing] = await p.contacts({ customerId: xiaoMing });
    expect(toXiaoMing).toMatchObject({ channel: 'sms', status: 'sent', idempotencyKey: `campus-summer:2026:${xiaoMing}` });
    expect(toXiaoMing!.message).toBe('小明同学，暑假回家也不断网：校园暑期流量包15元/月，7-8月有效，回复KT开通。');
    expect(await p.contacts({ customerId: optedOut })).toEqual([expect.objectContaining({ status: 'suppressed' })]);
  });

  it('never offers twice: a rerun the same day and the next mornings reach only students who joined since', async () => {
    const before = (await p.contacts({ pluginId: ID })).length;
    expect(await p.runJob(ID, 'summer-offer', 'JS-NJ')).toMatchObject({ status: 'succeeded' });
    expect(await p.contacts({ pluginId: ID })).toHaveLength(before);

    const [freshman] = (await p.addCustomers([{ regionCode: 'JS-NJ', isCampus: true, joinedOn: '2026-06-15' }])) as [number];
    p.clock.advance(DAY);
    await p.runDueJobs();
    expect((await p.contacts({ pluginId: ID })).map((c) => c.customerId).slice(before)).toEqual([freshman]);
  });

  it('answers offerWindow for the caller, and refuses a city outside an operator\'s region', async () => {
    const nanjingOps = p.as(await p.key({ role: 'operator', regionCodes: ['JS-NJ'] }));
    const { campusSummer_offerWindow } = await nanjingOps.ok<{ campusSummer_offerWindow: unknown }>('{ campusSummer_offerWindow(regionCode: "JS-NJ") }');
    expect(campusSummer_offerWindow).toEqual({ from: '2026-06-15', until: '2026-07-10', open: true, campusCustomers: 4 });
    const suzhou = await nanjingOps.gql('{ campusSummer_offerWindow(regionCode: "JS-SZ") }');
    expect(suzhou.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sends nothing once the window has closed, even to a student who joined late', async () => {
    const before = (await p.contacts({ pluginId: ID })).length;
    await p.addCustomers([{ regionCode: 'JS-NJ', isCampus: true, joinedOn: '2026-07-11' }]);
    p.clock.set('2026-07-11T10:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.at(-1)).toMatchObject({ regionCode: 'JS-NJ', status: 'succeeded' });
    expect(await p.contacts({ pluginId: ID })).toHaveLength(before);
  });
});
