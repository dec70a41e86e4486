import { GraphQLError } from 'graphql';
import { WeixiError } from '@weixi/core';
import { isConnectionLoss } from '@weixi/db';

/** PostgreSQL error codes that mean the caller sent something the constraints refuse. */
const CONSTRAINT_CODES: Record<string, { code: string; message: string }> = {
  '23505': { code: 'CONFLICT', message: 'already exists' },
  '23503': { code: 'BAD_USER_INPUT', message: 'refers to something that does not exist' },
  '23514': { code: 'BAD_USER_INPUT', message: 'breaks a rule of the data model' },
  '23502': { code: 'BAD_USER_INPUT', message: 'misses a required value' },
  // Row-level security (PostgreSQL) refused a row the application's own scope checks could not see, such
  // as an upsert colliding with a customer outside the caller's regions.
  '42501': { code: 'FORBIDDEN', message: 'touches rows outside the caller\'s scope, which the database\'s row-level security refused' },
};

/**
 * Turns a resolver's error into what the client sees: WeixiErrors keep their message, code and issues;
 * constraint violations get a typed message naming the constraint; a lost database connection is
 * DATABASE_UNAVAILABLE (retryable); anything else is masked.
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
  const pg = databaseError(original);
  const mapped = pg?.code ? CONSTRAINT_CODES[pg.code] : undefined;
  if (mapped) {
    const constraint = pg!.constraint_name ?? pg!.constraint ?? (mapped.code === 'FORBIDDEN' ? undefined : 'a constraint');
    return new GraphQLError(`the request ${mapped.message}${constraint ? ` (${constraint})` : ''}`, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: mapped.code, ...(constraint ? { constraint } : {}) },
    });
  }
  if (isConnectionLoss(original)) {
    return new GraphQLError(
      'the database connection was lost while serving this request; it may or may not have been applied: retry it ' +
        '(a write retried with the same idempotency key is applied once)',
      { nodes: error.nodes, path: error.path, extensions: { code: 'DATABASE_UNAVAILABLE', retryable: true } },
    );
  }
  if (!original || original instanceof GraphQLError) return error;
  return masked(error);
}

type DatabaseError = { code?: string; constraint?: string; constraint_name?: string };

/** The driver's error: drizzle wraps it as the `cause` of a "Failed query" error. */
function databaseError(error: unknown): DatabaseError | undefined {
  const coded = (e: unknown) => (e !== null && typeof e === 'object' && typeof (e as DatabaseError).code === 'string' ? (e as DatabaseError) : undefined);
  return coded(error) ?? coded((error as { cause?: unknown } | undefined)?.cause);
}
