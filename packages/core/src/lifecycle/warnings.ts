/**
 * Churn warning indicators (流失预警). Each is a segment condition, so it is documented by its definition,
 * evaluated by the same compiler as segments, and can be reused to build a segment of warned customers.
 * "Last month" is the last complete month before the current one.
 */
import type { SegmentCondition } from '../segments/definition.js';

export const WARNING_INDICATORS = ['silent', 'revenueDrop', 'contractExpiring', 'suspended', 'complaints', 'competitorContact'] as const;
export type WarningIndicator = (typeof WARNING_INDICATORS)[number];

export const WARNING_RULES = {
  /** Silent: no active day in the last month. Customers with under a month of tenure are not silent yet. */
  silentMonths: 1,
  /**
   * Revenue drop: revenue of the last 3 months down by 30% or more from the 3 months before (at most 70% of
   * it), which must have had revenue. A change ratio, written exactly (1 - 0.7 is not -0.3 in floating point).
   */
  revenueDropMonths: 3,
  revenueDropChange: -0.3,
  /** Contract expiring: the contract ends today or within the next 60 days. */
  contractExpiringDays: 60,
  /** Complaints: at least 2 complaints in the last month. */
  complaintsPerMonth: 2,
  /** Competitor contact: any call to a competitor or port-out inquiry in the last month. */
  competitorContactsPerMonth: 1,
} as const;

const r = WARNING_RULES;

export const WARNING_CONDITIONS: Readonly<Record<WarningIndicator, SegmentCondition>> = {
  silent: {
    and: [
      { metric: { metric: 'activeDays', measure: 'total', months: r.silentMonths, op: 'eq', value: 0 } },
      { field: { field: 'tenureMonths', op: 'gte', value: String(r.silentMonths) } },
    ],
  },
  revenueDrop: {
    metric: { metric: 'revenueCents', measure: 'changeRatio', months: r.revenueDropMonths, op: 'lte', value: r.revenueDropChange },
  },
  contractExpiring: {
    and: [
      { field: { field: 'contractEndsInDays', op: 'gte', value: '0' } },
      { field: { field: 'contractEndsInDays', op: 'lte', value: String(r.contractExpiringDays) } },
    ],
  },
  suspended: { field: { field: 'status', op: 'eq', value: 'suspended' } },
  complaints: {
    metric: { metric: 'complaints', measure: 'total', months: 1, op: 'gte', value: r.complaintsPerMonth },
  },
  competitorContact: {
    metric: { metric: 'competitorContacts', measure: 'total', months: 1, op: 'gte', value: r.competitorContactsPerMonth },
  },
};
