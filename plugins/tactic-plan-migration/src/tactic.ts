/**
 * 套餐迁移法: moves a customer onto the plan that fits their real usage. The set-based part keeps active
 * customers of `minTenureMonths` on a catalogue plan; `refine` reads the batch's last 3 complete months
 * (peak voice and data, average spend) and recommends through `planFit`, or says why not.
 */
import { tacticChecks, tacticFromSettings, yuanToCents, type PluginServices, type TacticCandidate, type TacticDefinition, type TacticImplementation, type TacticInput, type TacticRefinement, type TacticSettings, type UsageMonthView } from '@weixi/sdk';
import { planAdvice, planFit, type CataloguePlan, type PlanUsage } from './plan-fit.js';

export interface PlanMigrationSettings extends TacticSettings {
  catalogue: CataloguePlan[];
  /** Months of a cheaper plan's saving counted as the migration's cost: the revenue given up. */
  costMonths: number;
  minTenureMonths: number;
}

/** How many complete months the recommendation reads. */
export const USAGE_MONTHS = 3;

export function planMigration(s: PlanMigrationSettings): TacticDefinition {
  return tacticFromSettings(s, {
    eligibility: [
      tacticChecks.active,
      tacticChecks.tenureAtLeast(s.minTenureMonths),
      { when: { in: { fact: 'plan', values: s.catalogue.map((p) => p.code) } }, unless: '当前套餐不在迁移目录中' },
    ],
    // The cost is refine's: the saving over costMonths for a cheaper plan, nothing for an upgrade.
    offer: { title: '改用{recommendedPlan}', costCents: 0, benefit: { kind: 'discount', valueCents: 0, description: '按实际用量调整套餐；资费差额不是赠礼' } },
    refinedVariables: ['recommendedPlan', 'recommendedPriceYuan', 'peakVoiceMinutes', 'peakDataMb', 'planAdvice'],
    script: '{name}您好，根据您近3个月的实际使用（单月最高通话{peakVoiceMinutes}分钟、流量{peakDataMb}MB），推荐您从{plan}改用{recommendedPlan}（每月{recommendedPriceYuan}元），{planAdvice}。次月生效，号码和积分不变。',
    grants: false,
  });
}

/** The `count` calendar months before `date`'s month (`YYYY-MM-DD`), as a `{ from, to }` range. */
export function completeMonthsBefore(date: string, count: number): { from: string; to: string } {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
  const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return { from: month(index - count), to: month(index - 1) };
}

function usageOf(rows: readonly UsageMonthView[]): PlanUsage {
  return {
    peakVoiceMinutes: Math.max(0, ...rows.map((r) => r.voiceMinutes)),
    peakDataMb: Math.max(0, ...rows.map((r) => r.dataMb)),
    averageSpendYuan: rows.reduce((sum, r) => sum + r.revenueCents, 0) / 100 / USAGE_MONTHS,
  };
}

/** Recommends a plan to each candidate of the batch from its usage: two reads for the whole batch. */
export async function recommendPlans(services: PluginServices, candidates: readonly TacticCandidate[], { settings, regionCode }: TacticInput<PlanMigrationSettings>): Promise<TacticRefinement[]> {
  const ids = candidates.map((c) => c.customerId);
  const day = await services.regions.day(regionCode);
  const [customers, usage] = await Promise.all([services.customers.byIds(ids), services.usage.monthly(ids, completeMonthsBefore(day.date, USAGE_MONTHS))]);
  const planOf = new Map(customers.map((c) => [c.id, c.plan]));
  const rowsOf = new Map<number, UsageMonthView[]>();
  for (const row of usage) rowsOf.set(row.customerId, [...(rowsOf.get(row.customerId) ?? []), row]);
  return ids.map((customerId): TacticRefinement => {
    const plan = planOf.get(customerId);
    if (plan === undefined) return { customerId, eligible: false, reason: '客户不在本地区' };
    const used = usageOf(rowsOf.get(customerId) ?? []);
    const fit = planFit(plan, used, settings.catalogue);
    if (fit.kind === 'none') return { customerId, eligible: false, reason: fit.reason };
    return {
      customerId,
      eligible: true,
      costCents: fit.kind === 'cheaper' ? yuanToCents(fit.savingYuan * settings.costMonths) : 0,
      variables: { recommendedPlan: fit.plan.name, recommendedPriceYuan: fit.plan.priceYuan, peakVoiceMinutes: used.peakVoiceMinutes, peakDataMb: used.peakDataMb, planAdvice: planAdvice(fit) },
    };
  });
}

export function planMigrationTactic(services: PluginServices): TacticImplementation<PlanMigrationSettings> {
  return { build: ({ settings }) => planMigration(settings), refine: (candidates, input) => recommendPlans(services, candidates, input) };
}
