import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { jobRuns, jobSchedules, regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import type { JobRun } from '@weixi/sdk';
import { createJobRunner, type JobBatch, type JobRunnerOptions } from './runner.js';
import { enqueueManualRun, getJobRun } from './runs.js';

let database: TestDatabase;
let shanghai: { regionId: number; code: string; timeZone: string };
let utc: { regionId: number; code: string; timeZone: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const [js] = await database.db.insert(regions).values({ code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' }).returning();
  const [uk] = await database.db.insert(regions).values({ code: 'UK', name: 'Test UTC', level: 'province', timeZone: 'UTC', path: '/UK/' }).returning();
  shanghai = { regionId: js!.id, code: js!.code, timeZone: js!.timeZone };
  utc = { regionId: uk!.id, code: uk!.code, timeZone: uk!.timeZone };
});
afterAll(() => database?.close());

function fakeClock(iso: string) {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (at: string) => void (t = new Date(at).getTime()),
    advance: (ms: number) => void (t += ms),
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function runner(clock: { now(): Date }, extra: Partial<JobRunnerOptions> = {}) {
  return createJobRunner({ database, clock, logger: silent, regionsFor: async () => [shanghai, utc], ...extra });
}

const runsOf = (pluginId: string) => database.db.select().from(jobRuns).where(eq(jobRuns.pluginId, pluginId)).orderBy(jobRuns.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduling in the region time zone', () => {
  it('fires 0 9 * * * at 09:00 Shanghai (01:00Z), and at 09:00Z in a UTC region', async () => {
    const clock = fakeClock('2026-03-10T00:59:30Z');
    const jobs = runner(clock);
    const seen: JobRun[] = [];
    jobs.register('tz', { id: 'daily', cron: '0 9 * * *' }, async (run) => void seen.push(run));

    await jobs.tick(); // first sight, yesterday's slots are hours old: recorded, not run
    expect(await runsOf('tz')).toHaveLength(0);
    const schedules = await database.db.select().from(jobSchedules).where(eq(jobSchedules.pluginId, 'tz')).orderBy(jobSchedules.regionId);
    expect(schedules.map((s) => s.lastSlot?.toISOString())).toEqual(['2026-03-09T01:00:00.000Z', '2026-03-09T09:00:00.000Z']);

    clock.set('2026-03-10T00:59:59Z');
    await jobs.tick();
    expect(await runsOf('tz')).toHaveLength(0);

    clock.set('2026-03-10T01:00:00Z');
    await jobs.tick();
    await jobs.tick();
    clock.advance(30_000);
    await jobs.tick();
    const [run, ...others] = await runsOf('tz');
    expect(others).toHaveLength(0);
    expect(run).toMatchObject({ regionId: shanghai.regionId, trigger: 'schedule', status: 'queued', attempt: 0 });
    expect(run!.scheduledFor.toISOString()).toBe('2026-03-10T01:00:00.000Z');

    expect(await jobs.work()).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ runId: run!.id, jobId: 'daily', regionCode: 'JS', attempt: 1 });
    expect(seen[0]!.scheduledFor.toISOString()).toBe('2026-03-10T01:00:00.000Z');
    const done = await getJobRun(database.db, run!.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, attempt: 1, leaseUntil: null, error: null });
    expect(done!.finishedAt?.toISOString()).toBe('2026-03-10T01:00:30.000Z');

    clock.set('2026-03-10T09:00:05Z');
    await jobs.tick();
    const all = await runsOf('tz');
    expect(all.map((r) => [r.regionId, r.scheduledFor.toISOString()])).toEqual([
      [shanghai.regionId, '2026-03-10T01:00:00.000Z'],
      [utc.regionId, '2026-03-10T09:00:00.000Z'],
    ]);
  });

  it('runs a schedule seen for the first time only within the minute of its slot', async () => {
    const clock = fakeClock('2026-03-10T01:00:20Z');
    const jobs = runner(clock, { regionsFor: async () => [shanghai] });
    jobs.register('first', { id: 'daily', cron: '0 9 * * *' }, async () => {});
    await jobs.tick();
    expect((await runsOf('first')).map((r) => r.scheduledFor.toISOString())).toEqual(['2026-03-10T01:00:00.000Z']);

    const late = fakeClock('2026-03-10T01:01:00Z');
    const other = runner(late, { regionsFor: async () => [shanghai] });
    other.register('first-late', { id: 'daily', cron: '0 9 * * *' }, async () => {});
    await other.tick();
    expect(await runsOf('first-late')).toHaveLength(0);
  });

  it('enqueues one run after downtime of several slots, not a storm', async () => {
    const clock = fakeClock('2026-03-10T02:00:00Z');
    const jobs = runner(clock, { regionsFor: async () => [shanghai] });
    let calls = 0;
    jobs.register('storm', { id: 'hourly', cron: '0 * * * *' }, async () => void calls++);
    await jobs.tick();
    expect(await jobs.work()).toBe(1);

    clock.set('2026-03-10T07:10:00Z'); // five hourly slots passed while nothing ran
    for (let i = 0; i < 3; i++) await jobs.tick();
    const runs = await runsOf('storm');
    expect(runs.map((r) => r.scheduledFor.toISOString())).toEqual(['2026-03-10T02:00:00.000Z', '2026-03-10T07:00:00.000Z']);
    expect(await jobs.work()).toBe(1);
    expect(calls).toBe(2);
    expect(await jobs.work()).toBe(0);
  });

  it('rejects a cron that is not five fields', () => {
    const jobs = runner(fakeClock('2026-03-10T00:00:00Z'));
    expect(() => jobs.register('bad', { id: 'x', cron: '0 0 9 * * *' }, async () => {})).toThrow(/five fields/);
    expect(() => jobs.register('bad', { id: 'y', cron: '0 25 * * *' }, async () => {})).toThrow(/invalid/);
  });
});

