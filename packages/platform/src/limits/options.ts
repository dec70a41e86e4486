import { GraphQLError } from 'graphql';

/**
 * Limits on what one GraphQL request may ask for, checked before anything executes. Page sizes (at most
 * 100 per connection) and ingest batch sizes (customers 1,000, usage and events 5,000 per call) are limited
 * where they are served, in `@weixi/graphql` and `@weixi/core`.
 */
export interface QueryLimits {
  /** Deepest field nesting, introspection included. */
  maxDepth: number;
  /** Aliased fields in one operation, fragments included. */
  maxAliases: number;
  /** Top-level fields in one operation, fragments included. */
  maxRootFields: number;
  /**
   * Static cost: each field costs 1, and everything selected inside a connection counts once per item it
   * may return (its `first` or `last`, else the default page size of 20), nested connections multiplying.
   */
  maxCost: number;
  /** Lexical tokens in the document (send ingest batches as variables, which do not count). */
  maxTokens: number;
  /** Operations in one batched HTTP request (a JSON array); 0 refuses batches. */
  maxBatch: number;
  /** Bytes of a query's JSON response (mutations are not capped); 0: no cap. */
  maxResponseBytes: number;
}

/** The limits a server applies unless told otherwise. */
export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 20,
  maxCost: 50_000,
  maxTokens: 5_000,
  maxBatch: 0,
  maxResponseBytes: 8_000_000,
};

/** Which limit a request broke: the name of its `QueryLimits` field. */
export type LimitName = keyof QueryLimits;

/**
 * The error a broken limit answers with: `extensions.code` LIMIT_EXCEEDED, naming the limit, its maximum
 * and, when it was measured to the end, the request's value.
 */
export function limitExceeded(limit: LimitName, max: number, what: string, actual?: number): GraphQLError {
  const message = actual === undefined ? `${what} is over the ${limit} limit of ${max}` : `${what} is ${actual}, over the ${limit} limit of ${max}`;
  return new GraphQLError(message, {
    // `http` is read by yoga (status 400 whatever the Accept header) and not sent to the client.
    extensions: { code: 'LIMIT_EXCEEDED', limit, max, ...(actual === undefined ? {} : { actual }), http: { status: 400, spec: false } },
  });
}
