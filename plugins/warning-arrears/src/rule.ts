/**
 * 欠费停机: passive churn starts with an unpaid bill. A suspended customer (停机) is warned whatever the
 * amount; an active one once their balance is below `-minArrearsCents` (欠费). Score: 50 plus the share of
 * `fullScoreArrearsCents` owed (x50), so 100 from that amount.
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface ArrearsSettings {
  minArrearsCents: number;
  fullScoreArrearsCents: number;
  weight: number;
}

const owed: WarningExpr = { max: [0, { mul: [-1, { customer: 'balanceCents' }] }] };

export function arrearsRule(settings: ArrearsSettings): WarningRuleDefinition {
  const byAmount: WarningExpr = { add: [50, { mul: [50, { div: [owed, settings.fullScoreArrearsCents] }] }] };
  return {
    when: {
      any: [
        { in: { fact: 'status', values: ['suspended'] } },
        { all: [{ in: { fact: 'status', values: ['active'] } }, { compare: [owed, 'gte', settings.minArrearsCents] }] },
      ],
    },
    score: { min: [100, byAmount] },
    evidence: { owedCents: owed, balanceCents: { customer: 'balanceCents' }, creditLimitCents: { customer: 'creditLimitCents' } },
    reason: '欠费停机：欠费{owedCents}分，信用额度{creditLimitCents}分',
  };
}
