/**
 * Many instances, real processes, real PostgreSQL: two schedulers race for the same slots, and a worker
 * killed with SIGKILL halfway through a run has it taken over once its lease expires.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { jobRuns, queryRows, regions } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { createJobRunner } from './runner.js';
import { enqueueManualRun, getJobRun } from './runs.js';
import { createEffectTable, EFFECT_JOB, EFFECT_PLUGIN, EFFECT_STEPS, effectHandler, RACE_JOB, RACE_PLUGIN } from './testing/fixtures.js';

const onPostgres = testDatabaseKind() === 'postgres';
const script = fileURLToPath(new URL('./testing/job-process.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let regionId: number;
const children = new Set<ChildProcess>();

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function spawnRunner(env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, WEIXI_JOBS_URL: database.url!, WEIXI_JOBS_REGION: String(regionId), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!onPostgres)('across processes (PostgreSQL)', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const [region] = await database.db.insert(regions).values({ code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' }).returning();
    regionId = region!.id;
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await database?.close();
  });

  it('two processes ticking the same cron slots enqueue each slot exactly once', { timeout: 15_000 }, async () => {
    const slots = 12;
    const env = { WEIXI_JOBS_MODE: 'tick', WEIXI_JOBS_NOW: '2026-07-01T00:00:00Z', WEIXI_JOBS_SLOTS: String(slots), WEIXI_JOBS_START_AT: String(Date.now() + 2_500) };
    const results = await Promise.all([spawnRunner(env).exited, spawnRunner(env).exited]);
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    // Each process decided to enqueue only the slots it won: the decisions add up to one per slot.
    const decisions = results.flatMap((result) => result.stdout.split('\n').filter((line) => line.startsWith('enqueued ')));
    expect(decisions).toHaveLength(slots);
    expect(new Set(decisions).size).toBe(slots);

    const rows = await queryRows<{ slot: string; n: number }>(
      database.db,
      sql`select to_char(scheduled_for at time zone 'UTC', 'HH24:MI') as slot, count(*)::int as n
          from job_runs where plugin_id = ${RACE_PLUGIN} and job_id = ${RACE_JOB} group by 1 order by 1`,
    );
    expect(rows).toHaveLength(slots);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    expect(rows[0]!.slot).toBe('00:00');
  });

  it('takes over the run of a worker killed mid-job after its lease expires, and completes it once', { timeout: 15_000 }, async () => {
    await createEffectTable(database.db);
    const runId = await enqueueManualRun(database.db, { pluginId: EFFECT_PLUGIN, jobId: EFFECT_JOB, regionId, now: new Date() });
    const leaseMs = 1_500;
    const { child, exited } = spawnRunner({ WEIXI_JOBS_MODE: 'work', WEIXI_JOBS_LEASE_MS: String(leaseMs), WEIXI_JOBS_STEP_MS: '400' });

    // Kill it once two of the five steps are written and reported.
    const midway = await waitFor(
      'the child to be midway',
      async () => {
        const run = await getJobRun(database.db, runId);
        return run?.status === 'running' && run.progress >= 0.4 ? run : undefined;
      },
      10_000,
    );
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    expect(midway).toMatchObject({ attempt: 1 });
    expect(midway.progress).toBeLessThan(1);
    const childWorker = midway.workerId!;

    const runner = createJobRunner({
      database,
      clock: { now: () => new Date() },
      workerId: 'survivor',
      leaseMs,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      regionsFor: async () => [],
    });
    runner.register(EFFECT_PLUGIN, { id: EFFECT_JOB }, effectHandler(database.db, { worker: 'survivor', stepMs: 10 }));
    let takenOverAt = 0;
    await waitFor(
      'the takeover',
      async () => {
        if ((await runner.work()) > 0) takenOverAt = Date.now();
        return takenOverAt || undefined;
      },
      leaseMs + 5_000,
    );
    expect(takenOverAt - killedAt).toBeLessThan(leaseMs + 1_000);

    const run = await getJobRun(database.db, runId);
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2, workerId: 'survivor', progress: 1 });
    const effects = await queryRows<{ step: number; worker: string }>(database.db, sql`select step, worker from job_test_effects order by step`);
    expect(effects.map((e) => e.step)).toEqual(Array.from({ length: EFFECT_STEPS }, (_, i) => i + 1));
    expect(effects[0]!.worker).toBe(childWorker);
    expect(effects.at(-1)!.worker).toBe('survivor');
    const [{ n } = { n: -1 }] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from job_runs where plugin_id = ${EFFECT_PLUGIN} and status <> 'succeeded'`,
    );
    expect(n).toBe(0);
    expect(await database.db.select().from(jobRuns).where(and(eq(jobRuns.pluginId, EFFECT_PLUGIN), eq(jobRuns.jobId, EFFECT_JOB)))).toHaveLength(1);
  });
});
