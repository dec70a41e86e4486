/**
 * Fixtures shared by the tests and by `job-process.ts` (which they spawn). Importing this starts nothing.
 *
 * The effect job whose effect is written idempotently, in steps: each step inserts (slot, step) under a primary
 * key, so a run that is killed halfway and taken over writes every step exactly once.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@weixi/db';
import type { JobRun } from '@weixi/sdk';

export const EFFECT_PLUGIN = 'test-effects';
export const EFFECT_JOB = 'write-effect';
export const EFFECT_STEPS = 5;

/** The hourly job two processes race to schedule. */
export const RACE_PLUGIN = 'test-race';
export const RACE_JOB = 'hourly';

export async function createEffectTable(db: Db): Promise<void> {
  await db.execute(sql`create table if not exists job_test_effects (
    slot text not null,
    step integer not null,
    worker text not null,
    primary key (slot, step)
  )`);
}

/** The handler: EFFECT_STEPS steps of `stepMs` each, reporting progress (and so renewing the lease) after each. */
export function effectHandler(db: Db, options: { worker: string; stepMs: number }): (run: JobRun) => Promise<void> {
  return async (run) => {
    const slot = `${run.regionCode}:${run.jobId}:${run.scheduledFor.toISOString()}`;
    for (let step = 1; step <= EFFECT_STEPS; step++) {
      await db.execute(sql`insert into job_test_effects (slot, step, worker) values (${slot}, ${step}, ${options.worker}) on conflict do nothing`);
      await run.progress(step / EFFECT_STEPS, `step ${step} of ${EFFECT_STEPS}`);
      await new Promise((resolve) => setTimeout(resolve, options.stepMs));
    }
  };
}
