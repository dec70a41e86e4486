/**
 * The sample files describe customers at the end of a month they do not name; the presets place them at
 * SNAPSHOT_MONTH, a fixed month, so importing a file again gives the same rows.
 */
export const SNAPSHOT_MONTH = '2026-09';

/** `YYYY-MM` `offset` months from `month`. */
export function addMonths(month: string, offset: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of the last day of `month`. */
export function lastDayOf(month: string): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
}
