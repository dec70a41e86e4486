/**
 * The dates the generator works from. "Today" is the calendar day in the demo regions' time zone (that is
 * when birthdays and contract ends fall for the customer); usage months follow the platform's month
 * convention (`monthStart`), the `months` complete months before the month of `now`.
 */
import { monthStart } from '@weixi/core';
import { DEMO_TIME_ZONE } from './regions.js';

export const DEFAULT_USAGE_MONTHS = 12;
export const MAX_USAGE_MONTHS = 36;

export interface DemoCalendar {
  /** `YYYY-MM-DD` in Asia/Shanghai. */
  today: string;
  /** The first day of the month of `now`: usage stops before it. */
  currentMonth: string;
  /** The usage months, oldest first, as `YYYY-MM-01`. */
  months: string[];
  /** Days in each usage month. */
  monthDays: number[];
  /** Each usage month as year × 12 + month − 1, so SQL can count months between a month and a date. */
  monthOrdinals: number[];
  /** The same ordinal for the current month. */
  currentOrdinal: number;
}

export function demoCalendar(now: Date, usageMonths = DEFAULT_USAGE_MONTHS): DemoCalendar {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: DEMO_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const months = Array.from({ length: usageMonths }, (_, i) => monthStart(now, i - usageMonths));
  const parts = (m: string) => m.split('-').map(Number) as [number, number];
  const monthDays = months.map((m) => {
    const [year, month] = parts(m);
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  });
  const ordinal = (m: string) => {
    const [year, month] = parts(m);
    return year * 12 + month - 1;
  };
  const currentMonth = monthStart(now);
  return { today, currentMonth, months, monthDays, monthOrdinals: months.map(ordinal), currentOrdinal: ordinal(currentMonth) };
}
