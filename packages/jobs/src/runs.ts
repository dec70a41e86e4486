/**
 * The run history (the `job_runs` table is both the queue and the history) and the per-region schedule
 * switches (`job_schedules`), as small queries the runner, the GraphQL layer and the CLI share.
 */
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { jobRuns, jobSchedules, type Db, type JobRunStatus } from '@weixi/db';

export type JobRunRecord = typeof jobRuns.$inferSelect;

export interface JobRunFilter {
  pluginId?: string;
  jobId?: string;
  regionId?: number;
  status?: JobRunStatus | JobRunStatus[];
  /** Keyset cursor: only runs with an id below this one (pass the last id of the previous page). */
  before?: number;
  /** Page size, default 50, at most 500. */
  limit?: number;
}

export const MAX_RUNS_PAGE = 500;

/** Runs matching `filter`, newest first (by id), one keyset page. */
export async function listJobRuns(db: Db, filter: JobRunFilter = {}): Promise<JobRunRecord[]> {
  const where: SQL[] = [];
  if (filter.pluginId !== undefined) where.push(eq(jobRuns.pluginId, filter.pluginId));
  if (filter.jobId !== undefined) where.push(eq(jobRuns.jobId, filter.jobId));
  if (filter.regionId !== undefined) where.push(eq(jobRuns.regionId, filter.regionId));
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    if (statuses.length === 0) return [];
    where.push(inArray(jobRuns.status, statuses));
  }
  if (filter.before !== undefined) where.push(lt(jobRuns.id, filter.before));
  const limit = Math.max(1, Math.min(MAX_RUNS_PAGE, Math.floor(filter.limit ?? 50)));
  return db
    .select()
    .from(jobRuns)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(jobRuns.id))
    .limit(limit);
}

/** One run by id. */
export async function getJobRun(db: Db, id: number): Promise<JobRunRecord | undefined> {
  const [row] = await db.select().from(jobRuns).where(eq(jobRuns.id, id));
  return row;
}

/** Queues a manual run for now; returns its id. Manual runs are not slots: any number may exist. */
export async function enqueueManualRun(
  db: Db,
  run: { pluginId: string; jobId: string; regionId: number; now: Date; maxAttempts?: number },
): Promise<number> {
  const [row] = await db
    .insert(jobRuns)
    .values({
      pluginId: run.pluginId,
      jobId: run.jobId,
      regionId: run.regionId,
      trigger: 'manual',
      scheduledFor: run.now,
      runAfter: run.now,
      maxAttempts: run.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    })
    .returning({ id: jobRuns.id });
  return row!.id;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Cancels a plugin's queued runs outside `keepRegionIds` (all of them when null), with `reason` as their
 * error: a run queued before its plugin was disabled there, or failed, never runs later. Returns the count.
 */
export async function cancelQueuedRuns(
  db: Db,
  cancel: { pluginId: string; keepRegionIds: readonly number[] | null; reason: string; now: Date },
): Promise<number> {
  const rows = await db
    .update(jobRuns)
    .set({ status: 'cancelled', error: `cancelled: ${cancel.reason}`, finishedAt: cancel.now })
    .where(
      and(
        eq(jobRuns.pluginId, cancel.pluginId),
        eq(jobRuns.status, 'queued'),
        cancel.keepRegionIds === null ? undefined : sql`not (${jobRuns.regionId} = any(${`{${cancel.keepRegionIds.join(',')}}`}::int[]))`,
      ),
    )
    .returning({ id: jobRuns.id });
  return rows.length;
}

/** Pauses or resumes a job's schedule in a region (creating its schedule row if needed). */
export async function setSchedulePaused(db: Db, key: { pluginId: string; jobId: string; regionId: number }, paused: boolean): Promise<void> {
  await db
    .insert(jobSchedules)
    .values({ ...key, paused })
    .onConflictDoUpdate({ target: [jobSchedules.pluginId, jobSchedules.jobId, jobSchedules.regionId], set: { paused } });
}

export type JobScheduleRecord = typeof jobSchedules.$inferSelect;

/** The schedule rows of one job (all regions that have one). */
export async function listJobSchedules(db: Db, pluginId: string, jobId: string): Promise<JobScheduleRecord[]> {
  return db
    .select()
    .from(jobSchedules)
    .where(and(eq(jobSchedules.pluginId, pluginId), eq(jobSchedules.jobId, jobId)));
}
