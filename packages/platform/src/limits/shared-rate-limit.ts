/**
 * The rate limit per principal shared by every server process, in Redis (`REDIS_URL`): the same token
 * bucket as `RateLimiter`, kept in one Redis hash per actor and taken by one Lua script, so concurrent
 * requests to any process are counted atomically against one bucket. Time is Redis's own (`TIME`), so
 * processes with skewed clocks agree.
 *
 * When Redis cannot answer (down, unreachable, or slower than `timeoutMs`), the request is not refused for
 * that: it is counted by this process's own in-memory bucket instead, as without Redis (each process then
 * allows the limit on its own), and a warning is logged at most once a minute. Failing open to a local
 * limit keeps the API up through a Redis outage without dropping the limit altogether.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';

export interface SharedLimitsOptions {
  /** `redis://host:6379/0` */
  redisUrl: string;
  /** Before every key, so several deployments can share one Redis. Default `weixi:`. */
  keyPrefix?: string;
  /** Longest wait for Redis before the local bucket decides. Default 200 ms. */
  timeoutMs?: number;
}

// KEYS[1]: the actor's bucket; ARGV: burst, tokens per ms. Returns 0 (allowed) or whole seconds to wait.
const TAKE = `
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * per_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / per_ms / 1000))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / per_ms) + 1000)
return wait
`;

const WARN_EVERY_MS = 60_000;

type WithTake = Redis & { weixiTakeToken(key: string, burst: number, perMs: number): Promise<number> };

export class SharedRateLimiter {
  private readonly redis: WithTake;
  private readonly local: RateLimiter;
  private readonly burst: number;
  private readonly perMs: number;
  private readonly prefix: string;
  private lastWarning = 0;

  constructor(options: RateLimitOptions, shared: SharedLimitsOptions, private readonly logger: Logger) {
    this.local = new RateLimiter(options);
    this.burst = options.burst ?? options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.prefix = `${shared.keyPrefix ?? 'weixi:'}rate:`;
    const timeout = shared.timeoutMs ?? 200;
    // No offline queue and no retries: a request never waits for Redis to come back; the client
    // reconnects in the background meanwhile.
    this.redis = new Redis(shared.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: timeout, connectTimeout: 2_000 }) as WithTake;
    this.redis.defineCommand('weixiTakeToken', { numberOfKeys: 1, lua: TAKE });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  /** Takes one request from the actor's shared bucket: 0 when allowed, else the whole seconds to wait. */
  async take(actor: string): Promise<number> {
    if (this.redis.status !== 'ready') {
      this.warn(new Error(`Redis connection ${this.redis.status}`));
      return this.local.take(actor);
    }
    try {
      return await this.redis.weixiTakeToken(this.prefix + actor, this.burst, this.perMs);
    } catch (error) {
      this.warn(error as Error);
      return this.local.take(actor);
    }
  }

  /** Resolves once the connection to Redis is up (it is made at construction). */
  connected(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.redis.once('ready', () => resolve()));
  }

  close(): Promise<void> {
    return this.redis.quit().then(
      () => undefined,
      () => this.redis.disconnect(),
    );
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn('rate limit: Redis unavailable, counting in this process only until it answers', { error: error.message });
  }
}
