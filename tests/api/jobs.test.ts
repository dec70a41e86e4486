import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PLUGINS } from '../plugins/fixtures/index.js';
import { startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  // 08:30 in Shanghai: the 09:00 slot is half an hour away
  api = await startTestApi('2026-11-15T00:30:00Z', { plugins: FIXTURE_PLUGINS.filter((p) => p.manifest.id === 'ticker') });
});
afterAll(() => api.close());

const RUNS = `query ($filter: JobRunFilter) { jobRuns(filter: $filter) { totalCount edges { node { jobId region trigger status attempt progress progressMessage error scheduledFor } } } }`;
const work = async () => {
  await api.jobs.tick();
  return api.jobs.work();
};

describe('plugin jobs over HTTP', () => {
  it('runs a cron job once per enabled city at the slot in its time zone', async () => {
    await api.ok(`mutation { enablePlugin(id: "ticker", regionCode: "JS") { plugin { status } } }`);
    expect(await work()).toBe(0);
    api.clock.set('2026-11-15T01:00:30Z'); // 09:00:30 in Shanghai
    expect(await work()).toBe(2); // JS-NJ and JS-SZ, not the province, not Zhejiang
    expect(await work()).toBe(0); // the slot ran; ticking again adds nothing
    const r = await api.ok(RUNS, { filter: { pluginId: 'ticker' } });
    expect(r.jobRuns.totalCount).toBe(2);
    expect(r.jobRuns.edges.map((e: any) => e.node.region).sort()).toEqual(['JS-NJ', 'JS-SZ']);
    expect(r.jobRuns.edges[0].node).toMatchObject({ trigger: 'schedule', status: 'SUCCEEDED', attempt: 1, progress: 1, scheduledFor: '2026-11-15T01:00:00.000Z' });
    expect((await api.ok(`query { ticker_runs(region: "JS-NJ") }`)).ticker_runs).toBe(1);
  });

  it('runs on demand, pauses and resumes a schedule per region, and records failures with retries', async () => {
    const manual = await api.ok(`mutation { runJob(pluginId: "ticker", jobId: "count", regionCode: "JS-NJ") { run { status trigger } } }`);
    expect(manual.runJob.run).toEqual({ status: 'QUEUED', trigger: 'manual' });
    await work();
    expect((await api.ok(`query { ticker_runs(region: "JS-NJ") }`)).ticker_runs).toBe(2);

    await api.ok(`mutation { pauseJob(pluginId: "ticker", jobId: "count", regionCode: "JS-SZ") { paused } }`);
    api.clock.set('2026-11-16T01:00:30Z');
    expect(await work()).toBe(1); // only Nanjing: Suzhou is paused
    await api.ok(`mutation { resumeJob(pluginId: "ticker", jobId: "count", regionCode: "JS-SZ") { paused } }`);

    await api.ok(`mutation { updatePluginSettings(id: "ticker", regionCode: "JS-SZ", settings: { fail: true }) { plugin { id } } }`);
    api.clock.set('2026-11-17T01:00:30Z');
    await work();
    const failed = await api.ok(RUNS, { filter: { pluginId: 'ticker', regionCode: 'JS-SZ', statuses: ['QUEUED'] } });
    expect(failed.jobRuns.edges[0].node).toMatchObject({ attempt: 1, error: expect.stringContaining('told to fail in JS-SZ'), progressMessage: 'half way' });

    const unknown = await api.gql(`mutation { runJob(pluginId: "ticker", jobId: "nope", regionCode: "JS-NJ") { run { status } } }`);
    expect(unknown.errors![0]!.message).toContain("plugin 'ticker' declares no job 'nope' (it declares: count)");
  });
});