describe('retries', () => {
  it('retries with exponential backoff, then fails for good with the error stored; progress shows while running', async () => {
    const clock = fakeClock('2026-04-01T00:00:00Z');
    const jobs = runner(clock, { leaseMs: 20_000, backoff: { baseMs: 10_000, maxMs: 600_000 } });
    const whileRunning: Array<typeof jobRuns.$inferSelect> = [];
    jobs.register('retry', { id: 'flaky', maxAttempts: 3 }, async (run) => {
      await run.progress(0.5, 'halfway');
      whileRunning.push((await getJobRun(database.db, run.runId))!);
      throw new Error(`boom ${run.attempt}`);
    });
    const id = await jobs.runNow('retry', 'flaky', shanghai.regionId);

    expect(await jobs.work()).toBe(1);
    expect(whileRunning[0]).toMatchObject({ status: 'running', progress: 0.5, progressMessage: 'halfway', attempt: 1, workerId: jobs.workerId });
    expect(whileRunning[0]!.leaseUntil?.toISOString()).toBe('2026-04-01T00:00:20.000Z');
    let row = await getJobRun(database.db, id);
    expect(row).toMatchObject({ status: 'queued', attempt: 1, error: 'Error: boom 1', leaseUntil: null });
    expect(row!.runAfter.toISOString()).toBe('2026-04-01T00:00:10.000Z');

    expect(await jobs.work()).toBe(0); // not due before its backoff
    clock.advance(10_000);
    expect(await jobs.work()).toBe(1);
    row = await getJobRun(database.db, id);
    expect(row).toMatchObject({ status: 'queued', attempt: 2, error: 'Error: boom 2' });
    expect(row!.runAfter.toISOString()).toBe('2026-04-01T00:00:30.000Z'); // 10 s + 20 s

    clock.advance(19_000);
    expect(await jobs.work()).toBe(0);
    clock.advance(1_000);
    expect(await jobs.work()).toBe(1);
    row = await getJobRun(database.db, id);
    expect(row).toMatchObject({ status: 'failed', attempt: 3, error: 'Error: boom 3', leaseUntil: null });
    expect(row!.finishedAt?.toISOString()).toBe('2026-04-01T00:00:30.000Z');

    clock.advance(3_600_000);
    expect(await jobs.work()).toBe(0);
  });

  it('takes over a run whose lease expired, and fences the worker that lost it', async () => {
    const clock = fakeClock('2026-04-02T00:00:00Z');
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const a = runner(clock, { leaseMs: 30_000, workerId: 'a' });
    const b = runner(clock, { leaseMs: 30_000, workerId: 'b' });
    let aSignal: AbortSignal | undefined;
    let aProgressError: unknown;
    a.register('takeover', { id: 'slow' }, async (run) => {
      aSignal = run.signal;
      await hung;
      await run.progress(0.9).catch((error: unknown) => (aProgressError = error));
    });
    const attempts: number[] = [];
    b.register('takeover', { id: 'slow' }, async (run) => void attempts.push(run.attempt));
    const id = await a.runNow('takeover', 'slow', shanghai.regionId);

    const aWork = a.work();
    for (let i = 0; i < 100 && (await getJobRun(database.db, id))!.status !== 'running'; i++) await sleep(10);
    expect(await b.work()).toBe(0); // the lease holds
    clock.advance(30_001);
    expect(await b.work()).toBe(1);
    expect(attempts).toEqual([2]);
    release();
    expect(await aWork).toBe(1);
    expect(aSignal?.aborted).toBe(true);
    expect(String(aProgressError)).toMatch(/lost its lease/);
    expect(await getJobRun(database.db, id)).toMatchObject({ status: 'succeeded', attempt: 2, workerId: 'b' });
  });
});

