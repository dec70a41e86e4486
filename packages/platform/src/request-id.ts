/**
 * One id per HTTP request, in the `X-Request-Id` response header, in a masked error's message and in the
 * log line that holds the real error, so an operator can find what a client saw. A sane id sent by a proxy
 * in `X-Request-Id` is kept; otherwise a new UUID.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const scope = new AsyncLocalStorage<string>();
const SANE_ID = /^[\w.:-]{1,128}$/;

/** Runs `handle` with the request's id as the current one and returns that id. */
export function withRequestId(incoming: string | string[] | undefined, handle: (id: string) => void): string {
  const id = typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
  scope.run(id, () => handle(id));
  return id;
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
