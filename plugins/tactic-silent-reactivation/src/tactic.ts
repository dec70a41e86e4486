/**
 * 沉默客户唤醒: a short-lived free data pack for a silent customer (沉默客户), before they are lost. One
 * silent longer than `maxSilentMonths` is left to win-back: a data pack no longer reaches them.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';

export interface SilentReactivationSettings extends TacticSettings {
  dataGb: number;
  validDays: number;
  packValueYuan: number;
  packCostYuan: number;
  maxSilentMonths: number;
}

export function silentReactivation(s: SilentReactivationSettings): TacticDefinition {
  const silentMonths: WarningExpr = { monthsWithout: 'activeDays', months: s.maxSilentMonths + 1 };
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, { when: { compare: [silentMonths, 'lte', s.maxSilentMonths] }, unless: '沉默超过{maxSilentMonths}个月，转离网挽回' }],
    offer: {
      title: '唤醒流量包{dataGb}GB（{validDays}天有效）',
      costCents: yuanToCents(s.packCostYuan),
      benefit: { kind: 'data', valueCents: yuanToCents(s.packValueYuan), description: `${s.dataGb}GB流量，${s.validDays}天内有效` },
    },
    variables: { silentMonths, dataGb: s.dataGb, validDays: s.validDays, maxSilentMonths: s.maxSilentMonths },
    script: '{name}您好，好久不见！为您送上{dataGb}GB流量，{validDays}天内有效，回复“领取”即可到账。',
  });
}
