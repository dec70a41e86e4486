export { createJobRunner, JobAbortedError, DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from './runner.js';
export type { FinishedRun, JobBatch, JobDefinition, JobHandler, JobLogger, JobRunner, JobRunnerOptions } from './runner.js';
export { scheduleCronJob, DEFAULT_FIRST_SIGHT_GRACE_MS, type CronJob, type JobRegion, type ScheduleResult, type SlotOutcome } from './scheduler.js';
export { latestSlot, nextSlot, validateCron, isTimeZone, CronError } from './cron.js';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export {
  listJobRuns,
  getJobRun,
  enqueueManualRun,
  cancelQueuedRuns,
  setSchedulePaused,
  listJobSchedules,
  DEFAULT_MAX_ATTEMPTS,
  MAX_RUNS_PAGE,
  type JobRunFilter,
  type JobRunRecord,
  type JobScheduleRecord,
} from './runs.js';
export type { JobRunStatus } from '@weixi/db';
