/**
 * One id per HTTP request, in the `X-Request-Id` response header, in a masked error's message and in the
 * log line that holds the real error, so an operator can find what a client saw. A sane id sent by a proxy
 * in `X-Request-Id` is kept; otherwise a new UUID. The id hangs off the Node request object, which yoga
 * hands to its hooks as the server context: no AsyncLocalStorage, whose promise hooks cost a request-heavy
 * server some 7% of its CPU on Node 20.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ids = new WeakMap<object, string>();
const SANE_ID = /^[\w.:-]{1,128}$/;

/** Gives the request its id and returns it. */
export function assignRequestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
  ids.set(req, id);
  return id;
}

/** The id of the request in yoga's server context (`{ req }`), if it has one. */
export function requestIdOf(serverContext: { req?: object } | undefined): string | undefined {
  return serverContext?.req ? ids.get(serverContext.req) : undefined;
}
