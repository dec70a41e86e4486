/**
 * 到期: an active customer whose `contract_ends_on` falls within `daysBefore` days of the run's day (0: it
 * ends today). Score: 40 at `daysBefore` days left, rising to 100 on the last day.
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface ContractEndingSettings {
  daysBefore: number;
  weight: number;
}

const daysLeft: WarningExpr = { customer: 'contractEndsInDays' };

export function contractEndingRule(settings: ContractEndingSettings): WarningRuleDefinition {
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [daysLeft, 'gte', 0] },
        { compare: [daysLeft, 'lte', settings.daysBefore] },
      ],
    },
    score: { sub: [100, { mul: [60, { div: [daysLeft, settings.daysBefore] }] }] },
    evidence: { daysLeft, tenureMonths: { customer: 'tenureMonths' } },
    reason: '合约{daysLeft}天后到期',
  };
}
