/**
 * 积分兑换法: reminds a customer with at least `minPoints` loyalty points (积分) that they can turn them into
 * credit, `pointsPerYuan` points a yuan, at most `maxRedeemYuan` at once. The points are the customer's
 * own, so the credit is not a gift: the default gift policy leaves it unlimited.
 */
import { tacticChecks, tacticFromSettings, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface PointsRedemptionSettings extends TacticSettings {
  minPoints: number;
  pointsPerYuan: number;
  maxRedeemYuan: number;
}

export function pointsRedemption(s: PointsRedemptionSettings): TacticDefinition {
  const redeemYuan: WarningExpr = { min: [{ div: [{ customer: 'points' }, s.pointsPerYuan] }, s.maxRedeemYuan] };
  const redeemCents: WarningExpr = { mul: [redeemYuan, 100] };
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, { when: { compare: [{ customer: 'points' }, 'gte', s.minPoints] }, unless: '积分不足{minPoints}分' }],
    offer: {
      title: '{redeemPoints}积分兑换{redeemYuan}元话费',
      costCents: redeemCents,
      benefit: { kind: 'points', valueCents: redeemCents, description: `积分兑换话费，${s.pointsPerYuan}积分抵1元，单次最多${s.maxRedeemYuan}元` },
    },
    variables: { redeemYuan, redeemPoints: { mul: [redeemYuan, s.pointsPerYuan] }, minPoints: s.minPoints },
    script: '{name}您好，您目前有{points}积分，可用{redeemPoints}积分兑换{redeemYuan}元话费，也可在掌上营业厅兑换流量和礼品。回复“兑换”即可办理。',
  });
}
