/**
 * docs/sql/partition-monthly-usage.sql on PostgreSQL: monthly_usage becomes partitioned by month, its rows
 * kept, and the API reads and upserts usage as before, through row-level security too; months added by
 * weixi_usage_partitions_ahead take their rows out of the DEFAULT partition.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabaseKind } from '@weixi/db/testing';
import { customerInput, startTestApi, type TestApi } from './harness.js';

const onPostgres = testDatabaseKind() === 'postgres';
const script = readFileSync(new URL('../../docs/sql/partition-monthly-usage.sql', import.meta.url), 'utf8');
const USAGE = `query { customerByMsisdn(msisdn: "13800000001") { usage(months: 12) { totalCount edges { node { month revenueCents } } } } }`;
const RECORD = `mutation ($usage: [UsageInput!]!) { recordUsage(usage: $usage) { recorded } }`;

let api: TestApi;
describe.skipIf(!onPostgres)('monthly_usage partitioned by month (PostgreSQL)', () => {
  beforeAll(async () => {
    api = await startTestApi('2026-11-15T04:00:00Z');
    await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13800000001', { regionCode: 'JS-NJ' })] });
    await api.ok(RECORD, { usage: ['2026-08', '2026-09', '2026-10'].map((month, i) => ({ msisdn: '13800000001', month, revenueCents: 1000 * (i + 1) })) });
  });
  afterAll(() => api?.close());

  it('converts the table in one transaction, keeping every row, key, index and policy', async () => {
    const before = await api.ok(USAGE);
    const client = api.database.client;
    if (client.kind !== 'postgres') throw new Error('PostgreSQL only');
    // The script is its own transaction: on one reserved connection, as psql would run it.
    const connection = await client.sql.reserve();
    try {
      await connection.unsafe(script).simple();
    } finally {
      connection.release();
    }
    const [table] = await api.database.rows<{ kind: string; rls: boolean }>(sql`select relkind::text as kind, relrowsecurity as rls from pg_class where relname = 'monthly_usage'`);
    expect(table).toEqual({ kind: 'p', rls: true });
    const partitions = await api.database.rows<{ name: string }>(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'monthly_usage'::regclass order by 1`);
    expect(partitions.map((p) => p.name)).toEqual(expect.arrayContaining(['monthly_usage_202608', 'monthly_usage_202610', 'monthly_usage_default']));
    expect(await api.ok(USAGE)).toEqual(before);
    const [policy] = await api.database.rows<{ n: number }>(sql`select count(*)::int as n from pg_policies where tablename = 'monthly_usage'`);
    expect(policy!.n).toBe(1);
  });

  it('the API upserts and reads usage as before, as admin and through row-level security', async () => {
    await api.ok(RECORD, { usage: [{ msisdn: '13800000001', month: '2026-10', revenueCents: 4242 }, { msisdn: '13800000001', month: '2026-11', revenueCents: 10 }] });
    const operator = api.as(await api.key({ role: 'operator', regionCodes: ['JS-NJ'] }));
    const seen = (await operator.ok(USAGE)).customerByMsisdn.usage;
    expect(seen.totalCount).toBe(4);
    expect(seen.edges.map((e: { node: { revenueCents: number } }) => e.node.revenueCents)).toContain(4242);
    const outsider = api.as(await api.key({ role: 'operator', regionCodes: ['ZJ'] }));
    expect((await outsider.ok(USAGE)).customerByMsisdn).toBeNull();
  });

  it('a month without a partition lands in DEFAULT; adding partitions moves it out', async () => {
    await api.ok(RECORD, { usage: [{ msisdn: '13800000001', month: '2024-03', revenueCents: 7 }] });
    const inDefault = async () => (await api.database.rows<{ n: number }>(sql`select count(*)::int as n from monthly_usage_default`))[0]!.n;
    expect(await inDefault()).toBe(1);
    const [created] = await api.database.rows<{ n: number }>(sql`select weixi_usage_partitions_ahead(12, '2024-01-01') as n`);
    expect(created!.n).toBeGreaterThan(0);
    expect(await inDefault()).toBe(0);
    const [row] = await api.database.rows<{ n: number }>(sql`select count(*)::int as n from monthly_usage_202403`);
    expect(row!.n).toBe(1);
  });
});
