/**
 * 到期续约: a renewal bonus before the contract ends, answering the contract-ending warning or, without
 * it, any contract ending within `daysBefore` days. Whom not to chase: customers in arrears (collect
 * first), spending below `minArpuYuan`, or with more than `maxComplaints` complaints (resolve them first).
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface ContractRenewalSettings extends TacticSettings {
  renewalBonusYuan: number;
  commitmentMonths: number;
  daysBefore: number;
  minArpuYuan: number;
  maxComplaints: number;
}

const daysLeft: WarningExpr = { customer: 'contractEndsInDays' };

export function contractRenewal(s: ContractRenewalSettings): TacticDefinition {
  const bonusCents = yuanToCents(s.renewalBonusYuan);
  return tacticFromSettings(s, {
    when: { all: [{ compare: [daysLeft, 'gte', 0] }, { compare: [daysLeft, 'lte', s.daysBefore] }] },
    eligibility: [
      tacticChecks.active,
      { when: { compare: [{ customer: 'balanceCents' }, 'gte', 0] }, unless: '欠费客户，先催缴再续约' },
      tacticChecks.arpuAtLeast(s.minArpuYuan),
      { when: { compare: [{ usage: 'complaints', measure: 'total', months: 3 }, 'lte', s.maxComplaints] }, unless: '近3个月投诉超过{maxComplaints}次，先处理投诉' },
    ],
    offer: {
      title: '续约{commitmentMonths}个月送{renewalBonusYuan}元话费',
      costCents: bonusCents,
      benefit: { kind: 'credit', valueCents: bonusCents, description: `续约${s.commitmentMonths}个月赠送话费${s.renewalBonusYuan}元` },
    },
    variables: { daysLeft, renewalBonusYuan: s.renewalBonusYuan, commitmentMonths: s.commitmentMonths, maxComplaints: s.maxComplaints },
    script: '{name}您好，您的合约将于{contractEndsOn}到期（还有{daysLeft}天）。现在续约{commitmentMonths}个月，即送{renewalBonusYuan}元话费，套餐和号码都不变，请问现在为您办理吗？',
  });
}
