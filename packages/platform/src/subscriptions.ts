/**
 * Subscriptions delivered as queries are answered: each event runs the subscription's selection as its
 * own execution, with fresh DataLoaders (a task changed since the last event is read again, not served
 * from a cache) and, on PostgreSQL for a non-admin, inside a transaction under the subscriber's row-level
 * scope (`row-security.ts`). An event whose root field resolved to null without an error names a row the
 * subscriber cannot see (or one deleted meanwhile): it is dropped, so a subscriber never learns that
 * something changed outside its scope. Serves SSE and graphql-ws alike (both subscribe through yoga's envelop).
 *
 * Before each event the subscriber's credential is checked again (`recheck`, remembered for at most a
 * second like any request's): a revoked key or an expired JWT ends the subscription with its
 * UNAUTHENTICATED error instead of receiving further changes.
 */
import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { WeixiContext } from '@weixi/graphql';
import { inRequestScope } from './row-security.js';

/** Checks the credential of a subscription's context again; throws when it no longer authenticates. */
export type Recheck = (context: WeixiContext) => Promise<unknown>;

export function useScopedSubscriptions(recheck: Recheck): Plugin<WeixiContext> {
  const subscribeInScope = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    return deliverInScope(stream[Symbol.asyncIterator](), args, recheck);
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribeInScope as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}

/** Like graphql-js's own mapping of events to results, with `return()` passed straight to the source so an unsubscribe ends at once. */
function deliverInScope(events: AsyncIterator<unknown>, args: ExecutionArgs, recheck: Recheck): AsyncIterableIterator<ExecutionResult> {
  const ctx = args.contextValue as WeixiContext;
  let ended = false;
  const close = async () => {
    ended = true;
    await events.return?.();
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      for (;;) {
        if (ended) return { value: undefined, done: true };
        const event = await events.next();
        if (event.done) return { value: undefined, done: true };
        try {
          await recheck(ctx);
        } catch (error) {
          await close();
          if (!(error instanceof GraphQLError)) throw error;
          return { value: { errors: [error] }, done: false };
        }
        const result = await inRequestScope(ctx, (context) => execute({ ...args, rootValue: event.value, contextValue: context }));
        if (result.errors?.length || Object.values(result.data ?? {}).some((value) => value != null)) return { value: result, done: false };
      }
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
