/**
 * 关怀捆绑法: a family add-on card (亲情副卡) sharing the customer's plan, its monthly fee waived for
 * `freeMonths`: a household on one plan costs more to leave. Enterprise lines are their group's business.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface CareBundlingSettings extends TacticSettings {
  memberFeeYuan: number;
  freeMonths: number;
  minTenureMonths: number;
}

export function careBundling(s: CareBundlingSettings): TacticDefinition {
  const waivedCents = yuanToCents(s.memberFeeYuan * s.freeMonths);
  return tacticFromSettings(s, {
    eligibility: [
      tacticChecks.active,
      tacticChecks.tenureAtLeast(s.minTenureMonths),
      { when: { not: { in: { fact: 'groupKind', values: ['enterprise'] } } }, unless: '集团客户由集团客户经理维系' },
    ],
    offer: {
      title: '亲情副卡免{freeMonths}个月月费',
      costCents: waivedCents,
      benefit: { kind: 'discount', valueCents: waivedCents, description: `亲情副卡共享主卡套餐，免${s.freeMonths}个月、每月${s.memberFeeYuan}元的副卡月费` },
    },
    variables: { memberFeeYuan: s.memberFeeYuan, freeMonths: s.freeMonths },
    script: '{name}您好，感谢您{tenureYears}年来的支持。现在为家人办理亲情副卡，可共享您的{plan}套餐，前{freeMonths}个月免收每月{memberFeeYuan}元副卡月费，家人之间通话免费，请问需要为您办理吗？',
  });
}
