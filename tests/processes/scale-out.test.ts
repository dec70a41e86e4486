/**
 * Scale-out on one PostgreSQL database, with real processes: two API servers with jobs off
 * (`WEIXI_JOBS=off`, sharing their rate-limit buckets in Redis through `REDIS_URL`) and two `weixi worker`s.
 * A plugin enabled through one API serves on the other within a second; each cron slot runs once, on a
 * worker; a worker killed with SIGKILL mid-run has its run taken over by the other; the rate limit holds
 * across both APIs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApiKey } from '@weixi/core/access';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { graphqlHttpClient, type GraphQLHttpClient } from '@weixi/testing';
import { insertTestRegions } from '../api/harness.js';
import { killAll, TWO_NANJING_CUSTOMERS, within } from './api-process.js';

const onPostgres = testDatabaseKind() === 'postgres';
const root = fileURLToPath(new URL('../..', import.meta.url));
const plugin = fileURLToPath(new URL('../plugins/fixtures/regional', import.meta.url));
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The rate limit both APIs share: a burst of 12, then 1 a second. */
const BURST = 12;

interface Proc {
  name: string;
  child: ChildProcess;
  logs(): string;
  exited: Promise<unknown>;
}
interface Api extends Proc {
  url: string;
  api: GraphQLHttpClient;
}

let database: TestDatabase;
let adminKey: string;
/** Keys of this run's buckets start with it, so runs never share Redis state. */
const prefix = `weixi-test-${process.pid}-${Date.now()}:`;
const procs: Proc[] = [];

const redis = await reachable(redisUrl);

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Spawns node on a TypeScript entry (so the pid is the process's own) and waits for `ready` on stdout. */
async function spawnProcess(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Proc & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database.url, WEIXI_DATA_DIR: undefined, WEIXI_DEMO_CUSTOMERS: '0', WEIXI_LOG_LEVEL: 'info', WEIXI_PLUGINS: plugin, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const proc = { name, child, logs: () => stderr, exited };
  procs.push(proc);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name}: not ready within 120 s; stderr: ${stderr}`)), 120_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}; stderr: ${stderr}`)));
  });
  return { ...proc, match };
}

async function startApi(name: string): Promise<Api> {
  const env = { PORT: '0', WEIXI_JOBS: 'off', WEIXI_RATE_LIMIT_PER_MINUTE: '60', WEIXI_RATE_LIMIT_BURST: String(BURST), REDIS_URL: redis ? redisUrl : '', WEIXI_REDIS_PREFIX: prefix };
  const p = await spawnProcess(name, ['api/src/main.ts'], env, /GraphiQL: (http:\/\/\S+)/);
  return { ...p, url: p.match[1]!, api: graphqlHttpClient(p.match[1]!, adminKey) };
}

/** A worker, with its /metrics on a port of its own. */
async function startWorkerProcess(name: string): Promise<Proc & { metrics: string }> {
  const p = await spawnProcess(name, [join('packages/cli/src/main.ts'), 'worker', '--port', '0'], {}, /Weixi worker running.*; metrics: (http:\/\/\S+)\n/);
  return { ...p, metrics: p.match[1]! };
}

const CANDIDATES = `query ($region: String!) { regional_candidates(regionCode: $region) }`;
const pidIn = (worker: string | undefined, proc: Proc) => worker?.includes(`:${proc.child.pid}:`) ?? false;

let a: Api;
let b: Api;
let w1: Proc & { metrics: string };
let w2: Proc & { metrics: string };

