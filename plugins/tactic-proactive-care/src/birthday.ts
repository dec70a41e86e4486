/**
 * Birthdays as a moment of truth (MOT). Dates are the region's calendar dates (`YYYY-MM-DD`); a Feb 29
 * birthday is celebrated on Feb 28, as the core's birthday search does.
 */

const DAY_MS = 86_400_000;

/** The date of the next birthday on or after `today`. */
export function nextBirthday(birthday: string, today: string): string {
  const month = birthday.slice(5, 7);
  const day = month === '02' && birthday.slice(8, 10) === '29' ? '28' : birthday.slice(8, 10);
  const thisYear = `${today.slice(0, 4)}-${month}-${day}`;
  return thisYear >= today ? thisYear : `${Number(today.slice(0, 4)) + 1}-${month}-${day}`;
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Whole years from `joinedOn` to `on` (网龄). */
export function wholeYears(joinedOn: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(joinedOn.slice(0, 4));
  return on.slice(5) >= joinedOn.slice(5) ? years : years - 1;
}
