/**
 * 主动关怀法 as a tactic: in the `careDaysAhead` days before a customer's birthday (a moment of truth), a
 * care call or message with a birthday data pack. Unlike the greeting job, which greets everyone, the
 * planner weighs it against the other tactics and gives it to whom it suits.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings, type WarningExpr } from '@weixi/sdk';
import type { CareSettings } from './greeting.js';

export interface ProactiveCareSettings extends CareSettings, TacticSettings {
  careDaysAhead: number;
  giftDataGb: number;
  giftValueYuan: number;
  giftCostYuan: number;
}

const birthdayInDays: WarningExpr = { customer: 'birthdayInDays' };

export function birthdayCare(s: ProactiveCareSettings): TacticDefinition {
  return tacticFromSettings(s, {
    when: { all: [{ compare: [birthdayInDays, 'gte', 0] }, { compare: [birthdayInDays, 'lte', s.careDaysAhead] }] },
    eligibility: [tacticChecks.active],
    offer: {
      title: '生日流量包{giftDataGb}GB',
      costCents: yuanToCents(s.giftCostYuan),
      benefit: { kind: 'data', valueCents: yuanToCents(s.giftValueYuan), description: `${s.giftDataGb}GB生日流量包，当月有效` },
    },
    variables: { birthdayInDays, giftDataGb: s.giftDataGb },
    script: '{name}您好，再过{birthdayInDays}天就是您的生日，提前祝您生日快乐！感谢您{tenureYears}年来的陪伴，我们为您准备了{giftDataGb}GB生日流量包，回复“领取”即可到账。',
  });
}
