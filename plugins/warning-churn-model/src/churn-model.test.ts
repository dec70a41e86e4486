/**
 * The churn model rule on the real platform: trained by the core on a province's customers with known
 * outcomes, scored by the rule's 07:30 job in each city where the plugin is enabled, its warnings carrying
 * their factors, seen through `churnModels` and `Customer.churnRisk.factors`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@weixi/sdk/model';
import { createTestPlatform, globalId, pluginDir, type TestPlatform, type TestUsage } from '@weixi/testing';

const ID = 'warning-churn-model';
const RULE = 'warnings:churn-model';
let p: TestPlatform;
const unknown: number[] = [];

const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];

/** Customers of a city: a month-to-month contract and a falling bill make churn likely, with noise. */
async function addCity(city: string, n: number, seed: number): Promise<void> {
  const random = createRandom(seed).next;
  const people = Array.from({ length: n }, () => {
    const monthly = random() < 0.5;
    const falling = random() < 0.35;
    const churns = random() < 1 / (1 + Math.exp(-(-2.2 + (monthly ? 1.8 : 0) + (falling ? 1.8 : 0))));
    return { monthly, falling, churns, outcomeUnknown: random() < 0.05 };
  });
  const ids = await p.addCustomers(
    people.map((x, i) => ({
      msisdn: `139${String(seed).padStart(3, '0')}${String(i).padStart(5, '0')}`,
      regionCode: city,
      joinedOn: '2025-01-10',
      plan: x.monthly ? 'monthly' : 'contract',
      contractEndsOn: x.monthly ? null : '2027-06-30',
      status: x.churns ? 'CHURNED' : 'ACTIVE',
      churnedOn: x.churns ? '2026-11-05' : null,
      attributes: { contract: x.monthly ? 'Month-to-month' : 'Two year', ...(x.outcomeUnknown ? { outcome: 'unknown' } : {}) },
    })),
  );
  people.forEach((x, i) => x.outcomeUnknown && unknown.push(ids[i]!));
  const usage: TestUsage[] = ids.flatMap((customerId, i) =>
    MONTHS.map((month, k) => ({ customerId, month, revenueCents: people[i]!.falling && k >= 4 ? 2000 : 8000, activeDays: 30 })),
  );
  await p.recordUsage(usage);
}

beforeAll(async () => {
  p = await createTestPlatform({ plugins: [pluginDir(import.meta.url)], now: '2026-11-16T07:29:00+08:00', enable: [{ plugin: ID, region: 'JS' }] });
  await p.configure(ID, null, { folds: 3, repeats: 1, models: ['logistic', 'blend'] });
  await addCity('JS-NJ', 500, 1);
  await addCity('JS-SZ', 200, 2);
  await addCity('ZJ-HZ', 100, 3);
  await p.disable(ID, 'JS-SZ');
}, 120_000);
afterAll(() => p?.close());

