/**
 * 新客户回访: the introduction stage (导入期) is where early churn happens, and the handbook's answer is a
 * callback within the first month. An active customer with at most `withinMonths` complete months on the
 * network (through the as-of month) is due one. Score: 40 (medium, a routine callback), 80 when last
 * month's revenue is under `lowUsageCents` (a line bought and hardly used is the early churner).
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface NewCustomerCallbackSettings {
  withinMonths: number;
  lowUsageCents: number;
  weight: number;
}

const tenure: WarningExpr = { customer: 'tenureMonths' };
const lastMonth: WarningExpr = { usage: 'revenueCents', measure: 'total', months: 1 };

export function newCustomerCallbackRule(settings: NewCustomerCallbackSettings): WarningRuleDefinition {
  // 1 when last month's revenue is under the threshold, else 0: min(1, max(0, threshold - revenue)).
  const lowUsage: WarningExpr = { min: [1, { max: [0, { sub: [settings.lowUsageCents, lastMonth] }] }] };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [tenure, 'gte', 0] },
        { compare: [tenure, 'lte', settings.withinMonths] },
      ],
    },
    score: { add: [40, { mul: [40, lowUsage] }] },
    evidence: { tenureMonths: tenure, revenueCents: lastMonth },
    reason: '新客户回访：入网{tenureMonths}个完整月，上月消费{revenueCents}分',
  };
}
