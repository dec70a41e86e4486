import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstalledPlugin } from '@weixi/core';
import { sql } from 'drizzle-orm';
import { auditLog } from '@weixi/db';
import { FIXTURE_PLUGINS } from '../plugins/fixtures/index.js';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const NOTARY: InstalledPlugin = {
  entry: fileURLToPath(new URL('../plugins/fixtures/notary.ts', import.meta.url)),
  manifest: {
    id: 'notary',
    displayName: 'notary',
    description: 'notary fixture',
    version: '1.0.0',
    engines: { weixi: '^0.1.0' },
    contributes: { graphql: [{ type: 'Mutation', field: 'stamp', description: 'stamp' }] },
  },
};
const PLUGINS = [...FIXTURE_PLUGINS.filter((p) => ['flaky', 'ticker'].includes(p.manifest.id)), NOTARY];

const ENTRY = 'at actor role operation objects objectCount plugin outcome errorCode detail requestId';
const LOG = `query ($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${ENTRY} } } } }`;

let api: TestApi;
let admin: string;
const actorOf = (key: string) => `key:${key.split('_')[1]}`;
const log = async (filter: Record<string, unknown> = {}, first = 100) => (await api.ok(LOG, { filter, first })).auditLog.edges.map((e: any) => e.node);
/** Audited in dispatch.test.ts. */
const DISPATCH_MUTATIONS = ['upsertTeams', 'upsertAgents', 'setDispatchRules', 'runDispatch', 'recordContactAttempt', 'drawQualityAudits', 'recordAuditResult'];
/** Audited in planner.test.ts. */
const PLANNER_MUTATIONS = ['runPlanner'];
/** Audited in plugin-installs.test.ts (they need a registry). */
const PLUGIN_INSTALL_MUTATIONS = ['installPlugin', 'upgradePlugin', 'uninstallPlugin', 'purgePlugin', 'trustPublisher', 'untrustPublisher'];
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins: PLUGINS });
  admin = actorOf(api.adminKey);
});
afterAll(() => api.close());

