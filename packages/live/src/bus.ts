/**
 * The notices of one process, handed to its subscribers: each subscription is a stream of the ids of one
 * kind, queued until the subscriber takes them. A subscriber that falls more than `maxQueued` ids behind
 * (a client reading slower than a set-based write announces) is ended with `LiveOverflowError` rather
 * than holding an unbounded queue.
 */
import type { LiveKind, LiveNotice } from './notices.js';

/** Ids a stream queues before it ends with `LiveOverflowError`. */
export const DEFAULT_MAX_QUEUED = 10_000;

export class LiveOverflowError extends Error {
  constructor(readonly maxQueued: number) {
    super(`the subscriber fell more than ${maxQueued} changes behind; subscribe again and re-read what it shows`);
    this.name = 'LiveOverflowError';
  }
}

export interface StreamOptions {
  /** Ends the stream when aborted (the client went away). */
  signal?: AbortSignal;
  maxQueued?: number;
}

/** What GraphQL subscriptions need: a stream of changed ids of one kind. */
export interface LiveEvents {
  stream(kind: LiveKind, options?: StreamOptions): AsyncIterableIterator<number>;
}

export class LiveBus implements LiveEvents {
  readonly #listeners = new Map<LiveKind, Set<(ids: readonly number[]) => void>>();

  /** Hands a notice to every stream of its kind. */
  publish(notice: LiveNotice): void {
    for (const listener of this.#listeners.get(notice.kind) ?? []) listener(notice.ids);
  }

  /** Streams open now, by kind (for tests and metrics). */
  subscribers(kind: LiveKind): number {
    return this.#listeners.get(kind)?.size ?? 0;
  }

  stream(kind: LiveKind, options: StreamOptions = {}): AsyncIterableIterator<number> {
    const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    const queue: number[] = [];
    let waiting: ((result: IteratorResult<number>) => void) | undefined;
    let ended = false;
    let overflow: LiveOverflowError | undefined;
    const listeners = this.#listeners.get(kind) ?? new Set();
    this.#listeners.set(kind, listeners);

    const end = (): IteratorResult<number> => {
      ended = true;
      listeners.delete(listener);
      options.signal?.removeEventListener('abort', onAbort);
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return { value: undefined, done: true };
    };
    const onAbort = () => end();
    function listener(ids: readonly number[]) {
      if (ended) return;
      let start = 0;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: ids[0]!, done: false });
        start = 1;
      }
      for (let i = start; i < ids.length; i++) queue.push(ids[i]!);
      if (queue.length > maxQueued) {
        overflow = new LiveOverflowError(maxQueued);
        queue.length = 0;
        listeners.delete(listener);
      }
    }
    listeners.add(listener);
    if (options.signal?.aborted) end();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const iterator: AsyncIterableIterator<number> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (overflow) {
          const error = overflow;
          end();
          return Promise.reject(error);
        }
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<number>>((resolve) => (waiting = resolve));
      },
      return: () => Promise.resolve(end()),
      throw: (error?: unknown) => {
        end();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