describe.skipIf(!onPostgres)('scale-out: two APIs with jobs off and two workers on one PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    await insertTestRegions(database);
    adminKey = (await createApiKey(database.db, { role: 'admin', name: 'scale-out test' })).key;
    [a, b, w1, w2] = await Promise.all([startApi('A'), startApi('B'), startWorkerProcess('W1'), startWorkerProcess('W2')]);
    await a.api.ok(TWO_NANJING_CUSTOMERS);
  }, 240_000);

  afterAll(async () => {
    await killAll(procs);
    await database?.close();
  });

  it('a plugin enabled through A serves on B within a second', { timeout: 30_000 }, async () => {
    expect((await b.api.gql(CANDIDATES, { region: 'JS-NJ' })).errors).toBeDefined();
    await a.api.ok(`mutation { enablePlugin(id: "regional", regionCode: "JS-NJ") { plugin { status } } }`);
    const ms = await within('B serves the field', 5_000, async () => (await b.api.gql(CANDIDATES, { region: 'JS-NJ' })).data?.regional_candidates != null);
    expect(ms).toBeLessThan(1_000);
  });

  it('each cron slot runs once, on a worker, never on an API with jobs off', { timeout: 150_000 }, async () => {
    const slots = () =>
      database.rows<{ slot: string; runs: number; workers: string[] }>(
        sql`select scheduled_for::text as slot, count(*)::int as runs, array_agg(worker_id) as workers from job_runs
            where plugin_id = 'regional' and trigger = 'schedule' group by scheduled_for order by scheduled_for`,
      );
    // The slot current at enabling, and the next minute's.
    await within('two cron slots succeed', 130_000, async () => {
      const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from job_runs where plugin_id = 'regional' and trigger = 'schedule' and status = 'succeeded'`);
      return row!.n >= 2;
    });
    const rows = await slots();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.runs, `slot ${row.slot}`).toBe(1);
      expect(pidIn(row.workers[0], w1) || pidIn(row.workers[0], w2), `slot ${row.slot} ran on ${row.workers[0]}`).toBe(true);
    }
    const [onApis] = await database.rows<{ n: number }>(
      sql`select count(*)::int as n from job_runs where worker_id like ${`%:${a.child.pid}:%`} or worker_id like ${`%:${b.child.pid}:%`}`,
    );
    expect(onApis!.n).toBe(0);
    // Each worker counts the runs it ran: together, every succeeded slot.
    const counted = async (w: { metrics: string }) => {
      const text = await (await fetch(w.metrics)).text();
      const line = text.split('\n').find((l) => l.startsWith('weixi_job_runs_total{plugin="regional",job="open-tasks",outcome="succeeded"}'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const [succeeded] = await database.rows<{ n: number }>(sql`select count(*)::int as n from job_runs where plugin_id = 'regional' and status = 'succeeded'`);
    expect((await counted(w1)) + (await counted(w2))).toBe(succeeded!.n);
  });

  it('a worker killed with SIGKILL mid-run: the other takes the run over once its lease lapses', { timeout: 120_000 }, async () => {
    await a.api.ok(`mutation { updatePluginSettings(id: "regional", regionCode: "JS-NJ", settings: { steps: 20, stepMs: 300 }) { plugin { id } } }`);
    // Two six-second runs: each worker runs one at a time, so both are busy.
    for (let i = 0; i < 2; i++) await b.api.ok(`mutation { runJob(pluginId: "regional", jobId: "open-tasks", regionCode: "JS-NJ") { run { id } } }`);
    let runId = 0;
    await within('W1 runs a job', 30_000, async () => {
      const [row] = await database.rows<{ id: number }>(
        sql`select id from job_runs where plugin_id = 'regional' and status = 'running' and worker_id like ${`%:${w1.child.pid}:%`} and progress > 0 limit 1`,
      );
      runId = row?.id ?? 0;
      return runId > 0;
    });
    w1.child.kill('SIGKILL');
    await w1.exited;
    await within('W2 finishes the run', 90_000, async () => {
      const [run] = await database.rows<{ status: string }>(sql`select status from job_runs where id = ${runId}`);
      return run?.status === 'succeeded';
    });
    const [run] = await database.rows<{ attempt: number; worker: string }>(sql`select attempt, worker_id as worker from job_runs where id = ${runId}`);
    expect(run!.attempt).toBe(2);
    expect(pidIn(run!.worker, w2)).toBe(true);
  });

  it.skipIf(!redis && !process.env.WEIXI_REQUIRE_REDIS)('the rate limit holds across both APIs (buckets in Redis)', { timeout: 30_000 }, async () => {
    expect(redis, `Redis at ${redisUrl} is not reachable`).toBe(true);
    const key = (await createApiKey(database.db, { role: 'admin', name: 'rate limited' })).key;
    const clients = [graphqlHttpClient(a.url, key), graphqlHttpClient(b.url, key)];
    const codes: string[] = [];
    for (let i = 0; i < BURST + 4; i++) {
      const r = await clients[i % 2]!.gql(`{ __typename }`);
      codes.push((r.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK');
    }
    // One bucket for both: the burst, then refusals (a token or so refills during the requests).
    const ok = codes.filter((c) => c === 'OK').length;
    expect(ok).toBeGreaterThanOrEqual(BURST);
    expect(ok).toBeLessThanOrEqual(BURST + 1);
    expect(codes.slice(-2)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});