describe('the audit log of mutations', () => {
  it('records every core mutation once, with actor, role, operation, objects, plugin and outcome', async () => {
    api.clock.set('2026-11-15T05:00:00Z');
    const { upsertCustomers } = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
      c: [customerInput('13800000001'), customerInput('13800000002', { regionCode: 'ZJ-HZ' })],
    });
    const [c1, c2] = upsertCustomers.customers.map((c: any) => c.id as string);
    const segment = `{ region: { codes: ["JS"] } }`;
    const { createSegment } = await api.ok(`mutation { createSegment(input: { name: "Jiangsu", definition: ${segment} }) { segment { id } } }`);
    const s = createSegment.segment.id as string;
    const { createTask } = await api.ok(`mutation ($c: ID!) { createTask(input: { customerId: $c, reason: "r", dueAt: "2026-12-01T00:00:00Z" }) { task { id } } }`, { c: c1 });
    const t1 = createTask.task.id as string;
    const t2 = (await api.ok(`mutation ($c: ID!) { createTask(input: { customerId: $c, reason: "r", dueAt: "2026-12-01T00:00:00Z" }) { task { id } } }`, { c: c2 })).createTask.task.id as string;
    // A job runs only where its plugin is enabled; enabled through the host, so the audit holds only the requests below.
    await api.plugins.enable('ticker', 'JS-NJ');
    const { runJob } = await api.ok(`mutation { runJob(pluginId: "ticker", jobId: "count", regionCode: "JS-NJ") { run { id } } }`);
    // A warning as a rule run would raise it (rules run as jobs, outside any request).
    const [raised] = await api.database.rows<{ id: number }>(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, status, as_of_month, first_seen_at, last_seen_at)
      select id, 'ticker', 'rule', region_id, 'high', 80, 'r', '{}'::jsonb, 'open', '2026-10-01', now(), now() from customers where msisdn = '13800000001' returning id`);
    const w = globalId('Warning', raised!.id);

    // [operation, request, expected objects, expected plugin]
    const steps: Array<[string, () => Promise<unknown>, string[], string | null]> = [
      ['recordUsage', () => api.ok(`mutation { recordUsage(usage: [{ msisdn: "13800000001", month: "2026-10", revenueCents: 100 }]) { recorded } }`), ['msisdn:13800000001'], null],
      ['importFile', () => api.ok('mutation ($file: File!) { importFile(kind: USAGE, file: $file, regionCode: "JS-NJ") { rows } }', { file: new Blob(['msisdn,month,revenue_cents\n13800000001,2026-09,100\n']) }), ['region:JS-NJ'], null],
      ['recordEvents', () => api.ok(`mutation { recordEvents(events: [{ msisdn: "13800000002", type: "complaint", occurredAt: "2026-11-02T10:00:00Z" }]) { recorded } }`), ['msisdn:13800000002'], null],
      ['updateSegment', () => api.ok(`mutation ($id: ID!) { updateSegment(id: $id, input: { name: "Jiangsu all" }) { segment { id } } }`, { id: s }), [s], null],
      ['refreshSegment', () => api.ok(`mutation ($id: ID!) { refreshSegment(id: $id) { entered } }`, { id: s }), [s], null],
      ['deleteSegment', () => api.ok(`mutation ($id: ID!) { deleteSegment(id: $id) { deletedId } }`, { id: s }), [s], null],
      ['assignTask', () => api.ok(`mutation ($id: ID!) { assignTask(id: $id, assignee: "agent-7") { task { state } } }`, { id: t1 }), [t1], null],
      ['startTask', () => api.ok(`mutation ($id: ID!) { startTask(id: $id) { task { state } } }`, { id: t1 }), [t1], null],
      ['recordTaskOutcome', () => api.ok(`mutation ($id: ID!) { recordTaskOutcome(id: $id, outcome: RETAINED) { task { state } } }`, { id: t1 }), [t1], null],
      ['cancelTask', () => api.ok(`mutation ($id: ID!) { cancelTask(id: $id, reason: "dup") { task { state } } }`, { id: t2 }), [t2], null],
      ['refreshTiers', () => api.ok(`mutation { refreshTiers { updated } }`), [], null],
      ['enablePlugin', () => api.ok(`mutation { enablePlugin(id: "notary", regionCode: "JS") { plugin { id } } }`), ['region:JS'], 'notary'],
      ['updatePluginSettings', () => api.ok(`mutation { updatePluginSettings(id: "ticker", settings: { fail: true }) { plugin { id } } }`), [], 'ticker'],
      ['notary_stamp', () => api.ok(`mutation { notary_stamp(msisdn: "13800000001") }`), ['msisdn:13800000001'], 'notary'],
      ['pauseJob', () => api.ok(`mutation { pauseJob(pluginId: "ticker", jobId: "count", regionCode: "JS-NJ") { paused } }`), ['region:JS-NJ'], 'ticker'],
      ['resumeJob', () => api.ok(`mutation { resumeJob(pluginId: "ticker", jobId: "count", regionCode: "JS-NJ") { paused } }`), ['region:JS-NJ'], 'ticker'],
      ['acknowledgeWarning', () => api.ok(`mutation ($id: ID!) { acknowledgeWarning(id: $id, note: "calling") { warning { status } } }`, { id: w }), [w], null],
      ['resolveWarning', () => api.ok(`mutation ($id: ID!) { resolveWarning(id: $id) { warning { status } } }`, { id: w }), [w], null],
      ['setKpiSettings', () => api.ok(`mutation { setKpiSettings(regionCode: "JS", settings: { horizonMonths: 2 }) }`), ['region:JS'], null],
      ['disablePlugin', () => api.ok(`mutation { disablePlugin(id: "notary", regionCode: "JS") { plugin { id } } }`), ['region:JS'], 'notary'],
      ['setContactPolicy', () => api.ok(`mutation { setContactPolicy(regionCode: "JS", policy: { frequencyCap: { perDay: 2 } }) }`), ['region:JS'], null],
      ['setContactConsent', () => api.ok(`mutation ($c: ID!) { setContactConsent(consents: [{ customerId: $c, channel: "sms", purpose: MARKETING, granted: false, source: "reply" }]) }`, { c: c1 }), [c1], null],
      ['addDoNotDisturb', () => api.ok(`mutation { addDoNotDisturb(entries: [{ msisdn: "13800000002", reason: "12321 complaint", source: "MIIT list" }]) }`), ['msisdn:13800000002'], null],
      ['removeDoNotDisturb', () => api.ok(`mutation { removeDoNotDisturb(msisdns: ["13800000002"]) }`), ['msisdn:13800000002'], null],
    ];
    for (const [, request] of steps) await request();

    const done: Array<[string, string[], string | null]> = [
      ['upsertCustomers', ['msisdn:13800000001', 'region:JS-NJ-GL', 'msisdn:13800000002', 'region:ZJ-HZ', c1, c2], null],
      ['createSegment', [s], null],
      ['createTask', [c1, t1], null],
      ['createTask', [c2, t2], null],
      ['runJob', ['region:JS-NJ', runJob.run.id], 'ticker'],
      ...steps.map(([operation, , objects, plugin]): [string, string[], string | null] => [operation, objects, plugin]),
    ];
    const rows = (await log({ actor: admin })).reverse();
    expect(rows.map((r: any) => [r.operation, r.objects, r.plugin])).toEqual(done);
    for (const row of rows) {
      expect(row).toMatchObject({ at: '2026-11-15T05:00:00.000Z', actor: admin, role: 'ADMIN', outcome: 'OK', errorCode: null, detail: null, objectCount: row.objects.length });
    }
    expect(c1).toBe(globalId('Customer', 1));

    // Every mutation of the schema is exercised here, in api-keys.test.ts, (revokeJwt) in authentication.test.ts, (upsertRegions) in regions.test.ts
    // (dispatch control) in dispatch.test.ts or (plugin installs) in plugin-installs.test.ts, so a new one gets a case.
    const { __type } = await api.ok(`query { __type(name: "Mutation") { fields { name } } }`);
    const covered = new Set([...done.map(([operation]) => operation), 'flaky_openTask', 'createApiKey', 'revokeApiKey', 'revokeJwt', 'upsertRegions', ...DISPATCH_MUTATIONS, ...PLANNER_MUTATIONS, ...PLUGIN_INSTALL_MUTATIONS]);
    expect(__type.fields.map((f: any) => f.name).filter((name: string) => !covered.has(name))).toEqual([]);
  });

  it('records failed mutations with the error code and message the caller got', async () => {
    api.clock.set('2026-11-15T06:00:00Z');
    const bad = await api.gql(`mutation { recordUsage(usage: [{ msisdn: "13800000001", month: "2026-10", revenueCents: -5 }]) { recorded } }`);
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const illegal = await api.gql(`mutation ($id: ID!) { startTask(id: $id) { task { id } } }`, { id: globalId('RetentionTask', 2) });
    expect(illegal.errors![0]!.extensions!.code).toBe('ILLEGAL_TRANSITION');

    const rows = await log({ outcome: 'ERROR', since: '2026-11-15T06:00:00Z' });
    expect(rows).toEqual([
      expect.objectContaining({ operation: 'startTask', objects: [globalId('RetentionTask', 2)], outcome: 'ERROR', errorCode: 'ILLEGAL_TRANSITION', detail: illegal.errors![0]!.message }),
      expect.objectContaining({ operation: 'recordUsage', objects: ['msisdn:13800000001'], outcome: 'ERROR', errorCode: 'BAD_USER_INPUT', detail: expect.stringContaining('usage[0].revenueCents') }),
    ]);
  });

  it('records refused mutations with FORBIDDEN and who tried', async () => {
    api.clock.set('2026-11-15T07:00:00Z');
    const reader = await api.key({ role: 'integrator', scopes: ['read'], name: 'bi export' });
    const refused = await api.as(reader).gql(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13800000009')] });
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const operator = await api.key({ role: 'operator', regionCodes: ['ZJ'] });
    const keyRefused = await api.as(operator).gql(`mutation { createApiKey(input: { role: ADMIN }) { key } }`);
    expect(keyRefused.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    expect(await log({ since: '2026-11-15T07:00:00Z', outcome: 'ERROR' })).toEqual([
      expect.objectContaining({ actor: actorOf(operator), role: 'OPERATOR', operation: 'apiKey.create', errorCode: 'FORBIDDEN', detail: expect.stringContaining('may not administer the platform') }),
      expect.objectContaining({ actor: actorOf(reader), role: 'INTEGRATOR', operation: 'upsertCustomers', objects: ['msisdn:13800000009', 'region:JS-NJ-GL'], errorCode: 'FORBIDDEN' }),
    ]);
  });

  it("records a regional operator's mutation as the operator's", async () => {
    // On PostgreSQL a non-admin request runs in one row-security transaction: the row commits with it.
    const operator = await api.key({ role: 'operator', regionCodes: ['JS'] });
    const input = { customerId: globalId('Customer', 1), reason: 'operator task', dueAt: '2026-12-01T00:00:00Z' };
    const { createTask } = await api.as(operator).ok(`mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, { input });
    expect(await log({ actor: actorOf(operator) })).toEqual([
      expect.objectContaining({ role: 'OPERATOR', operation: 'createTask', objects: [input.customerId, createTask.task.id], outcome: 'OK' }),
    ]);
  });

  it('names the plugin of a plugin mutation that fails', async () => {
    await api.ok(`mutation { enablePlugin(id: "flaky") { plugin { id } } }`);
    const failed = await api.gql(`mutation { flaky_openTask(customerId: 1) }`);
    expect(failed.errors![0]!.extensions!.code).toBe('PLUGIN_ERROR');
    const [row] = await log({ operation: 'flaky_openTask' });
    expect(row).toMatchObject({ plugin: 'flaky', outcome: 'ERROR', errorCode: 'PLUGIN_ERROR', actor: admin });
  });

  it('lists at most 100 objects and counts them all', async () => {
    const many = Array.from({ length: 150 }, (_, i) => customerInput(`1390000${String(i).padStart(4, '0')}`));
    await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: many });
    const [row] = await log({ operation: 'upsertCustomers' }, 1);
    // 150 MSISDNs, one region, 150 customer ids
    expect(row.objects).toHaveLength(100);
    expect(row.objects.slice(0, 2)).toEqual(['msisdn:13900000000', 'region:JS-NJ-GL']);
    expect(row.objectCount).toBe(301);
  });

  it('keeps the request id: the one a proxy sent, or the one the server answered with', async () => {
    const refresh = (headers: Record<string, string>) =>
      fetch(api.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}`, ...headers },
        body: JSON.stringify({ query: 'mutation { refreshTiers { updated } }' }),
      });
    expect((await refresh({ 'x-request-id': 'req-42' })).status).toBe(200);
    expect((await log({ operation: 'refreshTiers' }, 1))[0].requestId).toBe('req-42');
    const answered = (await refresh({})).headers.get('x-request-id');
    expect(answered).toMatch(/^[0-9a-f-]{36}$/);
    expect((await log({ operation: 'refreshTiers' }, 1))[0].requestId).toBe(answered);
  });
});

describe('auditLog', () => {
  it('filters by actor, operation, plugin, outcome, object and time', async () => {
    const count = async (filter: Record<string, unknown>) => (await api.ok(LOG, { filter, first: 0 })).auditLog.totalCount;
    expect(await count({ operation: 'createTask' })).toBe(3);
    expect(await count({ operation: 'createTask', objectId: globalId('Customer', 2) })).toBe(1);
    expect(await count({ operation: 'createTask', objectId: globalId('Customer', 1), actor: admin })).toBe(1);
    expect(await count({ objectId: 'msisdn:13800000001' })).toBe(4); // upsert, recordUsage (ok and failed), stamp
    expect(await count({ plugin: 'notary' })).toBe(3);
    expect(await count({ plugin: 'ticker', operation: 'pauseJob' })).toBe(1);
    expect(await count({ actor: admin, outcome: 'ERROR' })).toBe(3);
    expect(await count({ since: '2026-11-15T05:00:00Z', until: '2026-11-15T06:00:00Z', outcome: 'ERROR' })).toBe(0);
    expect(await count({ since: '2026-11-15T06:00:00Z', until: '2026-11-15T07:00:00Z' })).toBe(2);
    const backwards = await api.gql(LOG, { filter: { since: '2026-11-15T07:00:00Z', until: '2026-11-15T06:00:00Z' } });
    expect(backwards.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'filter.until' }] });
  });

  it('pages newest first by keyset, with no row twice', async () => {
    const all = await log({ actor: admin });
    expect(all.length).toBeGreaterThan(20);
    const times = all.map((r: any) => r.at);
    expect([...times].sort().reverse()).toEqual(times);
    const seen: any[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api.ok(LOG, { filter: { actor: admin }, first: 7, after })).auditLog;
      seen.push(...page.edges.map((e: any) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    const tooMany = await api.gql(LOG, { first: 101 });
    expect(tooMany.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('is refused to everyone but platform admins', async () => {
    const keys = [
      await api.key({ role: 'operator', regionCodes: ['JS'] }),
      await api.key({ role: 'agent', agentId: 'agent-7' }),
      await api.key({ role: 'integrator', scopes: ['read', 'ingest'] }),
    ];
    for (const key of keys) {
      const r = await api.as(key).gql(LOG, {});
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});

describe('the audit_log table', () => {
  it('is append-only: UPDATE and DELETE fail', async () => {
    const { db } = api.database;
    const failure = (query: Promise<unknown>) => query.then(() => 'succeeded', (error: Error) => `${error.message} ${String(error.cause ?? '')}`);
    expect(await failure(db.update(auditLog).set({ actor: 'someone else' }))).toMatch(/audit_log is append-only/);
    expect(await failure(db.delete(auditLog))).toMatch(/audit_log is append-only/);
    expect(await log({ actor: 'someone else' })).toEqual([]);
    expect((await log({ actor: admin })).length).toBeGreaterThan(20);
  });
});
