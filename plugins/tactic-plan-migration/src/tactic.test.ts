import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const small = [
  { code: 'S19', name: '小流量 19元', priceYuan: 19, voiceMinutes: 100, dataMb: 10240 },
  { code: 'M59', name: '中流量 59元', priceYuan: 59, voiceMinutes: 300, dataMb: 30720 },
];
// Suzhou sells a two-plan catalogue and counts half a year of a saving as its cost.
const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { catalogue: small, costMonths: 6, tiers: ['ordinary'] } } });

it('keeps active customers of 3 months on a catalogue plan, its script naming what refine adds', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.tiers).toEqual(['mid_high', 'ordinary']);
  expect(d.eligibility[2]).toEqual({ when: { in: { fact: 'plan', values: ['BASIC-8', 'KING-19', '4G-39', '5G-59', '5G-89', '5G-129', '5G-199', '5G-299'] } }, unless: '当前套餐不在迁移目录中' });
  expect(d.refinedVariables).toEqual(['recommendedPlan', 'recommendedPriceYuan', 'peakVoiceMinutes', 'peakDataMb', 'planAdvice']);
  expect(d.outcomes?.retained).toEqual([{ closeWarnings: true }]);
  expect(d).toMatchObject({ cooldownDays: 180, precedence: 45, giftLimitCents: {}, budgetCentsPerMonth: 5_000_000 });
  expect((await bed().definition('JS-SZ')).eligibility[2]!.when).toEqual({ in: { fact: 'plan', values: ['S19', 'M59'] } });
});

it('recommends from each customer\'s last 3 complete months: a cheaper plan, an upgrade, or why not', async () => {
  const p = bed().platform; // 16 November 2026: August to October count, November does not
  const [big, exceeded, fits, outside, suzhou] = await p.addCustomers([
    { plan: '5G-129', regionCode: 'JS-NJ' },
    { plan: 'KING-19', regionCode: 'JS-NJ' },
    { plan: '4G-39', regionCode: 'JS-NJ' },
    { plan: 'VIP-599', regionCode: 'JS-NJ-GL' },
    { plan: 'M59', regionCode: 'JS-SZ' },
  ]);
  const months = (customerId: number, voiceMinutes: number[], dataMb: number[], revenueYuan: number) =>
    ['2026-08', '2026-09', '2026-10', '2026-11'].map((month, i) => ({ customerId, month, voiceMinutes: voiceMinutes[i], dataMb: dataMb[i], revenueCents: revenueYuan * 100 }));
  await p.recordUsage([
    ...months(big!, [120, 180, 90, 900], [15000, 9000, 12000, 90000], 129), // November's spike is not complete
    ...months(exceeded!, [150, 220, 140, 0], [9000, 11000, 25000, 0], 60),
    ...months(fits!, [150, 190, 100, 0], [12000, 20000, 11000, 0], 39),
    ...months(suzhou!, [50, 60, 40, 0], [3000, 2000, 5000, 0], 59),
  ]);
  const refine = bed().implementation().refine!;
  const candidates = [big, exceeded, fits, outside].map((customerId) => ({ customerId: customerId!, variables: {} }));
  expect(await refine(candidates, await bed().input('JS-NJ'))).toEqual([
    { customerId: big, eligible: true, costCents: 9000 * 12, variables: { recommendedPlan: '4G 畅享 39元', recommendedPriceYuan: 39, peakVoiceMinutes: 180, peakDataMb: 15000, planAdvice: '用量不变，每月可节省90元' } },
    { customerId: exceeded, eligible: true, costCents: 0, variables: { recommendedPlan: '5G 畅享 59元', recommendedPriceYuan: 59, peakVoiceMinutes: 220, peakDataMb: 25000, planAdvice: '比您近3个月月均实际消费每月还省1元，不再产生套餐外费用' } },
    { customerId: fits, eligible: false, reason: '当前套餐4G 畅享 39元已是覆盖实际用量的最低价套餐' },
    { customerId: outside, eligible: false, reason: '当前套餐VIP-599不在迁移目录中' },
  ]);
  expect(await refine([{ customerId: suzhou!, variables: {} }], await bed().input('JS-SZ'))).toEqual([
    { customerId: suzhou, eligible: true, costCents: 4000 * 6, variables: { recommendedPlan: '小流量 19元', recommendedPriceYuan: 19, peakVoiceMinutes: 60, peakDataMb: 5000, planAdvice: '用量不变，每月可节省40元' } },
  ]);
});

it('refuses a catalogue plan without its allowances, and an empty catalogue', async () => {
  expect(await bed().refusal({ catalogue: [{ code: 'X', name: 'X', priceYuan: 10 }] })).toMatch(/catalogue/);
  expect(await bed().refusal({ catalogue: [] })).toMatch(/catalogue/);
});
