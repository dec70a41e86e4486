/**
 * 体验感知法: a free `trialDays`-day trial of a `trialDataGb` GB high-speed data pack, ending without
 * renewal, for customers whose data use or spending drops: they try what a bigger plan gives.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type TacticDefinition, type TacticSettings } from '@weixi/sdk';

export interface ExperienceSettings extends TacticSettings {
  trialDays: number;
  trialDataGb: number;
  trialValueYuan: number;
  trialCostYuan: number;
  minTenureMonths: number;
}

export function experienceTrial(s: ExperienceSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [tacticChecks.active, tacticChecks.tenureAtLeast(s.minTenureMonths)],
    offer: {
      title: '免费体验{trialDataGb}GB高速流量{trialDays}天',
      costCents: yuanToCents(s.trialCostYuan),
      benefit: { kind: 'data', valueCents: yuanToCents(s.trialValueYuan), description: `${s.trialDataGb}GB高速流量包免费体验${s.trialDays}天，到期不自动续订` },
    },
    variables: { trialDays: s.trialDays, trialDataGb: s.trialDataGb },
    script: '{name}您好，邀请您免费体验{trialDays}天{trialDataGb}GB高速流量包，体验期满不自动续订、不收费，回复“体验”即可开通。',
  });
}
