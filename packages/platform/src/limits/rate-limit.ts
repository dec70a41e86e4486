/**
 * A rate limit per principal (`principal.actor`: one API key, or one JWT subject): a token bucket that
 * holds `burst` requests and refills at `perMinute`. `RateLimiter` keeps the buckets in this process's
 * memory, so each server of a fleet counts on its own; `SharedRateLimiter` (shared-rate-limit.ts) keeps
 * them in Redis for every process at once.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { systemClock, type Clock } from '@weixi/core';
import type { WeixiContext } from '@weixi/graphql';

export interface RateLimitOptions {
  /** Requests each principal may make per minute, sustained. */
  perMinute: number;
  /** Requests a principal may make at once after a quiet spell; default `perMinute`. */
  burst?: number;
  /** Time source (tests pass one they move by hand); default the system clock. */
  clock?: Clock;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones (idle principals) are dropped. */
const SWEEP_ABOVE = 10_000;

/** Token buckets per actor, in memory. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly clock: Clock;

  constructor(options: RateLimitOptions) {
    if (!(options.perMinute > 0)) throw new Error(`rate limit perMinute=${options.perMinute} must be above 0`);
    this.burst = options.burst ?? options.perMinute;
    if (!(this.burst >= 1)) throw new Error(`rate limit burst=${this.burst} must be 1 or more`);
    this.perMs = options.perMinute / 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Takes one request from the actor's bucket: 0 when allowed, else the whole seconds until it would be. */
  take(actor: string): number {
    const now = this.clock.now().getTime();
    const bucket = this.refilled(this.buckets.get(actor), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(actor, bucket);
      if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
      return 0;
    }
    this.buckets.set(actor, bucket);
    return this.secondsUntilOne(bucket);
  }

  /** The whole seconds until the actor may make a request, without taking one (0: it may now). */
  waitFor(actor: string): number {
    const bucket = this.refilled(this.buckets.get(actor), this.clock.now().getTime());
    return bucket.tokens >= 1 ? 0 : this.secondsUntilOne(bucket);
  }

  private secondsUntilOne(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return { tokens: Math.min(this.burst, bucket.tokens + elapsed * this.perMs), at: now };
  }

  private sweep(now: number): void {
    for (const [actor, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.burst) this.buckets.delete(actor);
    }
  }
}

/** The 429 answer: `Retry-After` in seconds, and `extensions.code` RATE_LIMITED for GraphQL clients. */
export function rateLimited(retryAfterSeconds: number, what = 'too many requests for this credential'): GraphQLError {
  return new GraphQLError(`${what}; retry in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds, http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } },
  });
}

/** Buckets per actor: `take` answers 0 (allowed) or the whole seconds to wait. */
export interface TokenBuckets {
  take(actor: string): number | Promise<number>;
}

/** Counts every operation against its principal once the context (and so the principal) is known. */
export function useRateLimit(limiter: TokenBuckets): Plugin {
  const check = (wait: number) => {
    if (wait > 0) throw rateLimited(wait);
  };
  return {
    onContextBuilding() {
      return ({ context }) => {
        const actor = (context as Partial<WeixiContext>).principal?.actor;
        if (!actor) return;
        const wait = limiter.take(actor);
        // The in-memory answer stays synchronous: no promise on the hot path.
        return typeof wait === 'number' ? check(wait) : wait.then(check);
      };
    },
  };
}
