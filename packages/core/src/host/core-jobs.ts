/** Jobs of the platform itself (not of a plugin), run by the same job runner in the regions each names. */
import type { Db } from '@weixi/db';

/** Core jobs carry `core:<name>` as their owner in the job runner (`job_runs.plugin_id`). */
export const CORE_JOB_PREFIX = 'core:';

export interface JobRegion {
  regionId: number;
  code: string;
  timeZone: string;
}

/** Where a core job runs now (cities, each in its own time zone), asked on every scheduler tick. */
export type CoreJobRegions = (db: Db) => Promise<JobRegion[]>;
