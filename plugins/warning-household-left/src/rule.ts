/**
 * 家庭成员离网: a household (家庭, a converged bundle) whose member has left is a broken bundle, and the
 * others often follow within months. Fires for active customers in a household (`group_kind` household)
 * with another member who churned within `days` days. Score: 60 for one member gone, 90 for two.
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface HouseholdLeftSettings {
  days: number;
  weight: number;
}

export function householdLeftRule(settings: HouseholdLeftSettings): WarningRuleDefinition {
  const left: WarningExpr = { householdChurned: { days: settings.days } };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { in: { fact: 'groupKind', values: ['household'] } },
        { compare: [left, 'gte', 1] },
      ],
    },
    score: { min: [100, { add: [30, { mul: [30, left] }] }] },
    evidence: { membersLeft: left },
    reason: `家庭成员离网：近${settings.days}天有{membersLeft}名家庭成员离网`,
  };
}
