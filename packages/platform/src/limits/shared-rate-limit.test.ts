import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedRateLimiter } from './shared-rate-limit.js';
import type { Logger } from '../log.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(redisUrl);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  socket.setTimeout(1_000);
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => (socket.destroy(), resolve(false)));
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = () => {};
  return { warnings, debug: none, info: none, error: none, warn: (msg) => void warnings.push(msg) };
}

describe.skipIf(!reachable && !process.env.WEIXI_REQUIRE_REDIS)('rate-limit buckets shared in Redis', () => {
  const prefix = `weixi-test-${process.pid}-${Date.now()}:`;
  let one: SharedRateLimiter;
  let two: SharedRateLimiter;
  beforeAll(async () => {
    // Two servers' limiters on one Redis: 5 at once, then 1 a second.
    one = new SharedRateLimiter({ perMinute: 60, burst: 5 }, { redisUrl, keyPrefix: prefix }, recordingLogger());
    two = new SharedRateLimiter({ perMinute: 60, burst: 5 }, { redisUrl, keyPrefix: prefix }, recordingLogger());
    await Promise.all([one.connected(), two.connected()]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('counts one actor once across processes, atomically under concurrency', async () => {
    const waits = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).take('key:shared')));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(waits.filter((w) => w > 0).every((w) => w === 1)).toBe(true);
    // Another actor has its own bucket.
    expect(await one.take('key:other')).toBe(0);
  });

  it('refills at the sustained rate', async () => {
    for (let i = 0; i < 5; i++) await one.take('key:refill');
    expect(await two.take('key:refill')).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await two.take('key:refill')).toBe(0);
  });
});

describe('when Redis does not answer', () => {
  it('counts in this process (the limit still holds per process) and logs a warning once', async () => {
    const logger = recordingLogger();
    const limiter = new SharedRateLimiter({ perMinute: 60, burst: 3 }, { redisUrl: 'redis://127.0.0.1:1', timeoutMs: 100 }, logger);
    try {
      const waits: number[] = [];
      for (let i = 0; i < 5; i++) waits.push(await limiter.take('key:offline'));
      expect(waits).toEqual([0, 0, 0, 1, 1]);
      expect(logger.warnings).toEqual(['rate limit: Redis unavailable, counting in this process only until it answers']);
    } finally {
      await limiter.close();
    }
  });
});
