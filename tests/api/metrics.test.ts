/**
 * `/metrics`: Prometheus text with requests, latency and errors per operation, job runs per plugin, job
 * and outcome, and the pool size; loopback only unless a token is set. (Traces: operations/tracing.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startServer, type WeixiServer } from '@weixi/platform';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const metricsOf = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(new URL('/metrics', url), { headers });
  return { status: res.status, text: await res.text() };
};
/** The value of one sample line, e.g. `weixi_graphql_requests_total{operation="Ping",type="query",status="200"}`. */
const sample = (text: string, prefix: string) => {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('Prometheus metrics', () => {
  it('counts requests, latency and errors per operation name', async () => {
    await api.ok(`query Ping { __typename }`);
    await api.ok(`query Ping { __typename }`);
    await api.gql(`query Broken { customer(id: "nope") { id } }`);
    await api.as(null).gql(`query Anonymous { __typename }`);
    const { status, text } = await metricsOf(api.server.url);
    expect(status).toBe(200);
    expect(sample(text, 'weixi_graphql_requests_total{operation="Ping",type="query",status="200"}')).toBe(2);
    expect(sample(text, 'weixi_graphql_request_duration_seconds_count{operation="Ping",type="query"}')).toBe(2);
    // Refused before execution: no operation parsed, counted by status.
    expect(sample(text, 'weixi_graphql_requests_total{operation="none",type="none",status="401"}')).toBe(1);
    expect(text).toMatch(/weixi_graphql_errors_total\{operation="Broken",code="[A-Z_]+"\} 1/);
    expect(sample(text, 'weixi_db_pool_max')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts job runs and their durations per plugin, job and outcome', async () => {
    let calls = 0;
    const job = api.plugins.registerCoreJob('metrics-test', { id: 'flaky', description: 'fails once' }, async () => {
      if (calls++ === 0) throw new Error('first attempt fails');
    }, async () => []);
    try {
      const [region] = await api.database.rows<{ id: number }>(sql`select id from regions where code = 'JS'`);
      await api.jobs.runNow('core:metrics-test', 'flaky', region!.id);
      await api.jobs.work();
      const before = api.clock.now();
      api.clock.set(new Date(before.getTime() + 60_000).toISOString());
      await api.jobs.work();
      api.clock.set(before.toISOString());
      const { text } = await metricsOf(api.server.url);
      expect(sample(text, 'weixi_job_runs_total{plugin="core:metrics-test",job="flaky",outcome="retrying"}')).toBe(1);
      expect(sample(text, 'weixi_job_runs_total{plugin="core:metrics-test",job="flaky",outcome="succeeded"}')).toBe(1);
      expect(sample(text, 'weixi_job_run_duration_seconds_count{plugin="core:metrics-test",job="flaky",outcome="succeeded"}')).toBe(1);
    } finally {
      job.dispose();
    }
  });

  it('serves /metrics to loopback only without a token, and with one only to who sends it', async () => {
    const server: WeixiServer = await startServer({ database: api.database, clock: api.clock, metricsToken: 'scrape-secret' });
    try {
      expect((await metricsOf(server.url)).status).toBe(401);
      expect((await metricsOf(server.url, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await metricsOf(server.url, { authorization: 'Bearer scrape-secret' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
