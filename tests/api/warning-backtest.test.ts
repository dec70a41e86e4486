import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '@weixi/testing';

/**
 * `warningBacktest` over HTTP on the demo population: the rules as the regions configured them, judged as
 * of July 2026 against who churned from August to October, checked against hand-written SQL.
 */
const SILENT = 'warning-silent-customers';
const ARPU = 'warning-arpu-drop';
let p: TestPlatform;

const QUERY = `query ($asOf: String!, $horizon: Int!, $region: String, $months: Int) {
  warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $months) {
    asOf horizon region { code } monthsWithoutRevenue population churned baseRate topSize
    rules { rule title cities figures { flagged churned precision recall lift top { customers churned precision lift } } }
    combined { flagged churned precision recall lift top { customers churned precision lift } }
  }
}`;

/** The oracle: customers of the region on 1 August, who of them churned by 1 November, and who were silent through July (the plugin's default: 1 month). */
async function oracle(region: string, silentMonths = 1) {
  const [row] = await p.sql<{ population: number; churned: number; silent: number; silent_churned: number }>`
    with pop as (
      select c.id, c.churned_on, c.joined_on, c.status from customers c join regions r on r.id = c.region_id
      where starts_with(r.path, (select path from regions where code = ${region}))
        and c.joined_on < '2026-08-01' and (c.churned_on is null or c.churned_on >= '2026-08-01')
    ),
    silent as (
      select pop.id, pop.churned_on from pop
      -- Hindsight: who churned since was an active customer then.
      where (pop.churned_on is not null or pop.status = 'active')
        and (2026 * 12 + 6) - (extract(year from pop.joined_on)::int * 12 + extract(month from pop.joined_on)::int - 1) >= ${silentMonths}
        and not exists (select from monthly_usage u where u.customer_id = pop.id and u.active_days > 0
          and u.month > ('2026-07-01'::date - make_interval(months => ${silentMonths})) and u.month <= '2026-07-01')
    )
    select (select count(*)::int from pop) as population, (select count(*)::int from pop where churned_on < '2026-11-01') as churned,
      (select count(*)::int from silent) as silent, (select count(*)::int from silent where churned_on < '2026-11-01') as silent_churned`;
  return row!;
}

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [`plugins/${SILENT}`, `plugins/${ARPU}`],
    seed: { customers: 3000 },
    now: '2026-11-16T10:00:00+08:00',
    enable: [{ plugin: SILENT, region: 'JS' }, { plugin: ARPU, region: 'JS-NJ' }],
  });
  // Every 9th customer silent in June and July; every 5th of those churned in September.
  await p.sql`update monthly_usage set active_days = 0 where month in ('2026-06-01', '2026-07-01') and customer_id % 9 = 0`;
  await p.sql`update customers set status = 'churned', churned_on = '2026-09-10' where id % 45 = 0 and joined_on < '2026-05-01' and (churned_on is null or churned_on >= '2026-08-01')`;
});
afterAll(() => p?.close());

