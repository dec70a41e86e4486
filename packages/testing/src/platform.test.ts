import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, createTestPlatform, globalId, type TestPlatform } from './index.js';

const NUDGER = fileURLToPath(new URL('./fixtures/nudger', import.meta.url));

describe('createTestPlatform with a plugin folder, a fake channel and hand-made customers', () => {
  let p: TestPlatform;
  let nj: number[];
  let sz: number;
  let optedOut: number;

  beforeAll(async () => {
    p = await createTestPlatform({
      plugins: [NUDGER],
      channels: ['sms'],
      now: '2026-11-16T08:59:30+08:00',
      enable: [{ plugin: 'fixture-nudger', region: 'JS' }],
    });
    nj = await p.addCustomers([{ regionCode: 'JS-NJ-GL' }, { regionCode: 'JS-NJ-GL' }, { regionCode: 'JS-NJ', plan: 'P59' }]);
    optedOut = (await p.addCustomers([{ regionCode: 'JS-NJ-GL', consent: { sms: false } }]))[0]!;
    sz = (await p.addCustomers([{ regionCode: 'JS-SZ' }, { regionCode: 'ZJ-HZ' }]))[0]!;
  });
  afterAll(() => p?.close());

  it('boots on the configured database with the default region tree, served over HTTP', async () => {
    expect(p.kind).toBe(process.env.WEIXI_TEST_DB === 'postgres' ? 'postgres' : 'pglite');
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const r = await p.ok(`{ regions(first: 20) { edges { node { code } } } }`);
    expect(r.regions.edges.map((e: any) => e.node.code)).toEqual(['JS', 'JS-NJ', 'JS-NJ-GL', 'JS-SZ', 'ZJ', 'ZJ-HZ']);
    const plugins = await p.ok(`{ plugins { edges { node { id status } } } }`);
    expect(plugins.plugins.edges.map((e: any) => e.node)).toEqual([
      { id: 'fixture-nudger', status: 'ACTIVE' },
      { id: 'testing-harness', status: 'ACTIVE' },
    ]);
  });

  it('runs nothing before the slot, then each enabled city once at 09:00 in its time zone', async () => {
    expect(await p.runDueJobs()).toEqual([]);
    expect(await p.contacts()).toEqual([]);

    expect(p.clock.set('2026-11-16T09:00:00+08:00').toISOString()).toBe('2026-11-16T01:00:00.000Z');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status, r.trigger, r.scheduledFor.toISOString(), r.progress])).toEqual([
      ['JS-NJ', 'succeeded', 'schedule', '2026-11-16T01:00:00.000Z', 1],
      ['JS-SZ', 'succeeded', 'schedule', '2026-11-16T01:00:00.000Z', 1],
    ]);
    const sent = await p.contacts();
    expect(sent.map((c) => [c.customerId, c.channel, c.status, c.message])).toEqual([
      [nj[0], 'sms', 'sent', '您好'],
      [nj[1], 'sms', 'sent', '您好'],
      [optedOut, 'sms', 'suppressed', '您好'],
      [sz, 'sms', 'sent', '您好'],
    ]);
    expect(sent[0]).toMatchObject({ pluginId: 'fixture-nudger', regionCode: 'JS-NJ-GL', detail: 'captured by @weixi/testing', idempotencyKey: `fixture-nudger:2026-11-16:${nj[0]}` });
    expect(await p.contacts({ status: 'suppressed' })).toEqual([expect.objectContaining({ customerId: optedOut, detail: "no consent for sms (withdrawn in the customer's record)" })]);
    expect((await p.contacts({ region: 'JS-SZ' })).map((c) => c.customerId)).toEqual([sz]);

    // the clock did not move: nothing is due any more
    expect(await p.runDueJobs()).toEqual([]);
    expect(await p.contacts()).toHaveLength(4);
  });

  it('follows settings down the region tree and skips a region where the plugin is disabled', async () => {
    const resolved = await p.configure('fixture-nudger', 'JS-SZ', { message: '苏州您好' });
    expect(resolved).toEqual({ message: '苏州您好', plan: 'P99' });
    await p.disable('fixture-nudger', 'JS-NJ');
    p.clock.advance(DAY);
    const runs = await p.runDueJobs();
    expect(runs.map((r) => r.regionCode)).toEqual(['JS-SZ']);
    expect((await p.contacts({ customerId: sz })).map((c) => c.message)).toEqual(['您好', '苏州您好']);
    await p.enable('fixture-nudger', 'JS-NJ');
  });

  it('runs a job on demand, and lists the run history', async () => {
    const run = await p.runJob('fixture-nudger', 'nudge', 'JS-NJ');
    expect(run).toMatchObject({ pluginId: 'fixture-nudger', jobId: 'nudge', regionCode: 'JS-NJ', trigger: 'manual', status: 'succeeded', attempt: 1 });
    expect(await p.contacts({ region: 'JS-NJ', status: 'sent' })).toHaveLength(4);
    expect((await p.jobRuns({ plugin: 'fixture-nudger' })).map((r) => `${r.regionCode}/${r.trigger}`)).toEqual(['JS-NJ/schedule', 'JS-SZ/schedule', 'JS-SZ/schedule', 'JS-NJ/manual']);
  });

  it('sends through the core like a tactic: consent, idempotency key, contact recorded', async () => {
    const first = await p.send({ channel: 'sms', customerId: nj[2]!, message: 'hi', idempotencyKey: 'k1' });
    expect(first).toMatchObject({ status: 'sent', created: true });
    expect(await p.send({ channel: 'sms', customerId: nj[2]!, message: 'hi again', idempotencyKey: 'k1' })).toEqual({ ...first, created: false });
    expect((await p.send({ channel: 'sms', customerId: optedOut, message: 'hi' })).status).toBe('suppressed');
    expect((await p.send({ channel: 'call', customerId: nj[2]!, message: 'hi' })).status).toBe('failed');
    expect(await p.contacts({ pluginId: 'testing-harness' })).toEqual([
      expect.objectContaining({ id: first.contactId, message: 'hi', status: 'sent' }),
      expect.objectContaining({ status: 'suppressed' }),
      expect.objectContaining({ channel: 'call', status: 'failed', detail: "no plugin implements channel 'call'" }),
    ]);
  });

  it('serves the plugin\'s GraphQL fields, and global ids for core queries', async () => {
    expect(await p.ok(`{ js: fixtureNudger_planCount(region: "JS") nj: fixtureNudger_planCount(region: "JS-NJ") }`)).toEqual({ js: 4, nj: 3 });
    const r = await p.ok(`query ($id: ID!) { customer(id: $id) { msisdn region { code } } }`, { id: globalId('Customer', sz) });
    expect(r.customer).toEqual({ msisdn: expect.stringMatching(/^199\d{8}$/), region: { code: 'JS-SZ' } });
  });

  it('reads the tables with sql for assertions the helpers do not cover', async () => {
    const [row] = await p.sql<{ n: number }>`select count(*)::int as n from contacts where status = ${'sent'}`;
    expect(row!.n).toBe(7); // 3 + 1 scheduled, 2 on demand, 1 through send()
  });
});