describe('pause, resume, runNow, runs', () => {
  it('skips slots while paused and resumes at the next slot', async () => {
    const clock = fakeClock('2026-05-01T00:00:00Z');
    const jobs = runner(clock, { regionsFor: async () => [shanghai] });
    jobs.register('pause', { id: 'hourly', cron: '0 * * * *' }, async () => {});
    await jobs.tick();
    expect(await runsOf('pause')).toHaveLength(1);

    await jobs.pause('pause', 'hourly', shanghai.regionId);
    clock.set('2026-05-01T01:00:00Z');
    await jobs.tick();
    clock.set('2026-05-01T02:30:00Z');
    await jobs.tick();
    expect(await runsOf('pause')).toHaveLength(1);
    const [schedule] = await database.db
      .select()
      .from(jobSchedules)
      .where(and(eq(jobSchedules.pluginId, 'pause'), eq(jobSchedules.regionId, shanghai.regionId)));
    expect(schedule).toMatchObject({ paused: true });
    expect(schedule!.lastSlot?.toISOString()).toBe('2026-05-01T02:00:00.000Z');

    await jobs.resume('pause', 'hourly', shanghai.regionId);
    await jobs.tick();
    expect(await runsOf('pause')).toHaveLength(1);
    clock.set('2026-05-01T03:00:00Z');
    await jobs.tick();
    expect((await runsOf('pause')).map((r) => r.scheduledFor.toISOString())).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T03:00:00.000Z']);
  });

  it('runNow queues a manual run (also while paused) that work() executes', async () => {
    const clock = fakeClock('2026-05-02T10:00:00Z');
    const jobs = runner(clock);
    const seen: JobRun[] = [];
    jobs.register('manual', { id: 'adhoc' }, async (run) => void seen.push(run));
    await jobs.pause('manual', 'adhoc', utc.regionId);
    const first = await jobs.runNow('manual', 'adhoc', utc.regionId);
    const second = await jobs.runNow('manual', 'adhoc', utc.regionId);
    expect(second).toBeGreaterThan(first);
    expect(await getJobRun(database.db, first)).toMatchObject({ trigger: 'manual', status: 'queued', maxAttempts: 3 });
    expect((await getJobRun(database.db, first))!.scheduledFor.toISOString()).toBe('2026-05-02T10:00:00.000Z');
    expect(await jobs.work()).toBe(2);
    expect(seen.map((r) => [r.runId, r.regionCode])).toEqual([
      [first, 'UK'],
      [second, 'UK'],
    ]);
  });

  it('leaves a run of a job this process does not have queued', async () => {
    const jobs = runner(fakeClock('2026-05-03T00:00:00Z'));
    jobs.register('other', { id: 'known' }, async () => {});
    const id = await jobs.runNow('other', 'unknown', shanghai.regionId);
    expect(await jobs.work()).toBe(0);
    expect(await getJobRun(database.db, id)).toMatchObject({ status: 'queued', attempt: 0, workerId: null });
  });

  it('lists runs by plugin, job, region and status, newest first, keyset by id', async () => {
    const clock = fakeClock('2026-05-04T00:00:00Z');
    const jobs = runner(clock);
    jobs.register('list', { id: 'a' }, async () => {});
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await jobs.runNow('list', 'a', i % 2 ? utc.regionId : shanghai.regionId));
    await jobs.runNow('list', 'b', shanghai.regionId);
    await jobs.work();
    expect((await jobs.runs({ pluginId: 'list', jobId: 'a' })).map((r) => r.id)).toEqual([...ids].reverse());
    const page1 = await jobs.runs({ pluginId: 'list', jobId: 'a', limit: 2 });
    const page2 = await jobs.runs({ pluginId: 'list', jobId: 'a', limit: 2, before: page1.at(-1)!.id });
    expect([...page1, ...page2].map((r) => r.id)).toEqual(ids.slice(1).reverse());
    expect((await jobs.runs({ pluginId: 'list', regionId: utc.regionId })).map((r) => r.id)).toEqual([ids[3], ids[1]]);
    expect((await jobs.runs({ pluginId: 'list', status: 'queued' })).map((r) => r.jobId)).toEqual(['b']);
    expect(await jobs.runs({ pluginId: 'list', status: ['succeeded', 'failed'] })).toHaveLength(5);
    expect(await jobs.runs({ pluginId: 'list', status: [] })).toEqual([]);
  });
});

