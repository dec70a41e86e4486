/**
 * Values a page's statement fetched for nested fields (prefetch.ts), handed to those fields' resolvers on
 * the parent row itself, under a symbol (no key that JSON, `Object.keys` or a column could show): the rows
 * are this request's own objects, so nothing outlives it, and a property costs less than a WeakMap entry.
 */
const HANDED = Symbol('weixi.prefetched');

type Carrier = { [HANDED]?: Record<string, unknown> };

/** Hands `value` to the resolver of `field` on `parent`. */
export function handOver(parent: object, field: string, value: unknown): void {
  const carrier = parent as Carrier;
  (carrier[HANDED] ??= Object.create(null) as Record<string, unknown>)[field] = value;
}

/** What the page's statement fetched for `field` of `parent`, or undefined when it fetched nothing for it. */
export function prefetchedValue<T>(parent: object, field: string): { value: T } | undefined {
  const fields = (parent as Carrier)[HANDED];
  return fields && field in fields ? { value: fields[field] as T } : undefined;
}