describe('warning-churn-model', () => {
  it('scores nothing before a model is trained, and says how to train one', async () => {
    p.clock.set('2026-11-16T07:30:00+08:00');
    // The 07:30 slot, and the run queued when October's usage was recorded: Nanjing only (Suzhou opted out).
    const runs = (await p.runDueJobs()).filter((r) => r.jobId === RULE);
    expect(new Set(runs.map((r) => `${r.regionCode} ${r.status}`))).toEqual(new Set(['JS-NJ succeeded']));
    expect(runs[0]!.progressMessage).toContain('no churn model covers JS-NJ yet');
    expect(await p.warnings({ pluginId: ID })).toEqual([]);
  });

  it('trains on the province\'s customers with known outcomes, as of the latest month with usage, and stores a version', async () => {
    const messages: string[] = [];
    const { model } = await p.host.trainChurnModel({ regionCode: 'JS', onProgress: (_f, m) => void (m && messages.push(m)) });
    const [known] = await p.sql<{ rows: number; churned: number }>`
      select count(*)::int as rows, count(*) filter (where c.churned_on is not null)::int as churned
      from customers c join regions r on r.id = c.region_id
      where starts_with(r.path, (select path from regions where code = 'JS')) and coalesce(c.attributes ->> 'outcome', '') <> 'unknown'`;
    expect(unknown.length).toBeGreaterThan(0);
    expect(model).toMatchObject({ regionCode: 'JS', version: 1, asOfMonth: '2026-10', horizonMonths: 3, trainingRows: known!.rows, positives: known!.churned });
    expect(model.metrics.auc).toBeGreaterThan(0.7);
    expect(messages.at(-1)).toMatch(/^chose /);
    const again = await p.host.trainChurnModel({ regionCode: 'JS' });
    expect(again.model.version).toBe(2);
  });

  it('refuses a region where the plugin is not enabled, and a month nobody churned after, naming why', async () => {
    await expect(p.host.trainChurnModel({ regionCode: 'ZJ' })).rejects.toThrow(/no churn model plugin is enabled in ZJ/);
    await expect(p.host.trainChurnModel({ regionCode: 'JS', asOfMonth: '2026-11' })).rejects.toThrow(/none of its \d+ customers churned/);
  });

  it('the 07:30 job scores each enabled city with the province\'s latest model and raises warnings with their factors, once', async () => {
    p.clock.set('2026-11-17T07:30:00+08:00');
    const runs = (await p.runDueJobs()).filter((r) => r.jobId === RULE);
    expect(runs.map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded']]);
    expect(runs[0]!.progressMessage).toMatch(/customers of JS-NJ scored as of 2026-10 with model v2 of JS: \d+ warned, \d+ raised, 0 resolved/);
    const warnings = await p.warnings({ pluginId: ID });
    expect(warnings.length).toBeGreaterThan(5);
    const rows = await p.sql<{ customer_id: number; status: string; score: number; factors: unknown; probability: number; code: string }>`
      select w.customer_id, c.status, w.score, w.factors, (w.evidence ->> 'probability')::float8 as probability, r.code
      from warnings w join customers c on c.id = w.customer_id join regions r on r.id = w.region_id where w.plugin_id = ${ID}`;
    for (const w of rows) {
      expect(w.code).toBe('JS-NJ');
      expect(w.status).toBe('active'); // churned customers are not scored
      expect(w.probability).toBeGreaterThanOrEqual(0.5);
      expect(w.score).toBeCloseTo(w.probability * 100, 1);
      expect(Array.isArray(w.factors) && w.factors.length > 0).toBe(true);
    }
    expect(warnings[0]!.reason).toMatch(/^流失模型v2：流失概率[\d.]+%/);
    // A rerun refreshes, never duplicates.
    await p.runJob(ID, RULE, 'JS-NJ');
    expect((await p.warnings({ pluginId: ID })).length).toBe(warnings.length);
  });

  it('churnModels and churnRisk.factors show the model and why a customer is at risk, in the caller\'s scope', async () => {
    const [w] = await p.warnings({ pluginId: ID });
    const data = await p.ok<{ churnModels: Array<{ regionCode: string; version: number; auc: number; candidates: unknown[] }>; customer: { churnRisk: { score: number; factors: Array<{ rule: string; feature: string }> } } }>(
      `query ($id: ID!) { churnModels(region: "JS-NJ") { regionCode version auc candidates { label auc } }
         customer(id: $id) { churnRisk { score factors { rule feature value contribution } } } }`,
      { id: globalId('Customer', w!.customerId) },
    );
    expect(data.churnModels.map((m) => [m.regionCode, m.version])).toEqual([['JS', 2], ['JS', 1]]);
    expect(data.churnModels[0]!.candidates).toHaveLength(2);
    expect(data.customer.churnRisk.score).toBeGreaterThanOrEqual(50);
    expect(data.customer.churnRisk.factors[0]).toMatchObject({ rule: `${ID}/churn-model` });
    const zj = await p.as(await p.key({ role: 'operator', name: 'zj', regionCodes: ['ZJ'] })).gql(`{ churnModels(region: "JS") { version } }`);
    expect(zj.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
