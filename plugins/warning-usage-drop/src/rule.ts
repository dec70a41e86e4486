/**
 * 话务/流量下降: an active customer whose voice minutes (or data volume) in the as-of month M fell, against
 * the average of M-3..M-1, by at least `voiceDrop` (`dataDrop`), when that average is worth watching. Voice
 * and data are separate rules: a customer moving calls to an over-the-top app drops voice only, one who
 * bought a competitor's data SIM drops data only. Score: 100 x the drop (a 60% drop scores 60).
 */
import type { UsageMetric, WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

export interface UsageDropSettings {
  voiceDrop: number;
  minVoiceMinutes: number;
  dataDrop: number;
  minDataMb: number;
  weight: number;
}

function dropRule(metric: UsageMetric, drop: number, minimum: number, label: string, unit: string): WarningRuleDefinition {
  const lastMonth: WarningExpr = { usage: metric, measure: 'total', months: 1 };
  const average3: WarningExpr = { usage: metric, measure: 'average', months: 3, offset: 1 };
  const fallen: WarningExpr = { mul: [-1, { change: { from: average3, to: lastMonth } }] };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [average3, 'gte', minimum] },
        { compare: [fallen, 'gte', drop] },
      ],
    },
    score: { mul: [100, fallen] },
    evidence: { lastMonth, average3, drop: fallen },
    reason: `${label}下降：上月{lastMonth}${unit}，前三月均值{average3}${unit}`,
  };
}

export const voiceDropRule = (s: UsageDropSettings) => dropRule('voiceMinutes', s.voiceDrop, s.minVoiceMinutes, '通话量', '分钟');
export const dataDropRule = (s: UsageDropSettings) => dropRule('dataMb', s.dataDrop, s.minDataMb, '流量', 'MB');
