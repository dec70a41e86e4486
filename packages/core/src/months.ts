/** Months are `YYYY-MM` at the API and the first day of the month (`YYYY-MM-01`) in the database. */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2026-03` → `2026-03-01`, or undefined when the text is not a month. */
export function parseMonth(text: string): string | undefined {
  return MONTH.test(text) ? `${text}-01` : undefined;
}

/** `2026-03-01` → `2026-03`. */
export function formatMonth(firstDay: string): string {
  return firstDay.slice(0, 7);
}

/** The first day of the month `offset` months from the month of `date` (UTC), as `YYYY-MM-DD`. */
export function monthStart(date: Date, offset = 0): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 10);
}
