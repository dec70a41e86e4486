import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { rewardYuanPerYear: 24, maxRewardYuan: 240, minTenureYears: 5 } } });

it('rewards each year on the network up to the cap, from two years', async () => {
  const d = await bed().definition('JS-NJ');
  const rewardYuan = { min: [{ mul: [{ customer: 'tenureMonths' }, 10 / 12] }, 120] };
  expect(d.variables?.rewardYuan).toEqual(rewardYuan);
  expect(d.offer).toEqual({ title: '网龄回馈{rewardYuan}元话费', costCents: { mul: [rewardYuan, 100] }, benefit: { kind: 'credit', valueCents: { mul: [rewardYuan, 100] }, description: '网龄每满一年回馈10元话费，最多120元' } });
  expect(d.eligibility[1]).toEqual({ when: { compare: [{ customer: 'tenureMonths' }, 'gte', 24] }, unless: '网龄不满{minTenureYears}年' });
  expect(d).toMatchObject({ cooldownDays: 365, channels: ['sms', 'app'], giftLimitCents: { silver: 30000, mid_high: 20000, ordinary: 12000 } });
});

it('pays Suzhou\'s larger rate to customers of five years', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.variables?.rewardYuan).toEqual({ min: [{ mul: [{ customer: 'tenureMonths' }, 2] }, 240] });
  expect(d.eligibility[1]!.when).toEqual({ compare: [{ customer: 'tenureMonths' }, 'gte', 60] });
});

it('refuses a reward of nothing', async () => {
  expect(await bed().refusal({ rewardYuanPerYear: 0 })).toMatch(/rewardYuanPerYear/);
});
