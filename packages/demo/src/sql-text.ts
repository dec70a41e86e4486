/**
 * SQL literals for the generated statements. The generator inlines its constants (seed, dates, lookup
 * lists) so one statement text carries everything; every value here comes from the generator itself or
 * from validated integers, and text is still quoted properly.
 */
export function textLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function dateLiteral(isoDay: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDay)) throw new Error(`not a date: ${isoDay}`);
  return `date '${isoDay}'`;
}

export function integerLiteral(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** `ARRAY['a','b']` or `ARRAY[1,2]`. */
export function arrayLiteral(values: ReadonlyArray<string | number>): string {
  const items = values.map((v) => (typeof v === 'number' ? integerLiteral(v) : textLiteral(v)));
  return `ARRAY[${items.join(',')}]`;
}

/** Repeats each value by its integer weight, so a uniform pick from the result follows the weights. */
export function expandWeights<T>(entries: ReadonlyArray<{ value: T; weight: number }>): T[] {
  return entries.flatMap((e) => Array.from({ length: e.weight }, () => e.value));
}

/** Picks one element of a non-empty list with a uniform [0, 1) draw. */
export function pickFrom(values: ReadonlyArray<string | number>, uniform: string): string {
  return `(${arrayLiteral(values)})[1 + floor(${uniform} * ${values.length})::int]`;
}
