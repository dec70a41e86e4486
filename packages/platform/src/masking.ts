/**
 * What a client sees of an error. Typed errors (WeixiErrors, access, limits, constraint violations) keep
 * their message and code. Anything unexpected (a bug, a database failure with its SQL) is masked: a fixed
 * message carrying the request id, code INTERNAL_SERVER_ERROR, never a stack trace or SQL; the real error
 * goes to the log under the same id. Unmasked (NODE_ENV=development, or `maskErrors: false`), it also
 * carries the original message and stack, for local debugging only.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type Plugin } from 'graphql-yoga';
import { toClientError } from '@weixi/graphql';
import type { Logger } from './log.js';
import { requestIdOf } from './request-id.js';

/**
 * yoga masks an error where the request is not at hand: the masked error names this placeholder, and
 * `useRequestErrors` puts the request's id in its place once the result is processed.
 */
const PENDING_ID = '\u0000pending-request-id';
const messageFor = (requestId: string) => `Unexpected error (request ${requestId}); the server log has the details under this id.`;
/** Each masked error's original, logged under the request's id when the result is processed. */
const originals = new WeakMap<GraphQLError, unknown>();
const deferred = new WeakSet<object>();

/** Whether `error` is the original of a masked error, logged with its request id later (not by yoga). */
export function isLoggedLater(error: unknown): boolean {
  return typeof error === 'object' && error !== null && deferred.has(error);
}

/** Masking is on unless NODE_ENV says development. */
export function masksByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'development';
}

function unexpected(error: GraphQLError): GraphQLError {
  const requestId = PENDING_ID;
  return new GraphQLError(messageFor(requestId), {
    nodes: error.nodes,
    path: error.path,
    // `unexpected` makes yoga answer 500 when there is no data at all; `http` keeps a status set upstream.
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, unexpected: true, ...(error.extensions.http ? { http: error.extensions.http } : {}) },
  });
}

/** yoga's `maskError` for these rules; errors thrown outside GraphQL (e.g. while authenticating) included. */
export function maskErrorFor(mask: boolean) {
  return (error: unknown, message: string): Error => {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError(message, { originalError: error instanceof Error ? error : new Error(String(error)) });
    return toClientError(graphqlError, (e) => {
      const masked = mask ? unexpected(e) : (yogaMaskError(e, message, true) as GraphQLError);
      originals.set(masked, error);
      if (typeof error === 'object' && error !== null) deferred.add(error);
      return masked;
    });
  };
}

/**
 * Names the request in its masked errors and logs each one's original error under the same id, as the
 * result is processed (where yoga hands over the request); a subscription's events (SSE) as each is sent.
 */
export function useRequestErrors(logger: Logger): Plugin {
  return {
    onResultProcess({ result, serverContext, setResult }) {
      const requestId = requestIdOf(serverContext as { req?: object }) ?? 'unknown';
      if (Symbol.asyncIterator in result) {
        setResult(eachResult(result, (one) => nameMaskedErrors(one, requestId, logger)));
        return;
      }
      for (const one of Array.isArray(result) ? result : [result]) nameMaskedErrors(one, requestId, logger);
    },
  };
}

/** Puts the request id in a result's masked errors and logs their originals under it. */
export function nameMaskedErrors(result: object, requestId: string, logger: Logger): void {
  for (const error of ('errors' in result ? (result.errors as readonly unknown[] | undefined) : undefined) ?? []) {
    if (!(error instanceof GraphQLError) || !originals.has(error)) continue;
    logger.error('request failed', { requestId, error: originals.get(error) });
    originals.delete(error);
    if (error.extensions.requestId === PENDING_ID) {
      error.message = messageFor(requestId);
      (error.extensions as Record<string, unknown>).requestId = requestId;
    }
  }
}

/** The same stream, with `visit` called on each result as it passes; `return()` goes straight to the source. */
function eachResult<T extends object>(source: AsyncIterable<T>, visit: (result: T) => void): AsyncIterableIterator<T> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const step = await inner.next();
      if (!step.done) visit(step.value);
      return step;
    },
    return: async () => (await inner.return?.()) ?? { value: undefined, done: true },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
