/**
 * The server's protections against abusive or unlucky requests, as yoga options: query limits, a rate
 * limit per principal, error masking and persisted operations. `startServer` takes these options.
 */
import type { Plugin } from 'graphql-yoga';
import type { Clock } from '@weixi/core';
import { batchingOption, queryLimits, useQueryLimits } from './limits/query-limits.js';
import type { QueryLimits } from './limits/options.js';
import { RateLimiter, useRateLimit, type RateLimitOptions } from './limits/rate-limit.js';
import { SharedRateLimiter, type SharedLimitsOptions } from './limits/shared-rate-limit.js';
import type { Logger } from './log.js';
import { maskErrorFor, masksByDefault } from './masking.js';
import { usePersistedOperationStore, type PersistedOperationsOptions } from './persisted-operations.js';

export interface HardeningOptions {
  /** Query limits over the defaults (`DEFAULT_QUERY_LIMITS`: depth 12, aliases 30, top-level fields 20, cost 50,000, tokens 5,000, no batches, responses of 8 MB). */
  limits?: Partial<QueryLimits>;
  /** Requests per principal (API key or JWT subject), in this process's memory unless `sharedLimits`; off when unset. */
  rateLimit?: RateLimitOptions;
  /** Keep the `rateLimit` buckets in Redis, shared by every server process (REDIS_URL). */
  sharedLimits?: SharedLimitsOptions;
  /** Failed authentications per client address (default 30 a minute, `DEFAULT_AUTH_FAILURES`); false: no limit. */
  authFailures?: RateLimitOptions | false;
  /** Unexpected errors as a fixed message with the request id; default on unless NODE_ENV=development. */
  maskErrors?: boolean;
  /** Serve persisted operations (and, unless `allowArbitrary`, nothing else); off when unset. */
  persistedOperations?: PersistedOperationsOptions;
}

/**
 * The yoga plugins and options for these protections; the rate limit uses `clock` unless it has its own
 * (Redis's clock when shared). `close` ends the Redis connection, if any.
 */
export function hardening(options: HardeningOptions, clock: Clock, logger: Logger) {
  const limits = queryLimits(options.limits);
  const rateLimit = options.rateLimit && { clock, ...options.rateLimit };
  const shared = rateLimit && options.sharedLimits ? new SharedRateLimiter(rateLimit, options.sharedLimits, logger) : undefined;
  const buckets = shared ?? (rateLimit && new RateLimiter(rateLimit));
  const plugins: Plugin[] = [
    // Persisted operations first: they replace the query text that every later check reads.
    ...(options.persistedOperations ? [usePersistedOperationStore(options.persistedOperations)] : []),
    useQueryLimits(limits),
    ...(buckets ? [useRateLimit(buckets)] : []),
  ];
  return {
    close: async () => shared?.close(),
    plugins,
    batching: batchingOption(limits),
    maskedErrors: { maskError: maskErrorFor(options.maskErrors ?? masksByDefault()) },
  };
}
