/**
 * 沉默客户: who is silent. A customer is silent for N months when they are active (not suspended or
 * churned), joined before those months began, and had no active day in any of the N complete months before
 * the current one. The rule is data the warning engine compiles to one SQL statement over the region.
 */
import type { UsageMonthView, WarningExpr, WarningRuleDefinition } from '@weixi/sdk';

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The month `offset` months from `month` (`YYYY-MM`). */
export function addMonths(month: string, offset: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The rule's settings, per region (see package.json). */
export interface SilentSettings {
  silentMonths: number;
  reason: string;
  weight: number;
}

/** How far back `silentMonths` looks. */
export const LOOKBACK_MONTHS = 6;

/**
 * The warning: active customers who joined before the window and had no active day in each of the
 * `silentMonths` complete months through the as-of month. Score: 50 for one silent month, 70 (high) for
 * two, 10 more per further month; evidence: the trailing silent months (up to 6) and the tenure.
 */
export function silentRule(settings: SilentSettings): WarningRuleDefinition {
  const months = settings.silentMonths;
  const tenure: WarningExpr = { customer: 'tenureMonths' };
  // Months before the join month never had a chance to be active: they do not count as silent.
  const silentMonths: WarningExpr = { min: [{ monthsWithout: 'activeDays', months: LOOKBACK_MONTHS }, tenure] };
  return {
    when: {
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [tenure, 'gte', months] },
        { compare: [{ monthsWithout: 'activeDays', months }, 'gte', months] },
      ],
    },
    score: { min: [100, { add: [30, { mul: [20, silentMonths] }] }, { add: [50, { mul: [10, silentMonths] }] }] },
    evidence: { silentMonths, tenureMonths: tenure },
    reason: settings.reason,
  };
}

/**
 * Complete months in a row, ending with the month before `currentMonth`, without an active day; only
 * months after the join month count, and at most `LOOKBACK_MONTHS`. A month without a row counts as silent.
 */
export function trailingSilentMonths(usage: readonly UsageMonthView[], currentMonth: string, joinedOn: string): number {
  const active = new Set(usage.filter((u) => u.activeDays > 0).map((u) => u.month));
  let silent = 0;
  for (let month = addMonths(currentMonth, -1); silent < LOOKBACK_MONTHS && month > monthOf(joinedOn) && !active.has(month); month = addMonths(month, -1)) silent++;
  return silent;
}
