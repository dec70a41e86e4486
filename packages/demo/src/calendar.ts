/**
 * The dates the generator works from. "Today" is the calendar day in the demo regions' time zone (that is
 * when birthdays and contract ends fall for the customer); usage months follow the platform's month
 * convention (`monthStart`), six complete months before the month of `now`.
 */
import { monthStart } from '@weixi/core';
import { DEMO_TIME_ZONE } from './regions.js';

export const USAGE_MONTHS = 6;

export interface DemoCalendar {
  /** `YYYY-MM-DD` in Asia/Shanghai. */
  today: string;
  /** The first day of the month of `now`: usage stops before it. */
  currentMonth: string;
  /** The six usage months, oldest first, as `YYYY-MM-01`. */
  months: string[];
  /** Days in each usage month. */
  monthDays: number[];
}

export function demoCalendar(now: Date): DemoCalendar {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: DEMO_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const months = Array.from({ length: USAGE_MONTHS }, (_, i) => monthStart(now, i - USAGE_MONTHS));
  const monthDays = months.map((m) => {
    const [year, month] = m.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  });
  return { today, currentMonth: monthStart(now), months, monthDays };
}
