/** Months as `YYYY-MM` and their index (year × 12 + month − 1), so month arithmetic happens once, in Node. */

export function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** The first day (`YYYY-MM-01`) of the month `offset` months from `month`. */
export function firstDay(month: string, offset = 0): string {
  const index = monthIndex(month) + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** True for a `YYYY-MM` month. */
export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}
