import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { importFile, type ImportOptions } from './import.js';

let database: TestDatabase;
let dir: string;
const NOW = new Date('2026-11-16T00:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'weixi-import-'));
  await database.db.execute(sql`insert into regions (code, name, level, time_zone, path) values ('JS', '江苏', 'province', 'Asia/Shanghai', '/JS/'), ('ZJ', '浙江', 'province', 'Asia/Shanghai', '/ZJ/')`);
  await database.db.execute(sql`insert into regions (code, name, level, time_zone, path, parent_id) values
    ('JS-NJ', '南京', 'city', 'Asia/Shanghai', '/JS/JS-NJ/', (select id from regions where code = 'JS')),
    ('ZJ-HZ', '杭州', 'city', 'Asia/Shanghai', '/ZJ/ZJ-HZ/', (select id from regions where code = 'ZJ'))`);
});
afterAll(async () => {
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string, gzip = false): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, gzip ? gzipSync(text) : text);
  return path;
}
const run = (options: Omit<ImportOptions, 'now'>) => importFile(database, { now: NOW, ...options });
const count = async (table: string) => (await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
const rejectsOf = async (path: string | null) => (path ? (await readFile(path, 'utf8')).trim().split('\n') : []);

const CUSTOMERS = `msisdn,name,region,joined_on,plan,payment_type,balance_cents,is_campus
13800000001,张三,JS-NJ,2024-01-15,p58,prepaid,1200,no
13800000002,李四,JS-NJ,2024-13-01,p58,prepaid,0,no
13800000003,王五,XX,2024-02-01,p58,postpaid,0,maybe
+86 138 0000 0004,赵六,ZJ-HZ,2023-05-05,p128,postpaid,-300,yes
13800000001,张三,JS-NJ,2024-01-15,p58,prepaid,1200,no
13800000005,short,JS-NJ
`;

describe('importFile', () => {
  it('writes the good rows by COPY and puts every bad cell in the reject file with its line, column and reason', async () => {
    const path = await file('customers.csv', CUSTOMERS);
    const report = await run({ kind: 'customers', file: path });
    expect(report).toMatchObject({ fills: ['customers'], rows: 6, accepted: 2, rejected: 4, batches: 1, customers: { created: 2, updated: 0, unchanged: 0 } });
    expect(await rejectsOf(report.rejectFile)).toEqual([
      'line,column,value,reason',
      '3,joined_on,2024-13-01,"customer.joinedOn: ""2024-13-01"" is not a date (YYYY-MM-DD)"',
      '4,is_campus,maybe,"isCampus: not a yes/no value (true, false, yes, no, 1, 0)"',
      '6,msisdn,13800000001,customer.msisdn: repeats line 2 (the same customer twice in one batch)',
      '7,,,the row has 3 fields; the header has 8',
    ]);
    const [zhao] = await queryRows<{ msisdn: string; balance_cents: number; is_campus: boolean; code: string }>(database.db, sql`
      select c.msisdn, c.balance_cents, c.is_campus, r.code from customers c join regions r on r.id = c.region_id where c.name = '赵六'`);
    expect(zhao).toEqual({ msisdn: '8613800000004', balance_cents: -300, is_campus: true, code: 'ZJ-HZ' });
  });

  it('changes nothing when the same file is imported again, and nothing at all in a dry run', async () => {
    const path = await file('customers.csv', CUSTOMERS);
    const [before] = await queryRows<{ at: string }>(database.db, sql`select max(updated_at)::text as at from customers`);
    const again = await run({ kind: 'customers', file: path });
    expect(again.customers).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const [after] = await queryRows<{ at: string }>(database.db, sql`select max(updated_at)::text as at from customers`);
    expect(after!.at).toBe(before!.at);
    const changed = await file('changed.csv', 'msisdn,name,region,joined_on,plan,payment_type\n13800000007,新,JS-NJ,2025-01-01,p8,prepaid\n13800000001,张三丰,JS-NJ,2024-01-15,p58,prepaid\n');
    const dry = await run({ kind: 'customers', file: changed, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, customers: { created: 1, updated: 1, unchanged: 0 } });
    expect(await count('customers')).toBe(2);
    const real = await run({ kind: 'customers', file: changed });
    expect(real.customers).toEqual({ created: 1, updated: 1, unchanged: 0 });
    // A file without a balance column leaves the stored balance as it was.
    const [zhang] = await queryRows<{ name: string; balance_cents: number }>(database.db, sql`select name, balance_cents from customers where msisdn = '13800000001'`);
    expect(zhang).toEqual({ name: '张三丰', balance_cents: 1200 });
  });

  it('imports gzip usage through a mapping file, rejecting rows of unknown customers and future months', async () => {
    const text = 'phone,month,revenue_yuan,days\n13800000001,2026-09,58.5,30\n13800000001,2026-10,60,31\n13899999999,2026-10,10,3\n13800000007,2026-12,1,1\n13800000007,2026-10,abc,1\n';
    const path = await file('usage.csv.gz', text, true);
    const mapping = { usage: { columns: { msisdn: 'phone', month: 'month', revenueCents: 'revenue_yuan', activeDays: 'days' }, scale: { revenueCents: 100 } } };
    const report = await run({ kind: 'usage', file: path, mapping, batchSize: 2 });
    expect(report).toMatchObject({ rows: 5, accepted: 2, rejected: 3, usage: { created: 2, updated: 0, unchanged: 0 } });
    expect(report.batches).toBe(2);
    expect(await rejectsOf(report.rejectFile)).toEqual([
      'line,column,value,reason',
      '5,month,2026-12,usage[0].month: 2026-12 is in the future',
      '6,revenue_yuan,abc,revenueCents: not a number',
      '4,phone,13899999999,no customer has MSISDN 13899999999: import the customers first',
    ]);
    const rows = await queryRows<{ month: string; revenue_cents: number }>(database.db, sql`select month::text, revenue_cents from monthly_usage order by month`);
    expect(rows).toEqual([{ month: '2026-09-01', revenue_cents: 5850 }, { month: '2026-10-01', revenue_cents: 6000 }]);
    expect((await run({ kind: 'usage', file: path, mapping })).usage).toEqual({ created: 0, updated: 0, unchanged: 2 });
  });

  it('names the line a row starts on, across empty lines and quoted fields spanning lines', async () => {
    const path = await file('lines.csv', '\nmsisdn,name,region,joined_on,plan,payment_type\n13800000011,"two\nlines",JS-NJ,2024-01-15,p58,prepaid\n\n13800000012,x,JS-NJ,2024-01-15,p58,cash\n13800000013,"a ""quoted"" name",JS-NJ,2024-1-15,p58,prepaid\n');
    const report = await run({ kind: 'customers', file: path, dryRun: true });
    expect(report).toMatchObject({ rows: 3, accepted: 1, rejected: 2 });
    expect((await rejectsOf(report.rejectFile)).slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['6,payment_type', '7,joined_on']);
  });

  it('keeps to the import region and names what is wrong with the command', async () => {
    const path = await file('zj.csv', 'msisdn,name,region,joined_on,plan,payment_type\n13800000004,赵六,JS-NJ,2023-05-05,p128,postpaid\n13800000009,钱七,ZJ-HZ,2023-05-05,p128,postpaid\n');
    const report = await run({ kind: 'customers', file: path, regionCode: 'ZJ' });
    expect(report).toMatchObject({ accepted: 1, rejected: 1, customers: { created: 1 } });
    expect((await rejectsOf(report.rejectFile))[1]).toBe('2,region,JS-NJ,customer.regionCode: JS-NJ is outside the import region');
    const moved = await file('move.csv', 'msisdn,name,region,joined_on,plan,payment_type\n13800000001,张三,ZJ-HZ,2024-01-15,p58,prepaid\n');
    const refused = await run({ kind: 'customers', file: moved, regionCode: 'ZJ' });
    expect((await rejectsOf(refused.rejectFile))[1]).toBe('2,msisdn,13800000001,13800000001 is a customer outside the import region');
    await expect(run({ kind: 'customers', file: path, regionCode: 'NOPE' })).rejects.toThrow('region: region "NOPE" does not exist');
    await expect(run({ kind: 'usage', file: path })).rejects.toThrow('mapping.usage.columns.month: required');
    await expect(run({ kind: 'customers', file: path, preset: 'nope' })).rejects.toThrow('unknown preset "nope"; one of ibm-telco');
    expect(existsSync(`${path}.rejects.csv`)).toBe(true);
  });
});
