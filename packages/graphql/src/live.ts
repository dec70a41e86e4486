/**
 * Live updates (subscriptions): `taskChanged`, `jobRunChanged` and `warningRaised` stream the ids the
 * server's live notices name (`@weixi/live`), and each event's root field re-reads its row with the same
 * scoped loaders and predicates as the queries, so a subscriber gets what its queries would return: a row
 * it cannot see resolves to null, and the server drops such events instead of delivering them
 * (`@weixi/platform`'s subscription executor, which also runs each event under row-level security).
 */
import { WeixiError } from '@weixi/core';
import type { WeixiContext } from './context.js';

/** Kinds of rows live notices name (`@weixi/live`'s `LiveKind`). */
export type LiveKind = 'task' | 'job_run' | 'warning';

/** The part of `@weixi/live`'s bus the schema needs: the changed ids of one kind, as they come. */
export interface LiveStreams {
  stream(kind: LiveKind): AsyncIterableIterator<number>;
}

/** The ids of `kind` changed from now on, for a subscription field's `subscribe`. */
export function liveIds(ctx: WeixiContext, kind: LiveKind): AsyncIterableIterator<number> {
  if (!ctx.live) throw new WeixiError('NOT_FOUND', 'this server runs no live updates');
  return ctx.live.stream(kind);
}
