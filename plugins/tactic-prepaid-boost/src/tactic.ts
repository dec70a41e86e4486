/**
 * 预存提升法: a prepaid customer whose spending drops prepays `prepayYuan` and gets `bonusYuan` back in
 * `spreadMonths` equal monthly parts, so staying is how the bonus is collected. Only customers who still
 * recharge are asked: one who stopped recharging is not won back by asking for more money.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface PrepaidBoostSettings extends TacticSettings {
  prepayYuan: number;
  bonusYuan: number;
  spreadMonths: number;
  minMonthlyRechargeYuan: number;
}

export function prepaidBoost(s: PrepaidBoostSettings): TacticDefinition {
  const bonusCents = yuanToCents(s.bonusYuan);
  return tacticFromSettings(s, {
    eligibility: [
      tacticChecks.active,
      tacticChecks.paymentType('prepaid'),
      {
        when: { compare: [{ usage: 'rechargeCents', measure: 'average', months: 3 }, 'gte', yuanToCents(s.minMonthlyRechargeYuan)] },
        unless: '近3个月月均充值低于{minMonthlyRechargeYuan}元',
      },
    ],
    offer: {
      title: '预存{prepayYuan}元送{bonusYuan}元',
      costCents: bonusCents,
      benefit: { kind: 'credit', valueCents: bonusCents, description: `赠送话费${s.bonusYuan}元，分${s.spreadMonths}个月等额返还` },
    },
    variables: {
      prepayYuan: s.prepayYuan,
      bonusYuan: s.bonusYuan,
      spreadMonths: s.spreadMonths,
      monthlyBonusYuan: { div: [s.bonusYuan, s.spreadMonths] },
      minMonthlyRechargeYuan: s.minMonthlyRechargeYuan,
    },
    script: '{name}您好，感谢您一直使用{plan}。现在预存{prepayYuan}元即送{bonusYuan}元话费，分{spreadMonths}个月每月返还{monthlyBonusYuan}元，请问需要为您办理吗？',
  });
}
