/**
 * Field resolvers cross the process boundary in batches: every call of one resolver made in a tick of
 * the API process (a page of 100 customers asks for its plugin field 100 times) leaves as ONE call of
 * `resolveMany` in the extension host, which runs the resolver for each and answers with one list. Each
 * call stays its own promise with its own error, as in process; what is saved is a frame, a promise
 * and a timer per parent on both sides, and most of the objects to clone (the calls cross as columns).
 */
import { fromColumns, toColumns, type Columns } from './columns.js';
import { Endpoint } from './rpc.js';

type Resolve = (...args: unknown[]) => unknown;

/** A batch's answers as they cross: each call's value, and the errors of those that failed, by index. */
export interface Answers {
  values: unknown[];
  errors: Record<number, unknown>;
}

/** The spec member carrying the batched form; the host never sees it. */
export const RESOLVE_MANY = 'resolveMany';

/**
 * The extension host's side: the batched form of a (metered) resolver. Answers at once when every call did
 * (a computed field), else once the last promise settles.
 */
export function resolveManyOf(resolve: Resolve): (columns: Columns, count: number) => Answers | Promise<Answers> {
  return (columns, count) => {
    const calls = fromColumns(columns, count);
    const answers: Answers = { values: new Array(count), errors: {} };
    const waiting: Array<Promise<void>> = [];
    calls.forEach((args, i) => {
      try {
        const value = resolve(...args);
        if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
          waiting.push(Promise.resolve(value).then((v) => void (answers.values[i] = v), (error: unknown) => void (answers.errors[i] = error)));
        } else answers.values[i] = value;
      } catch (error) {
        answers.errors[i] = error;
      }
    });
    return waiting.length === 0 ? answers : Promise.all(waiting).then(() => answers);
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
export function batchedResolve(resolveMany: (columns: Columns, count: number) => Promise<Answers>): Resolve {
  let queue: PendingCall[] | undefined;
  const run = async (calls: PendingCall[]) => {
    try {
      const { values, errors } = await resolveMany(toColumns(calls.map((c) => c.args)), calls.length);
      calls.forEach((call, i) => (i in errors ? call.reject(errors[i]) : call.resolve(values[i])));
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
