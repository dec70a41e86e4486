import { GraphQLError } from 'graphql';
import { WeixiError } from '@weixi/core';

/** PostgreSQL error codes that mean the caller sent something the constraints refuse. */
const CONSTRAINT_CODES: Record<string, { code: string; message: string }> = {
  '23505': { code: 'CONFLICT', message: 'already exists' },
  '23503': { code: 'BAD_USER_INPUT', message: 'refers to something that does not exist' },
  '23514': { code: 'BAD_USER_INPUT', message: 'breaks a rule of the data model' },
  '23502': { code: 'BAD_USER_INPUT', message: 'misses a required value' },
};

/**
 * Turns a resolver's error into what the client sees: WeixiErrors keep their message, code and issues;
 * constraint violations get a typed message naming the constraint; anything else is masked.
 */
export function toClientError(error: GraphQLError, masked: (error: GraphQLError) => GraphQLError): GraphQLError {
  const original = error.originalError;
  if (original instanceof WeixiError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: {
        ...error.extensions,
        code: original.code,
        ...('reason' in original ? { reason: original.reason } : {}),
        ...(original.issues.length ? { issues: original.issues } : {}),
      },
    });
  }
  const pg = original as { code?: string; constraint?: string; constraint_name?: string } | undefined;
  const mapped = pg?.code ? CONSTRAINT_CODES[pg.code] : undefined;
  if (mapped) {
    const constraint = pg!.constraint_name ?? pg!.constraint ?? 'a constraint';
    return new GraphQLError(`the request ${mapped.message} (${constraint})`, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: mapped.code, constraint },
    });
  }
  if (!original || original instanceof GraphQLError) return error;
  return masked(error);
}
