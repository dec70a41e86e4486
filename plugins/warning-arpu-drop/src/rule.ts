/**
 * 消费波动: an active customer whose revenue in the as-of month M fell, against M-1 by at least
 * `monthOverMonthDrop`, or against the average of M-3..M-1 by at least `averageDrop`, when that average is
 * at least `minBaselineCents`. Score: 100 × the larger of the two drops (a 45% drop scores 45).
 */
import type { WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface ArpuDropSettings {
  monthOverMonthDrop: number;
  averageDrop: number;
  minBaselineCents: number;
  weight: number;
}

const lastMonth: WarningExpr = { usage: 'revenueCents', measure: 'total', months: 1 };
const monthBefore: WarningExpr = { usage: 'revenueCents', measure: 'total', months: 1, offset: 1 };
const average3: WarningExpr = { usage: 'revenueCents', measure: 'average', months: 3, offset: 1 };
/** Drops as positive fractions: 0.4 is 40% less; null without a baseline. */
const dropVsMonthBefore: WarningExpr = { mul: [-1, { change: { from: monthBefore, to: lastMonth } }] };
const dropVsAverage: WarningExpr = { mul: [-1, { change: { from: average3, to: lastMonth } }] };

export function arpuDropRule(settings: ArpuDropSettings): WarningRuleDefinition {
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [average3, 'gte', settings.minBaselineCents] },
        {
          any: [
            { compare: [dropVsMonthBefore, 'gte', settings.monthOverMonthDrop] },
            { compare: [dropVsAverage, 'gte', settings.averageDrop] },
          ],
        },
      ],
    },
    score: { mul: [100, { max: [dropVsMonthBefore, dropVsAverage] }] },
    evidence: { revenueCents: lastMonth, previousCents: monthBefore, average3Cents: average3, dropVsPrevious: dropVsMonthBefore, dropVsAverage },
    reason: '消费波动：上月消费{revenueCents}分，前一月{previousCents}分，前三月均值{average3Cents}分',
  };
}