describe('the loop', () => {
  it('does nothing until start(): constructing and registering fires nothing', async () => {
    const clock = fakeClock('2026-06-01T00:00:00Z'); // exactly on a slot: a started runner would run it
    let regionsAsked = 0;
    const calls: number[] = [];
    const jobs = runner(clock, { pollMs: 10, regionsFor: async () => (regionsAsked++, [shanghai]) });
    jobs.register('idle', { id: 'minutely', cron: '* * * * *' }, async (run) => void calls.push(run.runId));
    const manual = await enqueueManualRun(database.db, { pluginId: 'idle', jobId: 'minutely', regionId: shanghai.regionId, now: clock.now() });
    await sleep(150);
    expect(jobs.started).toBe(false);
    expect(regionsAsked).toBe(0);
    expect(calls).toEqual([]);
    expect(await runsOf('idle')).toHaveLength(1);

    jobs.start();
    for (let i = 0; i < 200 && calls.length < 2; i++) await sleep(10);
    await jobs.stop();
    expect(jobs.started).toBe(false);
    expect(calls).toContain(manual);
    expect(calls).toHaveLength(2);
    expect(regionsAsked).toBeGreaterThan(0);
  });

  it('stop() waits for a run in flight, or aborts it and gives it back to the queue', async () => {
    const clock = fakeClock('2026-06-02T00:00:00Z');
    const jobs = runner(clock, { pollMs: 10 });
    let started = 0;
    jobs.register('stop', { id: 'short' }, async () => {
      started++;
      await sleep(100);
    });
    jobs.register('stop', { id: 'endless' }, async (run) => {
      started++;
      await new Promise((_, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason as Error)));
    });
    const short = await jobs.runNow('stop', 'short', shanghai.regionId);
    jobs.start();
    for (let i = 0; i < 200 && started < 1; i++) await sleep(5);
    await jobs.stop({ graceMs: 5_000 });
    expect(await getJobRun(database.db, short)).toMatchObject({ status: 'succeeded' });

    const endless = await jobs.runNow('stop', 'endless', shanghai.regionId);
    jobs.start();
    for (let i = 0; i < 200 && started < 2; i++) await sleep(5);
    await jobs.stop({ graceMs: 50 });
    expect(await getJobRun(database.db, endless)).toMatchObject({ status: 'queued', attempt: 0, workerId: null, leaseUntil: null });
  });

  it('dispose() stops executing the job and aborts its run in flight', async () => {
    const clock = fakeClock('2026-06-03T00:00:00Z');
    const jobs = runner(clock);
    let signal: AbortSignal | undefined;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const registration = jobs.register('dispose', { id: 'long' }, async (run) => {
      signal = run.signal;
      entered();
      await new Promise((_, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason as Error)));
    });
    const id = await jobs.runNow('dispose', 'long', shanghai.regionId);
    const working = jobs.work();
    await inside;
    registration.dispose();
    expect(await working).toBe(1);
    expect(signal?.aborted).toBe(true);
    expect(await getJobRun(database.db, id)).toMatchObject({ status: 'queued', attempt: 0 });
    expect(await jobs.work()).toBe(0);
    jobs.register('dispose', { id: 'long' }, async () => {});
    expect(await jobs.work()).toBe(1);
    expect(await getJobRun(database.db, id)).toMatchObject({ status: 'succeeded', attempt: 1 });
  });
});

