/**
 * 信用服务法: raises the credit limit (信用额度) by `creditRaiseYuan` for a good postpaid customer in small
 * arrears, rather than suspending (停机) them. Its cost is the raise's expected loss (`badDebtRate`); a
 * suspended customer qualifies too, as the raise lifts the suspension.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface CreditServiceSettings extends TacticSettings {
  creditRaiseYuan: number;
  badDebtRate: number;
  maxArrearsYuan: number;
  minTenureMonths: number;
  minArpuYuan: number;
}

const arrearsYuan: WarningExpr = { max: [0, { div: [{ customer: 'balanceCents' }, -100] }] };

export function creditService(s: CreditServiceSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [
      { when: { in: { fact: 'status', values: ['active', 'suspended'] } }, unless: '已离网客户' },
      tacticChecks.paymentType('postpaid'),
      tacticChecks.tenureAtLeast(s.minTenureMonths),
      { when: { compare: [arrearsYuan, 'lte', s.maxArrearsYuan] }, unless: '欠费超过{maxArrearsYuan}元，转催缴' },
      tacticChecks.arpuAtLeast(s.minArpuYuan),
    ],
    offer: {
      title: '信用额度提升{creditRaiseYuan}元',
      costCents: yuanToCents(s.creditRaiseYuan * s.badDebtRate),
      benefit: { kind: 'credit_limit', valueCents: yuanToCents(s.creditRaiseYuan), description: `信用额度提升${s.creditRaiseYuan}元，小额欠费不停机` },
    },
    variables: { arrearsYuan, creditRaiseYuan: s.creditRaiseYuan, maxArrearsYuan: s.maxArrearsYuan },
    script: '{name}您好，您是在网{tenureYears}年的信用良好客户，目前欠费{arrearsYuan}元。我们已为您申请提升信用额度{creditRaiseYuan}元，保障您正常使用，请在方便时缴清话费。',
  });
}
