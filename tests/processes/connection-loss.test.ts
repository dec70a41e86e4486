/**
 * The server process under concurrent writes while PostgreSQL cuts its connections: it must stay up,
 * answer every request (a clean error or a result), recover its throughput, and lose no write it
 * acknowledged. The `postgres` driver 3.4.9 crashed here (a write scheduled onto a socket that had just
 * closed) or kept poisoned connections that never flushed again; see packages/db/README.md.
 * PostgreSQL only: PGlite has no connections to cut.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, testServerUrl, type TestDatabase } from '@weixi/db/testing';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { postgresBinaries, startPrivateCluster, type PrivateCluster } from './private-cluster.js';
import { adminAndOperatorWriters, pause, storedRowsByKey, WriteLoad } from './write-load.js';

const onPostgres = testDatabaseKind() === 'postgres';
const bin = postgresBinaries();
const WINDOW_MS = 5_000;
const serverEnv = { WEIXI_DEMO_CUSTOMERS: '200', WEIXI_LOG_LEVEL: 'error', WEIXI_RATE_LIMIT_PER_MINUTE: '0' };

let api: ApiProcess | undefined;
let database: TestDatabase | undefined;
let cluster: PrivateCluster | undefined;
afterAll(async () => {
  await api?.stop();
  await database?.close();
  cluster?.destroy();
});

/** What the process said before it died, for the assertion message. */
function exitReport(process: ApiProcess): string {
  const { exitCode, signalCode } = process.child;
  return exitCode === null && signalCode === null ? 'running' : `exited (${exitCode ?? signalCode}); stderr tail: ${process.stderr().slice(-2000)}`;
}

/** Every acknowledged write is stored once; every refused one, retried with its key, is stored once. */
async function expectNothingLostOrDoubled(load: WriteLoad, databaseUrl: string, prefix: string) {
  const { retried } = await load.retryRefused();
  const stored = await storedRowsByKey(databaseUrl, prefix);
  const keys = load.keys();
  expect(keys.length).toBe(load.acknowledged.length + retried);
  const missing = keys.filter((k) => stored.get(k) !== 1);
  expect(missing, `keys not stored exactly once: ${missing.slice(0, 10).join(', ')}`).toEqual([]);
  expect(stored.size, 'rows stored under keys this load never used').toBe(keys.length);
}

/** Refusals are clean GraphQL errors: a typed retryable code, or INTERNAL_SERVER_ERROR with the request id. */
function expectCleanRefusals(load: WriteLoad) {
  const unclean = load.refused.filter((r) => !(r.code === 'DATABASE_UNAVAILABLE' || (r.code === 'INTERNAL_SERVER_ERROR' && /request [\w-]+/.test(r.message ?? ''))));
  expect(unclean.slice(0, 5), 'refusals that are not clean errors').toEqual([]);
}

describe.skipIf(!onPostgres)('the server while PostgreSQL terminates its connections', () => {
  it('stays up, recovers its throughput and loses no acknowledged write', async () => {
    database = await createTestDatabase();
    const name = new URL(database.url!).pathname.slice(1);
    api = await startApiProcess({ ...serverEnv, DATABASE_URL: database.url });
    const writers = await adminAndOperatorWriters(api.url, api.adminKey, 4);
    const load = new WriteLoad(api.url, 'cut');
    // The terminations run from the shared server's maintenance database and hit this test's database only.
    const admin = await openDatabase({ url: testServerUrl(), maxConnections: 1 });
    try {
      load.start(writers);
      await pause(2_000); // warm up: every pool connection open
      const before = Date.now();
      await pause(WINDOW_MS);
      const baseline = load.acknowledgedBetween(before, Date.now());
      let terminated = 0;
      for (let round = 0; round < 3; round++) {
        const [row] = await admin.rows<{ n: number }>(sql`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = ${name} and pid <> pg_backend_pid()`);
        terminated += row!.n;
        await pause(700);
      }
      await pause(1_000);
      const after = Date.now();
      await pause(WINDOW_MS);
      const recovered = load.acknowledgedBetween(after, Date.now());
      await load.stop();

      expect(exitReport(api)).toBe('running');
      expect(terminated).toBeGreaterThan(0);
      expect(baseline).toBeGreaterThan(0);
      // Generous: the machine is shared, but a poisoned pool fell to about a seventh of the baseline.
      expect(recovered / baseline, `acknowledged writes in ${WINDOW_MS} ms: ${baseline} before, ${recovered} after`).toBeGreaterThan(0.4);
      expectCleanRefusals(load);
      await expectNothingLostOrDoubled(load, database.url!, 'cut');
      expect(exitReport(api)).toBe('running');
    } finally {
      await load.stop();
      await admin.close();
      await api.stop();
    }
  }, 180_000);
});

describe.skipIf(!onPostgres || !bin)(`the server while its PostgreSQL restarts${bin ? '' : ' (SKIPPED: no PostgreSQL binaries under /usr/lib/postgresql/*/bin)'}`, () => {
  it('stays up and serves writes again once the database is back', async () => {
    cluster = await startPrivateCluster(bin!);
    const setup = await openDatabase({ url: cluster.url, maxConnections: 1 });
    await setup.rows(sql`create database weixi`);
    await setup.close();
    const databaseUrl = cluster.url.replace(/\/postgres$/, '/weixi');
    api = await startApiProcess({ ...serverEnv, DATABASE_URL: databaseUrl });
    const writers = await adminAndOperatorWriters(api.url, api.adminKey, 4);
    const load = new WriteLoad(api.url, 'restart');
    try {
      load.start(writers);
      await pause(2_000);
      cluster.restart();
      const back = Date.now();
      await pause(WINDOW_MS);
      await load.stop();
      expect(exitReport(api)).toBe('running');
      expect(load.acknowledgedBetween(back, Date.now()), 'writes acknowledged after the restart').toBeGreaterThan(0);
      expectCleanRefusals(load);
      await expectNothingLostOrDoubled(load, databaseUrl, 'restart');
    } finally {
      await load.stop();
      await api.stop();
    }
  }, 180_000);
});
