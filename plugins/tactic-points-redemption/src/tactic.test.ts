import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { minPoints: 3000, pointsPerYuan: 50, giftLimitYuan: { ordinary: 50 } } } });

it('turns at least 1000 points into credit, 100 points a yuan up to 100 yuan, with no gift limit', async () => {
  const d = await bed().definition('JS-NJ');
  const redeemYuan = { min: [{ div: [{ customer: 'points' }, 100] }, 100] };
  expect(d.variables).toEqual({ redeemYuan, redeemPoints: { mul: [redeemYuan, 100] }, minPoints: 1000 });
  expect(d.offer).toMatchObject({ costCents: { mul: [redeemYuan, 100] }, benefit: { kind: 'points' } });
  expect(d.eligibility[1]).toEqual({ when: { compare: [{ customer: 'points' }, 'gte', 1000] }, unless: '积分不足{minPoints}分' });
  expect(d).toMatchObject({ answers: { tiers: ['gold', 'silver', 'mid_high', 'ordinary'] }, giftLimitCents: {}, cooldownDays: 90 });
});

it('uses Suzhou\'s rate and threshold, and its gift limit', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.variables?.redeemYuan).toEqual({ min: [{ div: [{ customer: 'points' }, 50] }, 100] });
  expect(d).toMatchObject({ eligibility: [{}, { unless: '积分不足{minPoints}分' }], variables: { minPoints: 3000 }, giftLimitCents: { ordinary: 5000 } });
});

it('refuses a rate of zero points a yuan', async () => {
  expect(await bed().refusal({ pointsPerYuan: 0 })).toMatch(/pointsPerYuan/);
});
