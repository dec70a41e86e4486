/** A lazy value computed at most once, on first call: a count only some requests select, a per-request lookup. */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
}