describe('batches', () => {
  it('claims the due runs of every job of a batch key together; each run keeps its own outcome', async () => {
    const clock = fakeClock('2026-06-04T00:00:00Z');
    const jobs = runner(clock);
    const batches: string[][] = [];
    const alone: string[] = [];
    const batch: JobBatch = {
      key: 'together',
      run: async (runs) => {
        batches.push(runs.map(({ pluginId, run }) => `${pluginId}/${run.jobId}@${run.regionCode}`));
        return runs.map(({ run }) => (run.jobId === 'bad' ? new Error('bad definition') : undefined));
      },
    };
    jobs.register('batch-a', { id: 'one' }, async (run) => void alone.push(run.jobId), batch);
    jobs.register('batch-a', { id: 'bad' }, async (run) => void alone.push(run.jobId), batch);
    jobs.register('batch-b', { id: 'two' }, async (run) => void alone.push(run.jobId), batch);
    jobs.register('batch-b', { id: 'single' }, async (run) => void alone.push(run.jobId));
    const ids = [
      await jobs.runNow('batch-a', 'one', shanghai.regionId),
      await jobs.runNow('batch-b', 'two', utc.regionId),
      await jobs.runNow('batch-b', 'single', shanghai.regionId),
      await jobs.runNow('batch-a', 'bad', shanghai.regionId),
    ];
    expect(await jobs.work()).toBe(4);
    expect(batches).toEqual([['batch-a/one@JS', 'batch-b/two@UK', 'batch-a/bad@JS']]);
    expect(alone).toEqual(['single']);
    const runs = await Promise.all(ids.map((id) => getJobRun(database.db, id)));
    expect(runs.map((r) => [r!.jobId, r!.status, r!.attempt])).toEqual([['one', 'succeeded', 1], ['two', 'succeeded', 1], ['single', 'succeeded', 1], ['bad', 'queued', 1]]);
    expect(runs[3]!.error).toBe('Error: bad definition');

    // A lone due run of a batched job goes through its own handler.
    clock.advance(3_600_000);
    expect(await jobs.work()).toBe(1);
    expect(alone).toEqual(['single', 'bad']);
    expect(await getJobRun(database.db, ids[3]!)).toMatchObject({ status: 'succeeded', attempt: 2 });
  });

  it('cancels a refused run of a batch and runs the others', async () => {
    const clock = fakeClock('2026-06-05T00:00:00Z');
    const jobs = runner(clock, { refuse: async (run) => (run.regionCode === 'UK' ? 'not enabled in UK' : null) });
    const seen: string[] = [];
    const batch: JobBatch = { key: 'refusing', run: async (runs) => runs.map(({ run }) => void seen.push(`${run.jobId}@${run.regionCode}`)) };
    jobs.register('batch-c', { id: 'x' }, async (run) => void seen.push(`alone ${run.jobId}@${run.regionCode}`), batch);
    jobs.register('batch-c', { id: 'y' }, async (run) => void seen.push(`alone ${run.jobId}@${run.regionCode}`), batch);
    const ids = [await jobs.runNow('batch-c', 'x', shanghai.regionId), await jobs.runNow('batch-c', 'x', utc.regionId), await jobs.runNow('batch-c', 'y', shanghai.regionId)];
    expect(await jobs.work()).toBe(2);
    expect(seen).toEqual(['x@JS', 'y@JS']);
    expect((await Promise.all(ids.map((id) => getJobRun(database.db, id)))).map((r) => r!.status)).toEqual(['succeeded', 'cancelled', 'succeeded']);
  });
});
