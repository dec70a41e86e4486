/**
 * The scheduler step for one cron job: for each region, the latest slot at or before now in the region's
 * time zone is compared with `job_schedules.last_slot`; a newer slot is enqueued once (the slot is unique in
 * `job_runs`) and recorded, in one short transaction that locks the schedule row, so any number of
 * instances ticking at once enqueue it exactly once.
 *
 * Rules:
 * - Missed slots collapse: after downtime only the latest slot runs, once (no catch-up storm).
 * - First sight (no schedule row, or one without a last slot): the latest slot is enqueued only if it is
 *   less than `firstSightGraceMs` old (default 60 s: the slot's own minute); otherwise it is only recorded
 *   and the job first runs at its next slot. Enabling a daily 09:00 job at 15:00 does not fire it at 15:00.
 * - Paused: new slots are recorded without running, so resuming waits for the next slot.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { jobRuns, jobSchedules, type Db } from '@weixi/db';
import { isTimeZone, latestSlot } from './cron.js';

export interface JobRegion {
  regionId: number;
  code: string;
  timeZone: string;
}

export interface CronJob {
  pluginId: string;
  jobId: string;
  cron: string;
  maxAttempts: number;
}

export type SlotOutcome = 'enqueued' | 'recorded' | 'paused' | 'current';

export interface ScheduleResult {
  regionId: number;
  slot: Date;
  outcome: SlotOutcome;
}

export const DEFAULT_FIRST_SIGHT_GRACE_MS = 60_000;

/**
 * Enqueues the due slot of `job` in each of `regions`. Returns what happened per region where the slot was
 * newer than the recorded one (regions already up to date cost one shared read, and are not listed).
 */
export async function scheduleCronJob(
  db: Db,
  job: CronJob,
  regions: JobRegion[],
  now: Date,
  options: { firstSightGraceMs?: number; onInvalidRegion?: (region: JobRegion, reason: string) => void } = {},
): Promise<ScheduleResult[]> {
  const graceMs = options.firstSightGraceMs ?? DEFAULT_FIRST_SIGHT_GRACE_MS;
  const slots = new Map<number, Date>();
  for (const region of regions) {
    if (!isTimeZone(region.timeZone)) {
      options.onInvalidRegion?.(region, `unknown time zone "${region.timeZone}"`);
      continue;
    }
    slots.set(region.regionId, latestSlot(job.cron, region.timeZone, now));
  }
  if (slots.size === 0) return [];

  const known = await db
    .select({ regionId: jobSchedules.regionId, lastSlot: jobSchedules.lastSlot })
    .from(jobSchedules)
    .where(and(eq(jobSchedules.pluginId, job.pluginId), eq(jobSchedules.jobId, job.jobId), inArray(jobSchedules.regionId, [...slots.keys()])));
  const lastSlots = new Map(known.map((row) => [row.regionId, row.lastSlot]));

  const results: ScheduleResult[] = [];
  for (const [regionId, slot] of slots) {
    const last = lastSlots.get(regionId);
    if (last && last.getTime() >= slot.getTime()) continue;
    const outcome = await advanceSlot(db, job, regionId, slot, now, graceMs);
    results.push({ regionId, slot, outcome });
  }
  return results;
}

/** One transaction: lock the schedule row, decide, enqueue the slot if due, record it. */
async function advanceSlot(db: Db, job: CronJob, regionId: number, slot: Date, now: Date, graceMs: number): Promise<SlotOutcome> {
  const key = and(eq(jobSchedules.pluginId, job.pluginId), eq(jobSchedules.jobId, job.jobId), eq(jobSchedules.regionId, regionId));
  return db.transaction(async (tx) => {
    await tx.insert(jobSchedules).values({ pluginId: job.pluginId, jobId: job.jobId, regionId }).onConflictDoNothing();
    const [row] = await tx.select({ paused: jobSchedules.paused, lastSlot: jobSchedules.lastSlot }).from(jobSchedules).where(key).for('update');
    if (!row) throw new Error(`job_schedules row for ${job.pluginId}/${job.jobId} in region ${regionId} vanished`);
    if (row.lastSlot && row.lastSlot.getTime() >= slot.getTime()) return 'current';

    let outcome: SlotOutcome;
    if (row.paused) outcome = 'paused';
    else if (!row.lastSlot && now.getTime() - slot.getTime() >= graceMs) outcome = 'recorded';
    else outcome = 'enqueued';

    if (outcome === 'enqueued') {
      await tx
        .insert(jobRuns)
        .values({
          pluginId: job.pluginId,
          jobId: job.jobId,
          regionId,
          trigger: 'schedule',
          scheduledFor: slot,
          runAfter: slot,
          maxAttempts: job.maxAttempts,
        })
        .onConflictDoNothing();
    }
    await tx.update(jobSchedules).set({ lastSlot: slot }).where(key);
    return outcome;
  });
}
