/**
 * The worker side of the queue: claim one due run (`FOR UPDATE SKIP LOCKED`, with a lease), renew the lease
 * while the handler runs, and record the outcome. Every write after the claim is fenced on
 * (id, worker_id, attempt, status = 'running'): a worker that lost its lease can no longer touch the row.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { jobRuns, type Db } from '@weixi/db';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';

/** A run this worker holds the lease of. */
export interface ClaimedRun {
  id: number;
  pluginId: string;
  jobId: string;
  regionId: number;
  regionCode: string;
  trigger: 'schedule' | 'manual';
  scheduledFor: Date;
  attempt: number;
  maxAttempts: number;
  leaseUntil: Date;
}

/** Identifies a claim: the fence every later write checks. */
export interface Lease {
  id: number;
  workerId: string;
  attempt: number;
}

const iso = (date: Date): SQL => sql`${date.toISOString()}::timestamptz`;
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

/**
 * Claims the oldest due run of one of `jobs` (queued and due, or running with an expired lease: a takeover),
 * or returns undefined. The claim counts as an attempt.
 */
export async function claimRun(
  db: Db,
  options: { workerId: string; now: Date; leaseMs: number; jobs: Array<{ pluginId: string; jobId: string }> },
): Promise<ClaimedRun | undefined> {
  if (options.jobs.length === 0) return undefined;
  const { now } = options;
  const registered = sql.join(options.jobs.map((j) => sql`(${j.pluginId}::text, ${j.jobId}::text)`), sql`, `);
  const due = sql`(select id from job_runs
    where (plugin_id, job_id) in (${registered})
      and ((status = 'queued' and run_after <= ${iso(now)}) or (status = 'running' and lease_until < ${iso(now)}))
    order by run_after, id
    limit 1
    for update skip locked)`;
  const [row] = await db
    .update(jobRuns)
    .set({
      status: 'running',
      workerId: options.workerId,
      leaseUntil: plus(now, options.leaseMs),
      attempt: sql`${jobRuns.attempt} + 1`,
      startedAt: now,
      finishedAt: null,
    })
    .where(eq(jobRuns.id, due))
    .returning({
      id: jobRuns.id,
      pluginId: jobRuns.pluginId,
      jobId: jobRuns.jobId,
      regionId: jobRuns.regionId,
      regionCode: sql<string>`(select code from regions where regions.id = ${jobRuns.regionId})`,
      trigger: jobRuns.trigger,
      scheduledFor: jobRuns.scheduledFor,
      attempt: jobRuns.attempt,
      maxAttempts: jobRuns.maxAttempts,
      leaseUntil: jobRuns.leaseUntil,
    });
  if (!row) return undefined;
  return { ...row, leaseUntil: row.leaseUntil! };
}

function fenced(lease: Lease): SQL {
  return and(
    eq(jobRuns.id, lease.id),
    eq(jobRuns.workerId, lease.workerId),
    eq(jobRuns.attempt, lease.attempt),
    eq(jobRuns.status, 'running'),
  )!;
}

/** Extends the lease (and records progress when given). False when the lease was lost. */
export async function renewLease(
  db: Db,
  lease: Lease,
  now: Date,
  leaseMs: number,
  progress?: { fraction: number; message?: string },
): Promise<boolean> {
  const set: Partial<typeof jobRuns.$inferInsert> = { leaseUntil: plus(now, leaseMs) };
  if (progress) {
    set.progress = Math.min(1, Math.max(0, Number.isFinite(progress.fraction) ? progress.fraction : 0));
    if (progress.message !== undefined) set.progressMessage = progress.message;
  }
  const rows = await db.update(jobRuns).set(set).where(fenced(lease)).returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** Extends the leases of a batch's runs in one statement; returns the ids whose lease was kept. */
export async function renewLeases(db: Db, leases: readonly Lease[], now: Date, leaseMs: number): Promise<Set<number>> {
  if (leases.length === 0) return new Set();
  const held = sql.join(leases.map((l) => sql`(${l.id}::int, ${l.workerId}::text, ${l.attempt}::int)`), sql`, `);
  const rows = await db
    .update(jobRuns)
    .set({ leaseUntil: plus(now, leaseMs) })
    .where(and(sql`(${jobRuns.id}, ${jobRuns.workerId}, ${jobRuns.attempt}) in (${held})`, eq(jobRuns.status, 'running')))
    .returning({ id: jobRuns.id });
  return new Set(rows.map((r) => r.id));
}

/** Marks the run succeeded. False when the lease had been lost. */
export async function completeRun(db: Db, lease: Lease, now: Date): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({ status: 'succeeded', progress: 1, finishedAt: now, leaseUntil: null, error: null })
    .where(fenced(lease))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/**
 * Records a failed attempt: queued again after a backoff while attempts remain, else failed for good.
 * Returns the new status, or undefined when the lease had been lost.
 */
export async function failRun(
  db: Db,
  lease: Lease,
  now: Date,
  error: string,
  backoff: BackoffOptions = {},
): Promise<'queued' | 'failed' | undefined> {
  const runAfter = plus(now, backoffDelayMs(lease.attempt, backoff));
  const rows = await db
    .update(jobRuns)
    .set({
      status: sql`case when ${jobRuns.attempt} >= ${jobRuns.maxAttempts} then 'failed' else 'queued' end`,
      error: error.slice(0, 4000),
      runAfter: sql`case when ${jobRuns.attempt} >= ${jobRuns.maxAttempts} then ${jobRuns.runAfter} else ${iso(runAfter)} end`,
      finishedAt: sql`case when ${jobRuns.attempt} >= ${jobRuns.maxAttempts} then ${iso(now)} else null end`,
      leaseUntil: null,
    })
    .where(fenced(lease))
    .returning({ status: jobRuns.status });
  const status = rows[0]?.status;
  return status === 'queued' || status === 'failed' ? status : undefined;
}

/**
 * Gives the run back without counting the attempt (this process stopped or dropped the job): queued, due now,
 * for any worker that has the job. False when the lease had been lost.
 */
export async function releaseRun(db: Db, lease: Lease, now: Date, reason: string): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({
      status: 'queued',
      attempt: sql`greatest(${jobRuns.attempt} - 1, 0)`,
      runAfter: now,
      leaseUntil: null,
      workerId: null,
      progressMessage: reason,
    })
    .where(fenced(lease))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** Fails a claimed run without running it (a takeover after the last attempt was lost with its worker). */
export async function abandonRun(db: Db, lease: Lease, now: Date, error: string): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({ status: 'failed', error, attempt: sql`${jobRuns.maxAttempts}`, finishedAt: now, leaseUntil: null })
    .where(fenced(lease))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** Cancels a claimed run without running it (its plugin is no longer enabled in its region). */
export async function cancelRun(db: Db, lease: Lease, now: Date, reason: string): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({ status: 'cancelled', error: `cancelled: ${reason}`, attempt: sql`greatest(${jobRuns.attempt} - 1, 0)`, finishedAt: now, leaseUntil: null })
    .where(fenced(lease))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** The text stored for a handler's error. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return String(error);
}
