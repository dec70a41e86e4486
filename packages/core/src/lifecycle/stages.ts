/**
 * Lifecycle stages (客户生命周期), first match wins: churned (status churned); warning (any warning
 * indicator); onboarding (入网期, under a month of tenure); introduction (导入期, 1 to 3 whole months);
 * mature (成熟期).
 */
import type { SegmentCondition } from '../segments/definition.js';
import type { WarningIndicator } from './warnings.js';

export const LIFECYCLE_STAGES = ['onboarding', 'introduction', 'mature', 'warning', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Tenure in whole months (see the `tenureMonths` field) that ends onboarding and introduction. */
export const LIFECYCLE_TENURE = { onboardingBelowMonths: 1, introductionUpToMonths: 3 } as const;

export const STAGE_CONDITIONS = {
  onboarding: { field: { field: 'tenureMonths', op: 'lt', value: String(LIFECYCLE_TENURE.onboardingBelowMonths) } },
  introduction: { field: { field: 'tenureMonths', op: 'lte', value: String(LIFECYCLE_TENURE.introductionUpToMonths) } },
} as const satisfies Record<string, SegmentCondition>;

export function stageOf(facts: { churned: boolean; warnings: readonly WarningIndicator[]; onboarding: boolean; introduction: boolean }): LifecycleStage {
  if (facts.churned) return 'churned';
  if (facts.warnings.length > 0) return 'warning';
  if (facts.onboarding) return 'onboarding';
  if (facts.introduction) return 'introduction';
  return 'mature';
}
