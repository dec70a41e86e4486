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
