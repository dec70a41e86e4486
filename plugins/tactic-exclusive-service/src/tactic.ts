/**
 * 专属服务法: the customer's own account manager (客户经理) calls or visits a diamond, gold or silver
 * customer with any churn warning, bringing a VIP service package (lounges, priority lanes, repairs).
 * Its precedence puts it before every mass tactic for these tiers.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface ExclusiveServiceSettings extends TacticSettings {
  packageValueYuan: number;
  packageCostYuan: number;
}

export function exclusiveService(s: ExclusiveServiceSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, { when: { flag: 'hasAccountManager' }, unless: '未分配客户经理' }],
    offer: {
      title: 'VIP专属服务礼包（价值{packageValueYuan}元）',
      costCents: yuanToCents(s.packageCostYuan),
      benefit: { kind: 'service', valueCents: yuanToCents(s.packageValueYuan), description: '机场贵宾厅、营业厅优先通道、专属维修与上门服务' },
    },
    variables: { packageValueYuan: s.packageValueYuan },
    script: '{name}您好，我是您的专属客户经理。我们注意到：{reason}。想当面了解您的需求，并为您送上价值{packageValueYuan}元的VIP专属服务礼包（机场贵宾厅、优先通道、专属维修）。您看什么时间方便？',
  });
}
