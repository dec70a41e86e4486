/**
 * 网龄服务法: credit of `rewardYuanPerYear` per year on the network (counted by month, so 2.5 years earn
 * 2.5 years' worth), at most `maxRewardYuan`, for customers of at least `minTenureYears` years.
 */
import { tacticChecks, tacticFromSettings, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface TenureRewardsSettings extends TacticSettings {
  rewardYuanPerYear: number;
  maxRewardYuan: number;
  minTenureYears: number;
}

export function tenureRewards(s: TenureRewardsSettings): TacticDefinition {
  const rewardYuan: WarningExpr = { min: [{ mul: [{ customer: 'tenureMonths' }, s.rewardYuanPerYear / 12] }, s.maxRewardYuan] };
  const rewardCents: WarningExpr = { mul: [rewardYuan, 100] };
  return tacticFromSettings(s, {
    eligibility: [
      tacticChecks.active,
      { when: { compare: [{ customer: 'tenureMonths' }, 'gte', s.minTenureYears * 12] }, unless: '网龄不满{minTenureYears}年' },
    ],
    offer: {
      title: '网龄回馈{rewardYuan}元话费',
      costCents: rewardCents,
      benefit: { kind: 'credit', valueCents: rewardCents, description: `网龄每满一年回馈${s.rewardYuanPerYear}元话费，最多${s.maxRewardYuan}元` },
    },
    variables: { rewardYuan, rewardYuanPerYear: s.rewardYuanPerYear, minTenureYears: s.minTenureYears },
    script: '{name}您好，您已在网{tenureYears}年，感谢一路相伴！按网龄每年{rewardYuanPerYear}元，为您送上{rewardYuan}元话费回馈，回复“领取”即可到账。',
  });
}
