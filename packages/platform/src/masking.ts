/**
 * What a client sees of an error. Typed errors (WeixiErrors, access, limits, constraint violations) keep
 * their message and code. Anything unexpected (a bug, a database failure with its SQL) is masked: a fixed
 * message carrying the request id, code INTERNAL_SERVER_ERROR, never a stack trace or SQL; the real error
 * goes to the log under the same id. Unmasked (NODE_ENV=development, or `maskErrors: false`), it also
 * carries the original message and stack, for local debugging only.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { toClientError } from '@weixi/graphql';
import { currentRequestId } from './request-id.js';

/** Masking is on unless NODE_ENV says development. */
export function masksByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'development';
}

function unexpected(error: GraphQLError): GraphQLError {
  const requestId = currentRequestId() ?? 'unknown';
  return new GraphQLError(`Unexpected error (request ${requestId}); the server log has the details under this id.`, {
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
    return toClientError(graphqlError, (e) => (mask ? unexpected(e) : (yogaMaskError(e, message, true) as GraphQLError)));
  };
}
