/**
 * Field resolvers cross the process boundary in batches: every call of one resolver made in a tick of
 * the API process (a page of 100 customers asks for its plugin field 100 times) leaves as ONE call of
 * `resolveMany` in the extension host, which runs the resolver for each and answers with one list. Each
 * call stays its own promise with its own error, as in process; what is saved is a frame, a promise
 * and a timer per parent on both sides, and most of the bytes to clone.
 */
import { Endpoint } from './rpc.js';

type Resolve = (...args: unknown[]) => unknown;

/** One call's outcome as it crosses: its value, or its error. */
export type Settled = { v: unknown } | { e: unknown };

/** The spec member carrying the batched form; the host never sees it. */
export const RESOLVE_MANY = 'resolveMany';

/** The extension host's side: the batched form of a (metered) resolver. */
export function resolveManyOf(resolve: Resolve): (calls: unknown[][]) => Promise<Settled[]> {
  return async (calls) => {
    const results = calls.map((args) => {
      try {
        return Promise.resolve(resolve(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    });
    return (await Promise.allSettled(results)).map((r): Settled => (r.status === 'fulfilled' ? { v: r.value } : { e: r.reason }));
  };
}

interface PendingCall {
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The API process' side: a resolver whose calls in one tick go to `resolveMany` together. A failure of the
 * whole batch (the host died, the batch ran over its limit) fails every call of it.
 */
export function batchedResolve(resolveMany: (calls: unknown[][]) => Promise<Settled[]>): Resolve {
  let queue: PendingCall[] | undefined;
  const run = async (calls: PendingCall[]) => {
    try {
      const settled = await resolveMany(calls.map((c) => c.args));
      calls.forEach((call, i) => {
        const outcome = settled[i];
        if (outcome && 'e' in outcome) call.reject(outcome.e);
        else call.resolve(outcome?.v);
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };
  return (...args) =>
    new Promise((resolve, reject) => {
      if (!queue) {
        const calls: PendingCall[] = [];
        queue = calls;
        setImmediate(() => {
          queue = undefined;
          void run(calls);
          Endpoint.flushAll();
        });
      }
      queue.push({ args, resolve, reject });
    });
}
