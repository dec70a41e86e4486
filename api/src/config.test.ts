import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('server protections from the environment', () => {
  it('defaults to the query limits and 600 requests a minute per credential', () => {
    expect(readConfig({}).server).toEqual({ limits: { maxDepth: 12, maxCost: 50_000, maxResponseBytes: 8_000_000 }, rateLimit: { perMinute: 600, burst: 600 }, authFailures: { perMinute: 30, burst: 30 } });
  });

  it('reads limits, rate limit and persisted operations; 0 turns the rate limit off', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weixi-config-')), 'persisted-documents.json');
    writeFileSync(file, JSON.stringify({ abc: '{ __typename }' }));
    const env = { WEIXI_MAX_QUERY_DEPTH: '8', WEIXI_MAX_QUERY_COST: '1000', WEIXI_MAX_RESPONSE_BYTES: '1000000', WEIXI_RATE_LIMIT_PER_MINUTE: '120', WEIXI_RATE_LIMIT_BURST: '20', WEIXI_PERSISTED_OPERATIONS: file, WEIXI_PERSISTED_ONLY: '1' };
    expect(readConfig(env).server).toEqual({
      limits: { maxDepth: 8, maxCost: 1000, maxResponseBytes: 1_000_000 },
      rateLimit: { perMinute: 120, burst: 20 },
      authFailures: { perMinute: 30, burst: 30 },
      persistedOperations: { store: { abc: '{ __typename }' }, allowArbitrary: false },
    });
    expect(readConfig({ WEIXI_RATE_LIMIT_PER_MINUTE: '0' }).server.rateLimit).toBeUndefined();
  });

  it('reads CORS origins, allowed Host names and the failed-authentication limit; none by default', () => {
    const env = { WEIXI_CORS_ORIGINS: 'https://crm.example, https://bi.example', WEIXI_ALLOWED_HOSTS: 'weixi.internal', WEIXI_AUTH_FAILURES_PER_MINUTE: '0' };
    expect(readConfig(env).server).toMatchObject({ cors: { origins: ['https://crm.example', 'https://bi.example'] }, allowedHosts: ['weixi.internal'], authFailures: false });
    expect(readConfig({}).server.cors).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ WEIXI_MAX_QUERY_COST: 'lots' })).toThrow('WEIXI_MAX_QUERY_COST="lots" is not a whole number 0 or more');
    const file = join(mkdtempSync(join(tmpdir(), 'weixi-config-')), 'list.json');
    writeFileSync(file, '["{ __typename }"]');
    expect(() => readConfig({ WEIXI_PERSISTED_OPERATIONS: file })).toThrow(`WEIXI_PERSISTED_OPERATIONS=${file}: expected a JSON object of query text by id`);
  });
});

describe('jobs in the server process', () => {
  it('runs them by default; WEIXI_JOBS=off leaves them to weixi worker', () => {
    expect(readConfig({}).jobs).toBe(true);
    expect(readConfig({ WEIXI_JOBS: 'off' }).jobs).toBe(false);
    expect(readConfig({ WEIXI_JOBS: 'on' }).jobs).toBe(true);
    expect(() => readConfig({ WEIXI_JOBS: 'no' })).toThrow('WEIXI_JOBS="no" is not on or off');
  });
});

describe('rate-limit buckets in Redis', () => {
  it('shares them when REDIS_URL is set (and the limit is on), under WEIXI_REDIS_PREFIX', () => {
    expect(readConfig({}).server.sharedLimits).toBeUndefined();
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).server.sharedLimits).toEqual({ redisUrl: 'redis://127.0.0.1:6379', keyPrefix: 'weixi:' });
    expect(readConfig({ REDIS_URL: 'redis://r:6379/2', WEIXI_REDIS_PREFIX: 'js:' }).server.sharedLimits).toEqual({ redisUrl: 'redis://r:6379/2', keyPrefix: 'js:' });
    expect(readConfig({ REDIS_URL: 'redis://r:6379', WEIXI_RATE_LIMIT_PER_MINUTE: '0' }).server.sharedLimits).toBeUndefined();
  });
});

describe('metrics and traces', () => {
  it('reads the metrics token and the OTLP traces endpoint; neither by default', () => {
    expect(readConfig({}).server).not.toHaveProperty('metricsToken');
    expect(readConfig({}).server).not.toHaveProperty('tracing');
    expect(readConfig({ WEIXI_METRICS_TOKEN: 's3cret' }).server.metricsToken).toBe('s3cret');
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).server.tracing).toEqual({ endpoint: 'http://collector:4318/v1/traces', serviceName: 'weixi' });
    expect(readConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/traces', OTEL_SERVICE_NAME: 'weixi-js' }).server.tracing).toEqual({ endpoint: 'http://c:4318/traces', serviceName: 'weixi-js' });
  });
});
