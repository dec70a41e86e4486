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

/** The data set beside the repository (`shared/datasets`), as CI lays it; the tests say so when it is absent. */
const FILE = fileURLToPath(new URL('../../../../../shared/datasets/churn-bigml-80.csv', import.meta.url));
const present = existsSync(FILE);
let database: TestDatabase;
let dir: string;
const NOW = new Date('2026-11-16T00:00:00Z');
const bigml = (file: string, dryRun = false) => importFile(database, { kind: 'customers', file, preset: 'bigml', now: NOW, dryRun, rejectFile: join(dir, 'rejects.csv') });

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'weixi-bigml-'));
});
afterAll(async () => {
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!present)('the bigml preset', () => {
  it('imports the 80% file with no reject: states as cities, usage from minutes and charges, churn from the label', async () => {
    const report = await bigml(FILE);
    expect(report).toMatchObject({ rows: 2666, accepted: 2666, rejected: 0, customers: { created: 2666 }, usage: { created: 2666 } });
    const [facts] = await queryRows<{ cities: number; churned: number; labelled: number; ks: number }>(database.db, sql`
      select (select count(*)::int from regions where level = 'city' and code like 'BIGML-%') as cities,
        (select count(*)::int from customers where status = 'churned') as churned,
        (select count(*)::int from customers where attributes->>'outcome' in ('churned', 'stayed')) as labelled,
        (select count(*)::int from customers c join regions r on r.id = c.region_id where r.code = 'BIGML-KS') as ks`);
    const lines = (await readFile(FILE, 'utf8')).trim().split('\n').slice(1);
    expect(facts).toEqual({ cities: 51, churned: lines.filter((l) => l.endsWith(',True')).length, labelled: 2666, ks: lines.filter((l) => l.startsWith('KS,')).length });
    // The first row: KS, 128 days, area 415, 265.1 + 197.4 + 244.7 + 10.0 minutes, 45.07 + 16.78 + 11.01 + 2.7 charged, 1 service call.
    const [first] = await queryRows<{ joined_on: string; plan: string; voice_minutes: number; revenue_cents: number; complaints: number }>(database.db, sql`
      select c.joined_on::text, c.plan, u.voice_minutes, u.revenue_cents, u.complaints from customers c join monthly_usage u on u.customer_id = c.id
      where c.msisdn like '1415%' and (c.attributes->>'accountLength')::int = 128 and (c.attributes->>'totalDayMinutes')::numeric = 265.1`);
    expect(first).toEqual({ joined_on: '2026-05-25', plan: 'intl-no/vm-yes', voice_minutes: 717, revenue_cents: 7556, complaints: 1 });
    expect((await bigml(FILE)).customers).toEqual({ created: 0, updated: 0, unchanged: 2666 });
  });

  it('imports a file without the Churn column as customers of unknown outcome, and rejects broken rows', async () => {
    const lines = (await readFile(FILE, 'utf8')).trim().split('\n');
    const unlabelled = lines.slice(0, 11).map((l) => l.split(',').slice(0, -1).join(','));
    unlabelled[3] = unlabelled[3]!.replace(/^[A-Z]{2},/, 'ZZ,');
    unlabelled[4] = unlabelled[4]!.replace(/,(Yes|No),/, ',Maybe,');
    const file = join(dir, 'unlabelled.csv');
    await writeFile(file, `${unlabelled.join('\n')}\n`);
    const report = await bigml(file, true);
    // The same accounts (the id hashes the columns, not the label), now of unknown outcome.
    expect(report).toMatchObject({ rows: 10, accepted: 8, rejected: 2, customers: { created: 0, updated: 8, unchanged: 0 }, usage: { unchanged: 8 } });
    expect((await readFile(report.rejectFile!, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['4,State', '5,International plan']);
    const [unknown] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from customers where attributes->>'outcome' = 'unknown'`);
    expect(unknown!.n).toBe(0); // a dry run keeps nothing
  });
});
