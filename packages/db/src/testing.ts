/**
 * Fresh, migrated databases for tests. `WEIXI_TEST_DB` picks the kind (`pglite`, the default, or `postgres`).
 * A global setup may prepare templates (see `prepareTestTemplates`) so each test file gets its own database
 * in about a second instead of migrating from scratch.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type Database, type Db } from './database.js';

export type TestDatabaseKind = 'pglite' | 'postgres';

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.WEIXI_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/** The server that PostgreSQL test databases are created on. */
export function testServerUrl(): string {
  return process.env.WEIXI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates the migrated templates once per test run and records where they are in the environment. */
export async function prepareTestTemplates(kind: TestDatabaseKind = testDatabaseKind()): Promise<() => Promise<void>> {
  if (kind === 'pglite') {
    const pglite = new PGlite();
    const db = await openDatabase({ pglite });
    await db.migrate();
    const dump = await pglite.dumpDataDir('none');
    await db.close();
    const file = join(tmpdir(), `weixi-template-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    process.env.WEIXI_TEST_PGLITE_TEMPLATE = file;
    return async () => {
      const { rm } = await import('node:fs/promises');
      await rm(file, { force: true });
    };
  }
  const name = `weixi_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(testServerUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const db = await openDatabase({ url: withDatabase(testServerUrl(), name), maxConnections: 2 });
  await db.migrate();
  await db.close();
  process.env.WEIXI_TEST_PG_TEMPLATE = name;
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

export interface TestDatabase extends Database {
  /** PostgreSQL URL of this test database (undefined on PGlite). */
  readonly url?: string;
}

/** A fresh, migrated database of the configured kind; `close()` also drops it on PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind() === 'pglite') {
    const template = process.env.WEIXI_TEST_PGLITE_TEMPLATE;
    const pglite = template
      ? new PGlite({ loadDataDir: new Blob([await readFile(template)]) })
      : new PGlite();
    const db = await openDatabase({ pglite });
    if (!template) await db.migrate();
    return db;
  }
  const name = `weixi_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testServerUrl(), { max: 1, onnotice: () => {} });
  const template = process.env.WEIXI_TEST_PG_TEMPLATE;
  await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = withDatabase(testServerUrl(), name);
  const db = await openDatabase({ url, maxConnections: 5 });
  if (!template) await db.migrate();
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A region of a test's tree: its code, level and parent's code (null: a root). */
export type TestRegion = readonly [code: string, level: 'province' | 'city' | 'district', parent: string | null];

/**
 * Inserts a region tree, parents first, in Asia/Shanghai, each named by its code with its path derived from
 * its parent's; returns every region by code.
 */
export async function insertRegions(db: Db, tree: readonly TestRegion[]): Promise<Map<string, { id: number; code: string; path: string }>> {
  const out = new Map<string, { id: number; code: string; path: string }>();
  for (const [code, level, parent] of tree) {
    const path = `${parent ? out.get(parent)!.path : '/'}${code}/`;
    const [row] = await queryRows<{ id: number }>(db, sql`insert into regions (code, name, level, time_zone, path, parent_id)
      values (${code}, ${code}, ${level}, 'Asia/Shanghai', ${path}, ${parent ? out.get(parent)!.id : null}) returning id`);
    out.set(code, { id: Number(row!.id), code, path });
  }
  return out;
}
