/**
 * A batch's calls as columns: one entry per argument position instead of one list per call. Cloning
 * between processes costs by the object, and a page's calls repeat the same shapes: 100 parents
 * `{ id, regionCode }` cross as a list of ids and a list of codes, 100 empty argument objects as one.
 */

export type Columns = Column[];
type Column =
  /** Every call passed this value (the same object, or equal plain objects without nested ones). */
  | { same: unknown }
  /** Plain objects with the same keys and values that are not objects: a list per key. */
  | { keys: string[]; values: unknown[][] }
  | { list: unknown[] };

const isFlat = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  Object.getPrototypeOf(value) === Object.prototype &&
  Object.values(value).every((v) => v === null || (typeof v !== 'object' && typeof v !== 'function'));

const shapeOf = (value: Record<string, unknown>) => Object.keys(value).join('\0');

function column(values: unknown[]): Column {
  const first = values[0];
  if (values.every((v) => v === first)) return { same: first };
  if (isFlat(first)) {
    const shape = shapeOf(first);
    if (values.every((v) => isFlat(v) && shapeOf(v) === shape)) {
      const keys = Object.keys(first);
      const lists = keys.map((key) => values.map((v) => (v as Record<string, unknown>)[key]));
      // Equal objects (a field's arguments, the same for every parent) cross once.
      if (lists.every((list) => list.every((v) => v === list[0]))) return { same: first };
      return { keys, values: lists };
    }
  }
  return { list: values };
}

export function toColumns(calls: unknown[][]): Columns {
  const width = Math.max(0, ...calls.map((args) => args.length));
  return Array.from({ length: width }, (_, position) => column(calls.map((args) => args[position])));
}

/** The calls again. A `same` object is copied for each call, so no call sees another's changes. */
export function fromColumns(columns: Columns, count: number): unknown[][] {
  const calls: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    calls.push(
      columns.map((c) => {
        if ('list' in c) return c.list[i];
        if ('same' in c) return isFlat(c.same) ? { ...c.same } : c.same;
        const value: Record<string, unknown> = {};
        c.keys.forEach((key, k) => (value[key] = c.values[k]![i]));
        return value;
      }),
    );
  }
  return calls;
}
