/**
 * A plugin runs only where a region enabled it: jobs, root fields, event handlers and the plugin's own
 * service calls, enforced by the host for a plugin that checks nothing itself (`tests/plugins/fixtures/regional`,
 * a folder outside `plugins/` loaded as `WEIXI_PLUGINS` names it).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { jobRuns } from '@weixi/db';
import { loadPlugins } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const folder = fileURLToPath(new URL('../plugins/fixtures/regional', import.meta.url));

let api: TestApi;
let nanjingOperator: string;
let suzhouOperator: string;

beforeAll(async () => {
  const { plugins, refused } = await loadPlugins({ packages: [folder], baseDir: process.cwd() });
  expect(refused).toEqual([]);
  const regional = plugins[0]!;
  // The same code installed under a second id, whose activation throws.
  const failing = { entry: regional.entry, manifest: { ...regional.manifest, id: 'regional-failing', namespace: 'regionalFailing' } };
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins: [regional, failing], failureThreshold: 3 });
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: [
      customerInput('13500000001', { regionCode: 'JS-NJ-GL' }),
      customerInput('13500000002', { regionCode: 'JS-NJ' }),
      customerInput('13500000003', { regionCode: 'JS-SZ' }),
      customerInput('13500000004', { regionCode: 'JS-SZ' }),
      customerInput('13500000005', { regionCode: 'JS-SZ' }),
      customerInput('13500000006', { regionCode: 'ZJ-HZ' }),
    ],
  });
  nanjingOperator = await api.key({ role: 'operator', regionCodes: ['JS-NJ'], name: 'Nanjing' });
  suzhouOperator = await api.key({ role: 'operator', regionCodes: ['JS-SZ'], name: 'Suzhou' });
  await api.ok(`mutation { updatePluginSettings(id: "regional", regionCode: "JS", settings: { tag: "province" }) { plugin { id } } }`);
  await api.ok(`mutation { updatePluginSettings(id: "regional", regionCode: "JS-NJ", settings: { tag: "nanjing" }) { plugin { id } } }`);
  await api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
}, 60_000);
afterAll(() => api?.close());

const RUN = `mutation ($region: String!) { runJob(pluginId: "regional", jobId: "open-tasks", regionCode: $region) { run { region status } } }`;
const RUNS = `mutation ($region: String!) { runJob(pluginId: "regional", jobId: "open-tasks", regionCode: $region) { run { region status } runs { region status } } }`;
const tasksByRegion = async () =>
  Object.fromEntries(
    (
      await api.database.rows<{ code: string; reason: string; n: number }>(
        sql`select r.code, t.reason, count(*)::int as n from retention_tasks t join customers c on c.id = t.customer_id
            join regions r on r.id = c.region_id group by 1, 2 order by 1, 2`,
      )
    ).map((row) => [`${row.code} ${row.reason}`, row.n]),
  );
const runCount = async () => (await api.database.rows<{ n: number }>(sql`select count(*)::int as n from ${jobRuns}`))[0]!.n;

describe('a plugin runs only where a region enabled it', () => {
  it('refuses a run for a region where it is not enabled, naming plugin and region, and queues nothing', async () => {
    const before = await runCount();
    const refused = await api.gql(RUN, { region: 'JS-SZ' });
    expect(refused.errors![0]).toMatchObject({
      message: "plugin 'regional' is not enabled in JS-SZ",
      extensions: { code: 'FORBIDDEN', reason: 'plugin_not_enabled', issues: [{ path: 'regionCode', message: "plugin 'regional' is not enabled in JS-SZ" }] },
    });
    expect(await runCount()).toBe(before);
  });

  it("a province's run covers only its enabled cities, each with its own settings", async () => {
    const only = await api.ok(RUNS, { region: 'JS' });
    expect(only.runJob.runs).toEqual([{ region: 'JS-NJ', status: 'QUEUED' }]);
    expect(only.runJob.run).toEqual({ region: 'JS-NJ', status: 'QUEUED' });
    await api.jobs.work();
    expect(await tasksByRegion()).toEqual({ 'JS-NJ nanjing call': 1, 'JS-NJ-GL nanjing call': 1 });

    await api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS") { plugin { status } } }`);
    const both = await api.ok(RUNS, { region: 'JS' });
    expect(both.runJob.runs.map((r: any) => r.region)).toEqual(['JS-NJ', 'JS-SZ']);
    await api.jobs.work();
    expect(await tasksByRegion()).toEqual({ 'JS-NJ nanjing call': 2, 'JS-NJ-GL nanjing call': 2, 'JS-SZ province call': 3 });
    await api.ok(`mutation { disablePlugin(id: "regional", regionCode: "JS") { plugin { status } } }`);
  });

  it('a root field is answered only for regions where the plugin is enabled and the caller sees', async () => {
    const Q = `query ($region: String!) { regional_candidates(regionCode: $region) }`;
    const nanjing = await api.ok(Q, { region: 'JS-NJ' });
    expect(nanjing.regional_candidates).toEqual({ count: 2, region: 'JS-NJ', enabled: ['JS-NJ', 'JS-NJ-GL'], tag: 'nanjing' });
    // The province reaches the plugin's enabled city only.
    expect((await api.ok(Q, { region: 'JS' })).regional_candidates.count).toBe(2);

    const admin = await api.gql(Q, { region: 'JS-SZ' });
    expect(admin.data!.regional_candidates).toBeNull();
    expect(admin.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'plugin_not_enabled' });
    const suzhou = await api.as(suzhouOperator).gql(Q, { region: 'JS-SZ' });
    expect(suzhou.errors![0]!).toMatchObject({ message: "plugin 'regional' is not enabled in JS-SZ", extensions: { code: 'FORBIDDEN' } });
    const outside = await api.as(nanjingOperator).gql(Q, { region: 'JS-SZ' });
    expect(outside.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(outside.errors![0]!.message).toContain('outside');
    const unknown = await api.gql(Q, { region: 'XX' });
    expect(unknown.errors![0]!).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'regionCode: region "XX" does not exist' });

    // The Nanjing operator is served, and told which of its regions the plugin serves.
    expect((await api.as(nanjingOperator).ok(Q, { region: 'JS-NJ-GL' })).regional_candidates).toEqual({ count: 1, region: 'JS-NJ-GL', enabled: ['JS-NJ', 'JS-NJ-GL'], tag: 'nanjing' });
    // A field without a region argument, for a caller in whose regions the plugin is enabled nowhere.
    const heard = await api.as(suzhouOperator).gql(`query { regional_heard }`);
    expect(heard.errors![0]!).toMatchObject({ message: "plugin 'regional' is not enabled in any region the caller sees", extensions: { code: 'FORBIDDEN' } });
  });

  it("confines the plugin's own service calls to its regions", async () => {
    const Q = `query ($target: String!) { regional_ownCount(target: $target) }`;
    expect((await api.ok(Q, { target: 'JS' })).regional_ownCount).toBe(2);
    expect((await api.ok(Q, { target: 'JS-NJ' })).regional_ownCount).toBe(2);
    const refused = await api.gql(Q, { target: 'JS-SZ' });
    expect(refused.errors![0]!).toMatchObject({ message: "plugin 'regional' is not enabled in JS-SZ", extensions: { code: 'FORBIDDEN' } });
    // A parent field of a customer where it is not enabled has no value.
    const customers = await api.ok(`query { customers(first: 10) { edges { node { msisdn regionalTag } } } }`);
    const tags = Object.fromEntries(customers.customers.edges.map((e: any) => [e.node.msisdn, e.node.regionalTag]));
    expect(tags).toMatchObject({ '13500000001': 'nanjing', '13500000003': null, '13500000006': null });
  });

  it('delivers an event only for regions where the plugin is enabled', async () => {
    await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
      c: [customerInput('13500000011', { regionCode: 'JS-SZ' }), customerInput('13500000012', { regionCode: 'JS-NJ-GL' }), customerInput('13500000013', { regionCode: 'ZJ-HZ' })],
    });
    expect((await api.ok(`query { regional_heard }`)).regional_heard).toEqual(['JS-NJ-GL']);
  });

  it('shows an operator the status in its own regions', async () => {
    const Q = `query { plugin(id: "regional") { status enabledRegions } }`;
    expect((await api.ok(Q)).plugin).toEqual({ status: 'ACTIVE', enabledRegions: ['JS-NJ', 'JS-NJ-GL'] });
    expect((await api.as(nanjingOperator).ok(Q)).plugin).toEqual({ status: 'ACTIVE', enabledRegions: ['JS-NJ', 'JS-NJ-GL'] });
    expect((await api.as(suzhouOperator).ok(Q)).plugin).toEqual({ status: 'INACTIVE', enabledRegions: [] });
    const listed = await api.as(suzhouOperator).ok(`query { plugins { edges { node { id status } } } }`);
    expect(listed.plugins.edges.find((e: any) => e.node.id === 'regional').node.status).toBe('INACTIVE');
  });

  it('cancels runs queued before the plugin was disabled there; they never run later', async () => {
    const queued = await api.ok(RUN, { region: 'JS-NJ' });
    expect(queued.runJob.run.status).toBe('QUEUED');
    const tasks = await tasksByRegion();
    await api.ok(`mutation { disablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    const disabled = await api.gql(RUN, { region: 'JS-NJ' });
    expect(disabled.errors![0]!).toMatchObject({ message: "plugin 'regional' is not enabled in JS-NJ (it is enabled in no region)", extensions: { code: 'FORBIDDEN' } });
    await api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    expect(await api.jobs.work()).toBe(0);
    expect(await tasksByRegion()).toEqual(tasks);
    const runs = await api.ok(`query { jobRuns(filter: { pluginId: "regional", statuses: [CANCELLED] }) { edges { node { region error } } } }`);
    expect(runs.jobRuns.edges.map((e: any) => e.node)).toEqual([{ region: 'JS-NJ', error: "cancelled: plugin 'regional' was disabled in the run's region" }]);
  });

  it('a run claimed after its region was disabled elsewhere is cancelled, not run', async () => {
    const queued = await api.ok(RUN, { region: 'JS-NJ' });
    expect(queued.runJob.run.status).toBe('QUEUED');
    // Another process disabled it and this one missed the notice (the trigger is off for this statement).
    await api.database.db.execute(sql`alter table plugin_configs disable trigger plugin_configs_changed`);
    await api.database.db.execute(sql`update plugin_configs set enabled = false where plugin_id = 'regional' and region_id = (select id from regions where code = 'JS-NJ')`);
    await api.database.db.execute(sql`alter table plugin_configs enable trigger plugin_configs_changed`);
    const tasks = await tasksByRegion();
    await api.jobs.work();
    expect(await tasksByRegion()).toEqual(tasks);
    const [run] = await api.database.rows<{ status: string; error: string }>(sql`select status, error from job_runs where plugin_id = 'regional' order by id desc limit 1`);
    expect(run).toEqual({ status: 'cancelled', error: "cancelled: plugin 'regional' is not enabled in JS-NJ" });
    await api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
  });

  it('refuses runs of a plugin that failed, and cancels the runs queued for it', async () => {
    // A run queued while it was running (before a restart, or by another process).
    const [{ id }] = await api.database.rows<{ id: number }>(
      sql`insert into job_runs (plugin_id, job_id, region_id, trigger, scheduled_for, run_after)
          select 'regional-failing', 'open-tasks', id, 'manual', now(), now() from regions where code = 'JS-NJ' returning id`,
    ) as [{ id: number }];
    await api.ok(`mutation { enablePlugin(id: "regional-failing", regionCode: "JS-NJ") { plugin { status } } }`);
    const refused = await api.gql(`mutation { runJob(pluginId: "regional-failing", jobId: "open-tasks", regionCode: "JS-NJ") { run { status } } }`);
    expect(refused.errors![0]!).toMatchObject({
      message: "plugin 'regional-failing' is not enabled in JS-NJ (its activation failed: regional-failing cannot start)",
      extensions: { code: 'FORBIDDEN' },
    });
    const [run] = await api.database.rows<{ status: string; error: string }>(sql`select status, error from job_runs where id = ${id}`);
    expect(run).toEqual({ status: 'cancelled', error: "cancelled: plugin 'regional-failing' failed: regional-failing cannot start" });
  });

  it("a plugin's input error reaches the client as BAD_USER_INPUT and does not count; a failure counts in the region asked", async () => {
    const Q = `query ($region: String!, $limit: Int) { regional_candidates(regionCode: $region, limit: $limit) }`;
    const HEALTH = `query { plugin(id: "regional") { enabledRegions health { regionCode consecutiveFailures trippedAt } } }`;
    const bad = await api.gql(Q, { region: 'JS-NJ', limit: 0 });
    expect(bad.errors![0]!).toMatchObject({
      message: 'limit: must be 1 or more, got 0',
      path: ['regional_candidates'],
      extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'limit', message: 'must be 1 or more, got 0' }] },
    });
    expect((await api.ok(HEALTH)).plugin.health).toEqual([]);

    for (let i = 1; i <= 2; i++) {
      const failed = await api.gql(Q, { region: 'JS-NJ-GL', limit: 13 });
      expect(failed.errors![0]!.extensions).toMatchObject({ code: 'PLUGIN_ERROR', plugin: 'regional' });
      expect((await api.ok(HEALTH)).plugin.health).toEqual([{ regionCode: 'JS-NJ-GL', consecutiveFailures: i, trippedAt: null }]);
    }
    await api.gql(Q, { region: 'JS-NJ-GL', limit: 13 }); // the third in a row trips the breaker there
    const tripped = (await api.ok(HEALTH)).plugin;
    expect(tripped.health).toEqual([{ regionCode: 'JS-NJ-GL', consecutiveFailures: 3, trippedAt: expect.any(String) }]);
    expect(tripped.enabledRegions).toEqual(['JS-NJ']);
    const after = await api.gql(Q, { region: 'JS-NJ-GL' });
    expect(after.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'plugin_not_enabled' });
  });
});
