/**
 * Subscription clients as a frontend would use them: GraphQL over SSE (a POST with `Accept:
 * text/event-stream`, yoga's "distinct connections" mode) and graphql-ws over a real WebSocket. Each
 * queues what arrives; `next()` waits for the next result, `nothing(ms)` asserts that none comes.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveResult {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface LiveSubscription {
  /** The next result, or a failure after `timeoutMs`. */
  next(timeoutMs?: number): Promise<LiveResult>;
  /** Results received and not yet taken. */
  pending(): LiveResult[];
  close(): Promise<void>;
}

/** A queue of results with waiters. */
function resultQueue() {
  const results: LiveResult[] = [];
  const waiting: Array<(r: LiveResult) => void> = [];
  let failure: Error | undefined;
  const failWaiters: Array<(e: Error) => void> = [];
  return {
    push(result: LiveResult) {
      const waiter = waiting.shift();
      failWaiters.shift();
      if (waiter) waiter(result);
      else results.push(result);
    },
    fail(error: Error) {
      failure = error;
      for (const reject of failWaiters.splice(0)) reject(error);
      waiting.length = 0;
    },
    next(timeoutMs = 10_000): Promise<LiveResult> {
      if (results.length > 0) return Promise.resolve(results.shift()!);
      if (failure) return Promise.reject(failure);
      return new Promise<LiveResult>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription event within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
        failWaiters.push((e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
    },
    pending: () => [...results],
  };
}

/** Subscribes over SSE; resolves once the server answered 200 (the subscription is listening). */
export async function subscribeSse(url: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<LiveSubscription & { status: number; ended: Promise<void> }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const queue = resultQueue();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(message)?.[1];
        const data = message
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.replace(/^data: ?/, ''))
          .join('\n');
        if ((event === 'next' || event === undefined) && data) queue.push(JSON.parse(data) as LiveResult);
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) queue.fail(error instanceof Error ? error : new Error(String(error)));
  });
  return {
    status: response.status,
    next: queue.next,
    pending: queue.pending,
    ended: reading,
    async close() {
      abort.abort();
      await reader.cancel().catch(() => {});
      await reading;
      queue.fail(new Error('subscription closed'));
    },
  };
}

/** A graphql-ws client sending `authorization` in its connection_init payload (none with null). */
export function wsClient(url: string, token: string | null): Client & { closed: Promise<{ code: number; reason: string }> } {
  let closed!: (event: { code: number; reason: string }) => void;
  const closedPromise = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: { closed: (event) => closed(event as { code: number; reason: string }) },
    onNonLazyError: () => {},
  });
  return Object.assign(client, { closed: closedPromise });
}

/** Subscribes over graphql-ws; resolves once the connection was acknowledged. */
export async function subscribeWs(url: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<LiveSubscription> {
  const client = wsClient(url, token);
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    void client.closed.then((e) => reject(new Error(`closed ${e.code} ${e.reason}`)));
  });
  const queue = resultQueue();
  const stop = client.subscribe<Record<string, any>>(
    { query, variables },
    {
      next: (result) => queue.push(result as LiveResult),
      error: (error) => queue.fail(error instanceof Error ? error : new Error(describe(error))),
      complete: () => {},
    },
  );
  // The subscribe message travels after the acknowledgement; give the server a moment to start listening.
  await new Promise((resolve) => setTimeout(resolve, 150));
  return {
    next: queue.next,
    pending: queue.pending,
    async close() {
      stop();
      await client.dispose();
      queue.fail(new Error('subscription closed'));
    },
  };
}

/** A graphql-ws failure: GraphQL errors, or the close event's code and reason. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return JSON.stringify(error);
  const { code, reason, type } = error as { code?: number; reason?: string; type?: string };
  return code !== undefined ? `closed ${code} ${reason ?? ''}` : `${type ?? 'error'} ${String(error)}`;
}
