/**
 * The real `weixi` process, spawned as a user would run it, against a PGlite directory or a PostgreSQL
 * test database (WEIXI_TEST_DB), checking exit codes, output and what ends up in the database.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, type Database } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectDatabase, runWeixi } from './spawn-cli.test-support.js';

const kind = testDatabaseKind();
const SLOW = 120_000;

let env: Record<string, string | undefined>;
let tempDir: string | undefined;
let postgresDb: TestDatabase | undefined;

beforeAll(async () => {
  const base = { ...process.env, DATABASE_URL: undefined, WEIXI_DATA_DIR: undefined, WEIXI_DEBUG: undefined };
  if (kind === 'postgres') {
    postgresDb = await createTestDatabase();
    // Start from nothing, so `migrate` has something to apply on this driver too.
    await postgresDb.rows(sql`drop schema if exists drizzle cascade`);
    await postgresDb.rows(sql`drop schema public cascade`);
    await postgresDb.rows(sql`create schema public`);
    env = { ...base, DATABASE_URL: postgresDb.url };
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'weixi-cli-'));
    env = { ...base, WEIXI_DATA_DIR: join(tempDir, 'data') };
  }
});
afterAll(async () => {
  await postgresDb?.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

const weixi = (...args: string[]) => runWeixi(args, env);
const inspect = <T,>(read: (database: Database) => Promise<T>) => inspectDatabase({ postgres: postgresDb, dataDir: env.WEIXI_DATA_DIR }, read);

async function customerCount(): Promise<number> {
  return inspect(async (database) => {
    const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from customers`);
    return row!.n;
  });
}

const STACK_FRAME = /\n\s+at /;

async function migrationTags(): Promise<string[]> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  return journal.entries.map((e) => e.tag);
}

describe('weixi', () => {
  it('rejects bad command lines with a clear message and a non-zero exit, before touching the database', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [['frob'], /unknown command 'frob'/],
      [['seed'], /--customers N is required/],
      [['seed', '--customers', 'abc'], /--customers must be a whole number, got 'abc'/],
      [['seed', '--customers', '-5'], /--customers must be between 1 and 10,000,000, got -5/],
      [['seed', '--customers', '10', '--seed', 'x'], /--seed must be a whole number, got 'x'/],
      [['seed', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['seed', '--customers', '10', '--months', '40'], /--months must be between 1 and 36, got 40/],
      [['migrate', 'now'], /Unexpected argument 'now'/],
    ];
    const runs = await Promise.all(cases.map(([args]) => weixi(...args)));
    runs.forEach((run, i) => {
      const [args, message] = cases[i]!;
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    });
    if (tempDir) expect(existsSync(env.WEIXI_DATA_DIR!)).toBe(false);
  }, SLOW);

  it('prints help for the command list and for one command', async () => {
    const [all, one] = await Promise.all([weixi('--help'), weixi('seed', '--help')]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/migrate\s+apply pending database migrations/);
    expect(all.stdout).toMatch(/seed\s+generate a demo population/);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/Usage: weixi seed --customers N \[--seed S\]/);
  }, SLOW);

  it('migrate applies the migrations once and then reports the database up to date', async () => {
    const first = await weixi('migrate');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const tags = await migrationTags();
    const count = `${tags.length} migration${tags.length === 1 ? '' : 's'}`;
    expect(first.stdout).toMatch(/^Applied \d+ migrations? to (PGlite at|PostgreSQL) .*: .*\n$/);
    expect(first.stdout).toContain(`Applied ${count} to `);
    expect(first.stdout).toContain(`: ${tags.join(', ')}\n`);
    const again = await weixi('migrate');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`is up to date (${count} applied earlier)`);
    expect(await customerCount()).toBe(0);
  }, SLOW);

  it('seed generates the population with progress on stderr and a summary on stdout', async () => {
    const run = await weixi('seed', '--customers', '3000', '--seed', '11', '--months', '4');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Seeded 3,000 customers, [\d,]+ monthly usage rows and 23 regions into .* \(seed 11\)/);
    // Not a terminal: plain lines, the last one complete.
    expect(run.stderr).toMatch(/Generating customers and monthly usage: 3,000\/3,000 \(100%\)/);
    expect(run.stderr).not.toContain(String.fromCharCode(27));
    const counts = await inspect(async (database) => {
      const [row] = await database.rows<{ customers: number; usage: number; regions: number }>(sql`select
        (select count(*) from customers)::int as customers, (select count(*) from monthly_usage)::int as usage,
        (select count(*) from regions)::int as regions`);
      return row!;
    });
    expect(counts.customers).toBe(3000);
    expect(counts.regions).toBe(23);
    // Four months each at most (fewer for those who joined or left within them).
    expect(counts.usage).toBeGreaterThan(3000 * 3);
    expect(counts.usage).toBeLessThanOrEqual(3000 * 4);
  }, SLOW);

  it('refuses to seed a database that already has customers', async () => {
    const run = await weixi('seed', '--customers', '10');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already has 3,000 customers: demo data is only seeded into an empty database/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(await customerCount()).toBe(3000);
  }, SLOW);
});
