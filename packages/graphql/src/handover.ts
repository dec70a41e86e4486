/**
 * Values a page's statement fetched for nested fields (prefetch.ts), handed to those fields' resolvers by
 * parent row and field name. The parent rows are this request's own objects, so nothing outlives it.
 */
const values = new WeakMap<object, Map<string, unknown>>();

/** Hands `value` to the resolver of `field` on `parent`. */
export function handOver(parent: object, field: string, value: unknown): void {
  let fields = values.get(parent);
  if (!fields) values.set(parent, (fields = new Map()));
  fields.set(field, value);
}

/** What the page's statement fetched for `field` of `parent`, or undefined when it fetched nothing for it. */
export function prefetchedValue<T>(parent: object, field: string): { value: T } | undefined {
  const fields = values.get(parent);
  return fields?.has(field) ? { value: fields.get(field) as T } : undefined;
}
