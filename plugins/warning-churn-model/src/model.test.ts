import { describe, expect, it } from 'vitest';
import { createRandom, rocAuc, shuffle } from '@weixi/sdk/model';
import { recordOf, scoreHistories, specOf, trainChurnModel } from './index.js';
import { chooseSimplest, type ChurnModelSettings } from './model.js';
import type { CustomerHistory, LabelledHistory, StoredChurnModel } from '@weixi/sdk';

const SETTINGS: ChurnModelSettings = { minProbability: 0.5, models: ['logistic', 'stumps', 'blend'], folds: 3, repeats: 1, seed: 7, excludeAttributes: ['crmId'], weight: 1 };

/**
 * Customers whose churn depends on a month-to-month contract, a falling bill and complaints, with noise:
 * the signal a model must find, and an `outcome` attribute and an identifier it must not use.
 */
function population(n: number, seed = 3): LabelledHistory[] {
  const random = createRandom(seed).next;
  return Array.from({ length: n }, (_, i) => {
    const monthly = random() < 0.5;
    const drop = random() < 0.3;
    const complaints = Math.floor(random() * 3);
    const risk = -2.5 + (monthly ? 1.6 : 0) + (drop ? 1.2 : 0) + complaints * 0.6;
    const churned = random() < 1 / (1 + Math.exp(-risk));
    const bill = 5000 + Math.floor(random() * 5000);
    const usage = Array.from({ length: 12 }, (_, k) => ({
      month: `2026-${String(k + 1).padStart(2, '0')}`,
      revenueCents: drop && k === 11 ? Math.round(bill * 0.5) : bill,
      voiceMinutes: 300,
      dataMb: 2000,
      sms: 10,
      rechargeCents: 0,
      activeDays: 30,
      complaints: k === 11 ? complaints : 0,
      competitorContacts: 0,
    }));
    return {
      customerId: i + 1,
      regionCode: 'JS-NJ',
      facts: { tier: 'ordinary', plan: 'p', paymentType: 'postpaid', tenureMonths: 24, contractEndsInDays: monthly ? null : 200, balanceCents: 0, creditLimitCents: 0, points: 0, groupKind: null, isCampus: false },
      attributes: { contract: monthly ? 'Month-to-month' : 'One year', crmId: `C${i}`, outcome: churned ? 'churned' : 'stayed' },
      usage,
      events: {},
      churned,
    };
  });
}

const input = (histories: LabelledHistory[]) => ({ settings: SETTINGS, regionCode: 'JS', asOfMonth: '2026-12', horizonMonths: 3, histories, progress: () => {}, signal: new AbortController().signal });

const stored = (trained: Awaited<ReturnType<typeof trainChurnModel>>, id: number): StoredChurnModel => ({
  ...trained,
  id,
  regionCode: 'JS',
  version: 1,
  asOfMonth: '2026-12',
  horizonMonths: 3,
  trainingRows: 0,
  positives: 0,
  trainedAt: new Date(),
});

describe('churn model plugin: training and scoring', () => {
  const histories = population(1500);

  it('learns the signal: cross-validated AUC well above chance, every candidate reported, one of them kept', async () => {
    const trained = await trainChurnModel(input(histories));
    expect(trained.metrics.auc).toBeGreaterThan(0.7);
    expect(trained.metrics.candidates.map((c) => c.label)).toHaveLength(3);
    expect(trained.metrics.candidates).toContainEqual({ label: trained.label, auc: trained.metrics.auc });
    expect(trained.metrics.auc).toBeGreaterThan(Math.max(...trained.metrics.candidates.map((c) => c.auc)) - 0.02);
    expect(trained.metrics.liftAt10).toBeGreaterThan(1.5);
    expect(trained.metrics.calibration.length).toBe(10);
    // Neither the outcome attribute nor the excluded identifier is a feature.
    expect(trained.features.some((f) => f.includes('outcome') || f.includes('crmId'))).toBe(false);
    expect(trained.features).toContain('attr.contract=Month-to-month');
  });

  it('a model trained on shuffled labels ranks at chance (AUC near 0.5): nothing leaks the outcome', async () => {
    const labels = shuffle(histories.map((h) => h.churned), createRandom(11));
    const trained = await trainChurnModel(input(histories.map((h, i) => ({ ...h, churned: labels[i]! }))));
    expect(trained.metrics.auc).toBeGreaterThan(0.4);
    expect(trained.metrics.auc).toBeLessThan(0.6);
  });

  it('scores new customers in order, explains each score, and warns from minProbability', async () => {
    const trained = await trainChurnModel(input(histories));
    const fresh: CustomerHistory[] = population(400, 99).map(({ churned: _c, ...h }) => h);
    const truth = population(400, 99).map((h) => (h.churned ? 1 : 0));
    const scores = scoreHistories({ settings: SETTINGS, regionCode: 'JS', model: stored(trained, 1), histories: fresh });
    expect(scores).toHaveLength(400);
    expect(rocAuc(truth, scores.map((s) => s.probability))).toBeGreaterThan(0.7);
    for (const s of scores) {
      expect(s.warn).toBe(s.probability >= 0.5);
      expect(s.factors.length).toBeGreaterThan(0);
      expect(s.factors.length).toBeLessThanOrEqual(5);
    }
    const risky = scores.find((s) => s.warn)!;
    expect(risky.factors.map((f) => f.feature)).toEqual(expect.arrayContaining([expect.stringMatching(/contract|revenue|complaints/)]));
  });

  it('keeps the simplest candidate within one standard error of the best mean AUC', () => {
    const candidate = (name: string, auc: number, aucSd: number) => ({ name, mean: { auc }, aucSd });
    // 15 folds: the best's standard error is 0.0116 / √15 = 0.003.
    const simplestFirst = [candidate('logistic', 0.846, 0.01), candidate('stumps', 0.848, 0.01), candidate('blend', 0.85, 0.0116), candidate('trees', 0.844, 0.01)];
    expect(chooseSimplest(simplestFirst, 15).name).toBe('stumps');
    expect(chooseSimplest(simplestFirst, 1).name).toBe('logistic');
    expect(chooseSimplest([candidate('logistic', 0.83, 0.02), candidate('trees', 0.92, 0.02)], 15).name).toBe('trees');
  });

  it('records only what a history holds: trends from the months as a customer, no outcome', () => {
    const [h] = population(1);
    const r = recordOf({ ...h!, facts: { ...h!.facts, tenureMonths: 1 } });
    expect(r['revenueCents.avg12']).toBe((h!.usage[10]!.revenueCents + h!.usage[11]!.revenueCents) / 2);
    expect(r['attr.outcome']).toBeUndefined();
    expect(specOf([r, { ...r, tenureMonths: 5 }], { excludeAttributes: [], logTransforms: false }).features.map((f) => ('column' in f ? f.column : ''))).toEqual(['tenureMonths']);
    // For the linear model, tenure gets its bends and a log-tenure slope per plan.
    const plans = Array.from({ length: 30 }, (_, i) => ({ ...r, tenureMonths: i, plan: i % 2 ? 'monthly' : 'yearly' }));
    expect(specOf(plans, { excludeAttributes: [], logTransforms: true }).features).toContainEqual({ kind: 'byLevel', column: 'tenureMonths', by: 'plan', transform: 'log1p', minCount: 10 });
    expect(specOf(plans, { excludeAttributes: [], logTransforms: false }).features.some((f) => f.kind === 'byLevel')).toBe(false);
  });
});
