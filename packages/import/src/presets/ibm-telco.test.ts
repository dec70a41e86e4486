import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { importFile } from '../import.js';
import { msisdnOfCustomerId } from './ibm-telco.js';

/** The data set beside the repository (`shared/datasets`), as CI lays it; the test says so when it is absent. */
const FILE = fileURLToPath(new URL('../../../../../shared/datasets/WA_Fn-UseC_-Telco-Customer-Churn.csv', import.meta.url));
const present = existsSync(FILE);
let database: TestDatabase;
let dir: string;
const NOW = new Date('2026-11-16T00:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'weixi-ibm-'));
});
afterAll(async () => {
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the ibm-telco preset', () => {
  it('derives one MSISDN per customerID', () => {
    expect(msisdnOfCustomerId('7590-VHVEG')).toBe('1759009733834');
    expect(msisdnOfCustomerId('0000-AAAAA')).toBe('1000000000000');
    expect(msisdnOfCustomerId('7590-vhveg')).toBeUndefined();
  });

  it.skipIf(!present)('imports the whole file with no reject, into its own region, and a rerun changes nothing', async () => {
    const report = await importFile(database, { kind: 'customers', file: FILE, preset: 'ibm-telco', now: NOW, rejectFile: join(dir, 'rejects.csv') });
    expect(report).toMatchObject({ fills: ['customers', 'usage'], rows: 7043, accepted: 7043, rejected: 0, rejectFile: null, customers: { created: 7043 } });
    const [facts] = await queryRows<{ customers: number; churned: number; usage: number; expected_usage: number; regions: string }>(database.db, sql`
      select (select count(*)::int from customers) as customers,
        (select count(*)::int from customers where status = 'churned' and churned_on = '2026-10-15') as churned,
        (select count(*)::int from monthly_usage) as usage,
        (select sum(least((attributes->>'tenure')::int, 12))::int from customers) as expected_usage,
        (select string_agg(code || ':' || level, ',' order by path) from regions) as regions`);
    expect(facts).toEqual({ customers: 7043, churned: 1869, usage: facts!.expected_usage, expected_usage: facts!.expected_usage, regions: 'IBM:province,IBM-CA:city' });
    // No usage after the snapshot month, for churners as for the others: nothing there reveals the outcome.
    const [after] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from monthly_usage where month > '2026-09-01'`);
    expect(after!.n).toBe(0);
    const [one] = await queryRows<{ joined_on: string; plan: string; contract_ends_on: string | null; revenue: number[] }>(database.db, sql`
      select c.joined_on::text, c.plan, c.contract_ends_on::text, array_agg(u.revenue_cents order by u.month) as revenue
      from customers c join monthly_usage u on u.customer_id = c.id where c.name = '5575-GNVDE' group by c.id`);
    // tenure 34, One year, MonthlyCharges 56.95, TotalCharges 1889.5: joined 2023-12, renews 2026-12.
    expect(one).toMatchObject({ joined_on: '2023-12-01', plan: 'One year', contract_ends_on: '2026-12-01' });
    expect(one!.revenue).toHaveLength(12);
    expect(one!.revenue[0]).toBe(Math.round((1889.5 / 34) * 100));
    expect(one!.revenue[11]).toBe(5695);
    const again = await importFile(database, { kind: 'customers', file: FILE, preset: 'ibm-telco', now: NOW, rejectFile: join(dir, 'rejects.csv') });
    expect(again.customers).toEqual({ created: 0, updated: 0, unchanged: 7043 });
    expect(again.usage.unchanged).toBe(facts!.expected_usage);
  });

  it.skipIf(!present)('rejects the broken rows of a damaged copy, line by line', async () => {
    const lines = (await readFile(FILE, 'utf8')).split('\n');
    // lines[k] is line k + 1 of the file (line 1 is the header).
    lines[1] = lines[1]!.replace('7590-VHVEG', '7590-vhveg');
    lines[2] = lines[2]!.replace(',34,', ',thirty,');
    lines[4] = lines[4]!.replace(/,No$/, ',Maybe');
    lines[5] = lines[5]!.split(',').slice(0, 10).join(',');
    const broken = join(dir, 'broken.csv');
    await writeFile(broken, lines.join('\n'));
    const report = await importFile(database, { kind: 'customers', file: broken, preset: 'ibm-telco', now: NOW, dryRun: true, rejectFile: join(dir, 'broken.rejects.csv') });
    expect(report).toMatchObject({ rows: 7043, rejected: 4, accepted: 7039 });
    expect((await readFile(report.rejectFile!, 'utf8')).trim().split('\n')).toEqual([
      'line,column,value,reason',
      '2,customerID,7590-vhveg,"not an IBM customerID (4 digits, a dash, 5 capital letters)"',
      '3,tenure,thirty,not a whole number of months (0 to 600)',
      '5,Churn,Maybe,Yes or No',
      '6,,,the row has 10 fields; the header has 21',
    ]);
  });
});
