/**
 * Calendar days as `YYYY-MM-DD`, in UTC like `monthStart`: day-based conditions compare columns with
 * dates computed here once, so the database never does date arithmetic per row.
 */

/** Today, the UTC calendar day of `now`. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

const MS_PER_DAY = 86_400_000;
/** Day offsets are clamped so computed dates stay within years 0110..3942, far beyond any real data. */
const MAX_DAY_OFFSET = 700_000;

export function addDays(day: string, days: number): string {
  const clamped = Math.max(-MAX_DAY_OFFSET, Math.min(MAX_DAY_OFFSET, days));
  return new Date(Date.parse(`${day}T00:00:00Z`) + clamped * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The latest join day with at least `months` whole months of tenure on `today`: the same day of the month
 * `months` earlier, or that month's last day when it is shorter (on Mar 31, one month back is Feb 28).
 * Whole months are counted like PostgreSQL's `age()`: joined Jan 31, on Feb 28 the tenure is still 0.
 */
export function tenureBoundary(today: string, months: number): string {
  const clamped = Math.max(-23_000, Math.min(23_000, months));
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(2000, 0, 1));
  first.setUTCFullYear(y, m - 1 - clamped, 1);
  const lastDay = new Date(Date.UTC(2000, 0, 1));
  lastDay.setUTCFullYear(first.getUTCFullYear(), first.getUTCMonth() + 1, 0);
  first.setUTCDate(Math.min(d, lastDay.getUTCDate()));
  return first.toISOString().slice(0, 10);
}