describe('warningBacktest', () => {
  it('judges each enabled rule in its cities as of a past month against who churned after it', async () => {
    const expected = await oracle('JS');
    const { warningBacktest: b } = await p.ok(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS', months: 0 });
    expect(b).toMatchObject({ asOf: '2026-07', horizon: 3, region: { code: 'JS' }, monthsWithoutRevenue: null, population: expected.population, churned: expected.churned });
    expect(expected.churned).toBeGreaterThan(0);
    expect(b.baseRate).toBeCloseTo(expected.churned / expected.population, 6);
    expect(b.topSize).toBe(Math.ceil(expected.population * 0.1));
    const byRule = Object.fromEntries(b.rules.map((r: any) => [r.rule, r]));
    expect(Object.keys(byRule).sort()).toEqual([`${ARPU}/arpu-drop`, `${SILENT}/silent-customer`]);
    const jsCities = (await p.sql<{ code: string }>`select code from regions where level = 'city' and starts_with(path, '/JS/') order by code`).map((r) => r.code);
    expect(byRule[`${SILENT}/silent-customer`].cities).toEqual(jsCities);
    expect(byRule[`${ARPU}/arpu-drop`].cities).toEqual(['JS-NJ']);
    const silent = byRule[`${SILENT}/silent-customer`].figures;
    expect(expected.silent_churned).toBeGreaterThan(0);
    expect(expected.silent).toBeGreaterThan(expected.silent_churned);
    expect(silent).toMatchObject({ flagged: expected.silent, churned: expected.silent_churned });
    expect(silent.precision).toBeCloseTo(expected.silent_churned / expected.silent, 6);
    expect(silent.recall).toBeCloseTo(expected.silent_churned / expected.churned, 6);
    expect(silent.lift).toBeCloseTo(expected.silent_churned / expected.silent / (expected.churned / expected.population), 6);
    expect(silent.top.customers).toBe(Math.min(expected.silent, b.topSize));
    // Every customer either rule flags is flagged by the combination.
    expect(b.combined.flagged).toBeGreaterThanOrEqual(Math.max(silent.flagged, byRule[`${ARPU}/arpu-drop`].figures.flagged));
    expect(b.combined.flagged).toBeLessThanOrEqual(silent.flagged + byRule[`${ARPU}/arpu-drop`].figures.flagged);
  });

  it('builds each city\'s rule from that city\'s settings, and counts months without revenue as churn when asked', async () => {
    await p.configure(SILENT, 'JS-SZ', { silentMonths: 3 });
    const nanjing = await oracle('JS-NJ');
    const suzhou = await oracle('JS-SZ', 3);
    expect(suzhou.silent).toBeLessThan((await oracle('JS-SZ')).silent);
    const { warningBacktest: b } = await p.ok(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS', months: 0 });
    const silent = b.rules.find((r: any) => r.rule === `${SILENT}/silent-customer`);
    const others = await p.sql<{ code: string }>`select code from regions where level = 'city' and starts_with(path, '/JS/') and code not in ('JS-NJ', 'JS-SZ')`;
    let rest = 0;
    for (const { code } of others) rest += (await oracle(code)).silent;
    expect(silent.figures.flagged).toBe(nanjing.silent + suzhou.silent + rest);
    await p.configure(SILENT, 'JS-SZ', { silentMonths: 1 });

    const withRevenue = await p.ok(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS', months: 2 });
    expect(withRevenue.warningBacktest.monthsWithoutRevenue).toBe(2);
    expect(withRevenue.warningBacktest.churned).toBeGreaterThan(b.churned);
    // Unset, the deployment's definition applies: status, or 3 months without revenue.
    const configured = await p.ok(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS' });
    expect(configured.warningBacktest.monthsWithoutRevenue).toBe(3);
    expect(configured.warningBacktest.churned).toBeGreaterThanOrEqual(b.churned);
    expect(configured.warningBacktest.churned).toBeLessThanOrEqual(withRevenue.warningBacktest.churned);
  });

  it('keeps to the caller\'s regions', async () => {
    const suzhouOperator = p.as(await p.key({ role: 'operator', regionCodes: ['JS-SZ'] }));
    const own = await suzhouOperator.ok(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS-SZ', months: 0 });
    expect(own.warningBacktest.population).toBe((await oracle('JS-SZ')).population);
    expect(own.warningBacktest.rules.map((r: any) => [r.rule, r.cities])).toEqual([[`${SILENT}/silent-customer`, ['JS-SZ']]]);
    const province = await suzhouOperator.gql(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS' });
    expect(province.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(province.errors?.[0]?.message).toContain('outside');
    const everywhere = await suzhouOperator.gql(QUERY, { asOf: '2026-07', horizon: 3 });
    expect(everywhere.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const agent = await p.as(await p.key({ role: 'agent', agentId: 'a-1' })).gql(QUERY, { asOf: '2026-07', horizon: 3, region: 'JS-SZ' });
    expect(agent.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('names what is wrong with a month, a horizon or a region', async () => {
    const error = async (variables: Record<string, unknown>) => (await p.gql(QUERY, variables)).errors?.[0];
    expect(await error({ asOf: '2026-13', horizon: 3, region: 'JS' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('asOf: "2026-13" is not a month (YYYY-MM)') });
    expect(await error({ asOf: '2026-09', horizon: 3, region: 'JS' })).toMatchObject({ message: expect.stringContaining('as of 2026-09, 3 months run to 2026-12, which has not ended') });
    expect(await error({ asOf: '2026-07', horizon: 13, region: 'JS' })).toMatchObject({ message: expect.stringContaining('horizon: 13 months; 1 to 12') });
    expect(await error({ asOf: '2025-01', horizon: 3, region: 'JS' })).toMatchObject({ message: expect.stringContaining('no usage is recorded for 2025-01 in JS') });
    expect(await error({ asOf: '2026-07', horizon: 3, region: 'XX' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('region "XX" does not exist') });
    expect(await error({ asOf: '2026-07', horizon: 3, region: 'JS', months: -1 })).toMatchObject({ message: expect.stringContaining('monthsWithoutRevenue: -1') });
  });
});
