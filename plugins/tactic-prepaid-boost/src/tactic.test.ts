import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { prepayYuan: 200, bonusYuan: 120, spreadMonths: 12, cooldownDays: 60, giftLimitYuan: { ordinary: 150 } } } });

it('answers ARPU and usage drops of prepaid customers who still recharge, with the default offer', async () => {
  expect(bed().tacticIds).toEqual(['prepaid-boost']);
  const d = await bed().definition('JS-NJ');
  expect(d.answers).toEqual({ tiers: ['silver', 'mid_high', 'ordinary'], warningRules: ['warning-arpu-drop/arpu-drop', 'warning-usage-drop'] });
  expect(d.eligibility.map((c) => c.unless)).toEqual(['非在网客户（停机或已离网）', '仅限预付费客户', '近3个月月均充值低于{minMonthlyRechargeYuan}元']);
  expect(d.eligibility[2]!.when).toEqual({ compare: [{ usage: 'rechargeCents', measure: 'average', months: 3 }, 'gte', 2000] });
  expect(d.offer).toMatchObject({ title: '预存{prepayYuan}元送{bonusYuan}元', costCents: 5000, benefit: { kind: 'credit', valueCents: 5000, description: '赠送话费50元，分5个月等额返还' } });
  expect(d).toMatchObject({ cooldownDays: 90, budgetCentsPerMonth: 5_000_000, precedence: 20, expectedEffect: 0.15, channels: ['sms', 'call'], giftLimitCents: { silver: 30000, mid_high: 20000, ordinary: 10000 } });
  expect(d.outcomes).toEqual({ retained: [{ grant: true }, { closeWarnings: true }], callback_requested: [{ followUp: { days: 3, reason: '客户要求回电' } }] });
});

it('builds Suzhou\'s larger offer from its own settings, the gift limits merged tier by tier', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.offer).toMatchObject({ costCents: 12000, benefit: { valueCents: 12000, description: '赠送话费120元，分12个月等额返还' } });
  expect(d.variables).toMatchObject({ prepayYuan: 200, bonusYuan: 120, monthlyBonusYuan: { div: [120, 12] } });
  expect(d).toMatchObject({ cooldownDays: 60, giftLimitCents: { silver: 30000, mid_high: 20000, ordinary: 15000 } });
});

it('refuses settings outside the manifest schema, naming the setting', async () => {
  expect(await bed().refusal({ spreadMonths: 0 })).toMatch(/spreadMonths/);
  expect(await bed().refusal({ giftLimitYuan: { bronze: 10 } })).toMatch(/giftLimitYuan/);
  expect(await bed().refusal({ tiers: ['platinum'] })).toMatch(/tiers/);
});
