/** Turning what a plugin hands over into values the RPC carries: methods of class instances included. */

type AnyFunction = (...args: any[]) => unknown;

const builtIn = (value: object) =>
  value instanceof Date || value instanceof Map || value instanceof Set || value instanceof RegExp || value instanceof Error || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/**
 * A copy of `value` in which every function (and every method of a class instance, its prototype's
 * included) is replaced by `wrap(fn)`, bound to its object. Plain data is left as it is.
 */
export function wrapFunctions(value: unknown, wrap: (fn: AnyFunction) => AnyFunction): unknown {
  if (typeof value === 'function') return wrap(value as AnyFunction);
  if (value === null || typeof value !== 'object' || builtIn(value)) return value;
  if (Array.isArray(value)) return value.map((v) => wrapFunctions(v, wrap));
  const out: Record<string, unknown> = {};
  for (let o: object | null = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key in out) continue;
      const v = (value as Record<string, unknown>)[key];
      out[key] = typeof v === 'function' ? wrap((v as AnyFunction).bind(value)) : wrapFunctions(v, wrap);
    }
  }
  return out;
}
