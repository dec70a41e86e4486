/**
 * 终端老化: a customer on an old handset is about to buy a new one, and a new handset is the moment a
 * customer changes operator (a competitor's subsidy comes with the phone). Fires for active customers whose
 * handset, by the purchase date in `attributes[purchaseDateAttribute]`, is at least `minMonths` old. Score:
 * 2 per month of age, at most 100 (30 months: 60). Customers without a purchase date are not judged.
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface DeviceAgeSettings {
  minMonths: number;
  purchaseDateAttribute: string;
  weight: number;
}

export function deviceAgeRule(settings: DeviceAgeSettings): WarningRuleDefinition {
  const age: WarningExpr = { monthsSinceDate: { attribute: settings.purchaseDateAttribute } };
  return {
    when: { all: [{ in: { fact: 'status', values: ['active'] } }, { compare: [age, 'gte', settings.minMonths] }] },
    score: { min: [100, { mul: [2, age] }] },
    evidence: { deviceAgeMonths: age },
    reason: '终端老化：手机已使用{deviceAgeMonths}个月',
  };
}
