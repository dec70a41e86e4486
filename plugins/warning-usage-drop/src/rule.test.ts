import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersOf, openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-usage-drop';
let p: TestPlatform;

/** The oracle: active customers of the region whose October voice or data fell by `drop` against July-September. */
async function droppedIn(region: string, metric: 'voice' | 'data', drop: number, minimum: number) {
  const rows = await p.sql<{ id: number; oct: number; avg3: number }>`
    with u as (
      select c.id,
        coalesce(sum(case when m.month = '2026-10-01' then (case when ${metric} = 'voice' then m.voice_minutes else m.data_mb end) end), 0)::float8 as oct,
        coalesce(sum(case when m.month between '2026-07-01' and '2026-09-01' then (case when ${metric} = 'voice' then m.voice_minutes else m.data_mb end) end), 0)::float8 / 3 as avg3
      from ${customersOf(region)} left join monthly_usage m on m.customer_id = c.id
      where c.status = 'active'
      group by c.id)
    select id, oct, avg3 from u where avg3 >= ${minimum} and avg3 > 0 and (avg3 - oct) / avg3 >= ${drop}
    order by id`;
  return rows;
}

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { customers: 2500, enable: [{ plugin: ID, region: 'JS-NJ' }] });
  // Two hand-made customers: one drops voice only, one data only.
  const [voiceOnly, dataOnly] = await p.addCustomers([{ regionCode: 'JS-NJ', status: 'ACTIVE' }, { regionCode: 'JS-NJ', status: 'ACTIVE' }]);
  const months = ['2026-07', '2026-08', '2026-09'];
  await p.recordUsage([
    ...months.flatMap((month) => [
      { customerId: voiceOnly!, month, voiceMinutes: 300, dataMb: 2000, revenueCents: 5000, activeDays: 30 },
      { customerId: dataOnly!, month, voiceMinutes: 300, dataMb: 2000, revenueCents: 5000, activeDays: 30 },
    ]),
    { customerId: voiceOnly!, month: '2026-10', voiceMinutes: 90, dataMb: 2100, revenueCents: 5000, activeDays: 30 },
    { customerId: dataOnly!, month: '2026-10', voiceMinutes: 310, dataMb: 400, revenueCents: 5000, activeDays: 30 },
  ]);
});
afterAll(() => p?.close());

describe('warning-usage-drop', () => {
  it('runs voice and data as two rules, each warning exactly its own customers', async () => {
    p.clock.set(RULE_RUN_AT);
    const runs = await p.runDueJobs();
    // Each rule once after the usage load of beforeAll (manual), once on its 07:00 schedule.
    expect(runs.map((r) => [r.jobId, r.regionCode, r.trigger, r.status]).sort()).toEqual([
      ['warnings:data-drop', 'JS-NJ', 'manual', 'succeeded'],
      ['warnings:data-drop', 'JS-NJ', 'schedule', 'succeeded'],
      ['warnings:voice-drop', 'JS-NJ', 'manual', 'succeeded'],
      ['warnings:voice-drop', 'JS-NJ', 'schedule', 'succeeded'],
    ]);
    const voice = await droppedIn('JS-NJ', 'voice', 0.5, 60);
    const data = await droppedIn('JS-NJ', 'data', 0.5, 500);
    expect(voice.length).toBeGreaterThan(2);
    expect(data.length).toBeGreaterThan(2);
    const byRule = async (ruleId: string) => (await p.warnings({ region: 'JS-NJ', pluginId: ID, ruleId, status: 'open' })).map((w) => w.customerId).sort((a, b) => a - b);
    expect(await byRule('voice-drop')).toEqual(voice.map((r) => r.id));
    expect(await byRule('data-drop')).toEqual(data.map((r) => r.id));
    expect((await openWarningCustomers(p, 'JS-NJ', ID)).length).toBe(voice.length + data.length);
  });

  it('keeps the evidence, the score and the reason of each', async () => {
    const [voiceOnly, dataOnly] = (await p.sql<{ id: number }>`select id from customers order by id desc limit 2`).map((r) => r.id).reverse();
    const [v] = await p.warnings({ customerId: voiceOnly!, pluginId: ID });
    expect(v).toMatchObject({ ruleId: 'voice-drop', evidence: { lastMonth: 90, average3: 300, drop: 0.7 }, reason: '通话量下降：上月90分钟，前三月均值300分钟', level: 'high' });
    expect(v!.score).toBeCloseTo(70, 5);
    const [d] = await p.warnings({ customerId: dataOnly!, pluginId: ID });
    expect(d).toMatchObject({ ruleId: 'data-drop', evidence: { lastMonth: 400, average3: 2000, drop: 0.8 }, reason: '流量下降：上月400MB，前三月均值2000MB' });
  });
});
