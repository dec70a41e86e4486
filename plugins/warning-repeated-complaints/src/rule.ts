/**
 * 重复投诉: a customer (active or suspended) with at least `minComplaints` complaints over the `months`
 * complete months ending with the as-of month. One complaint is service; the second one within a quarter
 * is the classic precursor of an active churn. Score: 35 per complaint, 100 from the third; a complaint in
 * the last month counts again (its cause is probably still open).
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface RepeatedComplaintsSettings {
  months: number;
  minComplaints: number;
  weight: number;
}

export function repeatedComplaintsRule(settings: RepeatedComplaintsSettings): WarningRuleDefinition {
  const complaints: WarningExpr = { usage: 'complaints', measure: 'total', months: settings.months };
  const lastMonth: WarningExpr = { usage: 'complaints', measure: 'total', months: 1 };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active', 'suspended'] } },
        { compare: [complaints, 'gte', settings.minComplaints] },
      ],
    },
    score: { min: [100, { mul: [35, { add: [complaints, { min: [lastMonth, 1] }] }] }] },
    evidence: { complaints, lastMonth },
    reason: `重复投诉：近${settings.months}个月投诉{complaints}次，上月{lastMonth}次`,
  };
}
