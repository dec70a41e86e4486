/**
 * 沉默客户: who is silent. A customer is silent for N months when they are active (not suspended or
 * churned), joined before those months began, and had no active day in any of the N complete months before
 * the current one. The rule is a condition the core compiles to one SQL statement over the region.
 */
import type { SegmentCondition, UsageMonthView } from '@weixi/sdk';

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The month `offset` months from `month` (`YYYY-MM`). */
export function addMonths(month: string, offset: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Silent for `months` complete months before the month of `today` (the region's date). */
export function silentCondition(months: number, today: string): SegmentCondition {
  const windowStart = addMonths(monthOf(today), -months);
  return {
    and: [
      { field: { field: 'status', op: 'eq', value: 'active' } },
      // Customers who joined during the window never had whole months to be active in.
      { field: { field: 'joinedOn', op: 'lt', value: `${windowStart}-01` } },
      { metric: { metric: 'activeDays', measure: 'monthsWithoutActivity', months, op: 'gte', value: months } },
    ],
  };
}

/**
 * Somebody in the region was active last month. When nobody was, last month's usage has not been loaded
 * yet, and every customer would look silent.
 */
export const activeLastMonth: SegmentCondition = { metric: { metric: 'activeDays', measure: 'total', months: 1, op: 'gt', value: 0 } };

/** How far back `silentMonths` looks. */
export const LOOKBACK_MONTHS = 6;

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