describe('createTestPlatform data and errors', () => {
  it('seeds the demo population for the clock\'s now, joining its region tree', async () => {
    const p = await createTestPlatform({ seed: { customers: 300 }, now: '2026-11-16T10:00:00+08:00' });
    try {
      const [row] = await p.sql<{ customers: number; last: string; cities: number }>`
        select (select count(*)::int from customers) as customers,
               (select to_char(max(month), 'YYYY-MM') from monthly_usage) as last,
               (select count(*)::int from regions where level = 'city') as cities`;
      expect(row).toEqual({ customers: 300, last: '2026-10', cities: 6 });
    } finally {
      await p.close();
    }
  });

  it('runs a seed function against the database before the platform starts', async () => {
    const p = await createTestPlatform({
      regions: [{ code: 'GD', name: '广东', level: 'province' }, { code: 'GD-SZ', name: '深圳', level: 'city', parent: 'GD', timeZone: 'Asia/Shanghai' }],
      seed: async (database) => {
        await database.rows(sql`insert into customers (msisdn, name, region_id, joined_on, plan, payment_type)
          select '1880000000' || n, '客户' || n, (select id from regions where code = 'GD-SZ'), '2021-01-01', 'P59', 'prepaid' from generate_series(1, 3) n`);
      },
    });
    try {
      const r = await p.ok(`{ customers(filter: { regionCodes: ["GD"] }) { totalCount } }`);
      expect(r.customers.totalCount).toBe(3);
    } finally {
      await p.close();
    }
  });

  it('refuses a plugin folder whose manifest is invalid, saying what to fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weixi-bad-plugin-'));
    try {
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'bad', version: '1.0.0', weixi: { id: 'Bad Plugin', displayName: 'x', description: 'x', engines: { weixi: '^0.1.0' } } }));
      await expect(createTestPlatform({ plugins: [dir] })).rejects.toThrow(/cannot be installed: .*weixi\.id.*kebab-case/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Out of process the module imported is a bundle; the error still names the plugin's own file.
  it.each(['in-process', 'process'] as const)('says which plugin failed to activate at boot, and its file (%s)', async (extensionHost) => {
    // clock.ts has no default export made with definePlugin
    const entry = fileURLToPath(new URL('./clock.ts', import.meta.url));
    const manifest = { id: 'not-a-plugin', displayName: 'x', description: 'x', version: '1.0.0', engines: { weixi: '^0.1.0' } };
    await expect(createTestPlatform({ plugins: [{ manifest, entry }], enable: [{ plugin: 'not-a-plugin' }], extensionHost })).rejects.toThrow(
      /plugin 'not-a-plugin' failed to activate: .*clock\.ts has no default export made with definePlugin/,
    );
  });
});
