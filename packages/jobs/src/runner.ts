/**
 * `createJobRunner`: registration, the scheduler step (`tick`), the worker step (`work`), manual runs, pause
 * and resume, and an opt-in polling loop (`start`/`stop`). Nothing runs until `start()` (or a caller's own
 * `tick()`/`work()`): importing this module or constructing a runner schedules nothing.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '@weixi/core';
import type { Database, JobRunStatus } from '@weixi/db';
import type { JobRun, PluginLogger } from '@weixi/sdk';
import type { BackoffOptions } from './backoff.js';
import { validateCron } from './cron.js';
import { cancelQueuedRuns, DEFAULT_MAX_ATTEMPTS, enqueueManualRun, listJobRuns, setSchedulePaused, type JobRunFilter, type JobRunRecord } from './runs.js';
import { scheduleCronJob, type JobRegion } from './scheduler.js';
import { abandonRun, cancelRun, claimRun, completeRun, errorText, failRun, releaseRun, renewLease, renewLeases, type ClaimedRun, type Lease } from './worker.js';

export interface JobDefinition {
  /** Unique within the plugin. */
  id: string;
  /** Five-field cron, evaluated in each region's time zone. Absent: on demand only (`runNow`). */
  cron?: string;
  /** Attempts before a run is failed for good. Default 3. */
  maxAttempts?: number;
}

export type JobHandler = (run: JobRun) => Promise<void>;

/**
 * Runs of jobs that are cheaper together (the warning rules of every plugin: one statement reads the
 * population once for all of them). When the worker claims a run of a job registered with a batch, it also
 * claims every other due run of a job registered with the same `key` (at most `max`) and hands them all to
 * `run` at once. Each run keeps its own row, lease, attempts and outcome: `run` resolves to one error per
 * run, in order (undefined: it succeeded).
 */
export interface JobBatch {
  key: string;
  /** At most this many runs in one batch (default 500). */
  max?: number;
  run(runs: Array<{ pluginId: string; run: JobRun }>): Promise<unknown[]>;
}

export type JobLogger = Pick<PluginLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface JobRunnerOptions {
  database: Database;
  clock: Clock;
  /** Recorded in `job_runs.worker_id`. Default `host:pid:random`. */
  workerId?: string;
  /** How long a claim holds without a heartbeat. Default 15 s; the heartbeat renews it every leaseMs/3. */
  leaseMs?: number;
  /** Loop cadence of `start()`. Default 1 s. */
  pollMs?: number;
  logger?: JobLogger;
  /** Regions where the plugin is enabled now (its cron jobs are scheduled there, in each one's time zone). */
  regionsFor(pluginId: string): Promise<JobRegion[]>;
  /** Retry delays: base·2^(attempt−1), capped. Default base 10 s, cap 10 min. */
  backoff?: BackoffOptions;
  /** On first sight of a schedule, its latest slot runs only if it is younger than this. Default 60 s. */
  firstSightGraceMs?: number;
  /**
   * Asked for every claimed run before its handler starts: a reason cancels the run instead (the platform
   * refuses runs of a plugin no longer enabled in the run's region). Default: every run starts.
   */
  refuse?(run: { pluginId: string; jobId: string; regionId: number; regionCode: string }): Promise<string | null>;
  /** Told of each run's end here, with how long its handler took (metrics). */
  onRunFinished?(run: FinishedRun): void;
}

/** How a run ended in this process: `retrying` failed an attempt and is queued again; `released` was given back. */
export interface FinishedRun {
  pluginId: string;
  jobId: string;
  outcome: 'succeeded' | 'failed' | 'retrying' | 'released' | 'lost' | 'cancelled';
  durationMs: number;
}

export interface JobRunner {
  readonly workerId: string;
  /**
   * Schedules (when it has a cron) and executes the job in this process until disposed; with `batch`, its
   * due runs are executed together with those of the other jobs of the same batch key.
   */
  register(pluginId: string, job: JobDefinition, handler: JobHandler, batch?: JobBatch): { dispose(): void };
  /** The scheduler step: enqueues each registered cron job's due slot in each enabled region, once. */
  tick(): Promise<void>;
  /** Claims and executes due runs one at a time until none is due; returns how many handlers ran. */
  work(): Promise<number>;
  /** Cancels the plugin's queued runs outside `keepRegionIds` (all when null); returns how many. */
  cancelQueued(pluginId: string, keepRegionIds: readonly number[] | null, reason: string): Promise<number>;
  /** Queues a manual run now; returns its id. */
  runNow(pluginId: string, jobId: string, regionId: number): Promise<number>;
  pause(pluginId: string, jobId: string, regionId: number): Promise<void>;
  resume(pluginId: string, jobId: string, regionId: number): Promise<void>;
  /** Run history, newest first, keyset-paged by id. */
  runs(filter?: JobRunFilter): Promise<JobRunRecord[]>;
  /** Starts the loop: tick() and work() every pollMs. Idempotent. */
  start(): void;
  /**
   * Stops the loop. A run in flight gets `graceMs` (default leaseMs) to finish, is then aborted through its
   * signal, and if its handler still does not end within a second it is given back to the queue.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  readonly started: boolean;
}

/** Why a run's signal was aborted. */
export class JobAbortedError extends Error {
  override name = 'JobAbortedError';
  constructor(readonly reason: 'stop' | 'dispose' | 'lease-lost', message: string) {
    super(message);
  }
}

export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_POLL_MS = 1_000;
const STOP_SETTLE_MS = 1_000;

interface Registration {
  pluginId: string;
  jobId: string;
  cron?: string;
  maxAttempts: number;
  handler: JobHandler;
  batch?: JobBatch;
}

interface InFlight {
  registrations: ReadonlySet<Registration>;
  settled: Promise<void>;
  abort(reason: 'stop' | 'dispose'): void;
  detach(reason: string): Promise<void>;
}

const keyOf = (pluginId: string, jobId: string) => `${pluginId}\u0000${jobId}`;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const settledWithin = (promise: Promise<void>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const defaultLogger: JobLogger = {
  debug: () => {},
  info: () => {},
  warn: (msg, fields) => console.warn(`[jobs] ${msg}`, fields ?? ''),
  error: (msg, fields) => console.error(`[jobs] ${msg}`, fields ?? ''),
};

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { database, clock } = options;
  const db = database.db;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  if (!(leaseMs > 0)) throw new RangeError(`leaseMs must be positive, got ${leaseMs}`);
  if (!(pollMs > 0)) throw new RangeError(`pollMs must be positive, got ${pollMs}`);
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const logger = options.logger ?? defaultLogger;
  const registry = new Map<string, Registration>();

  let inFlight: InFlight | undefined;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let workChain: Promise<unknown> = Promise.resolve();

  function register(pluginId: string, job: JobDefinition, handler: JobHandler, batch?: JobBatch): { dispose(): void } {
    if (!pluginId || !job.id) throw new TypeError('register needs a plugin id and a job id');
    if (job.cron !== undefined) validateCron(job.cron);
    const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts of ${pluginId}/${job.id} must be a positive integer`);
    const key = keyOf(pluginId, job.id);
    if (registry.has(key)) throw new Error(`job ${pluginId}/${job.id} is already registered in this runner`);
    const registration: Registration = { pluginId, jobId: job.id, cron: job.cron, maxAttempts, handler, batch };
    registry.set(key, registration);
    return {
      dispose() {
        if (registry.get(key) === registration) registry.delete(key);
        if (inFlight?.registrations.has(registration)) inFlight.abort('dispose');
      },
    };
  }

  async function tick(): Promise<void> {
    const now = clock.now();
    const byPlugin = new Map<string, Registration[]>();
    for (const registration of registry.values()) {
      if (!registration.cron) continue;
      const list = byPlugin.get(registration.pluginId) ?? [];
      list.push(registration);
      byPlugin.set(registration.pluginId, list);
    }
    const errors: unknown[] = [];
    for (const [pluginId, jobs] of byPlugin) {
      let regions: JobRegion[];
      try {
        regions = await options.regionsFor(pluginId);
      } catch (error) {
        errors.push(error);
        continue;
      }
      for (const job of jobs) {
        try {
          const results = await scheduleCronJob(db, { pluginId, jobId: job.jobId, cron: job.cron!, maxAttempts: job.maxAttempts }, regions, now, {
            firstSightGraceMs: options.firstSightGraceMs,
            onInvalidRegion: (region, reason) => logger.warn(`not scheduling ${pluginId}/${job.jobId} in ${region.code}: ${reason}`),
          });
          for (const result of results) {
            logger.debug(`schedule ${pluginId}/${job.jobId}: slot ${result.slot.toISOString()} ${result.outcome}`, { regionId: result.regionId });
          }
        } catch (error) {
          errors.push(error);
        }
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} schedules failed in this tick`);
  }

  function work(): Promise<number> {
    const result = workChain.then(drain);
    workChain = result.catch(() => undefined);
    return result;
  }

  async function drain(): Promise<number> {
    let ran = 0;
    while (!stopping) {
      const jobs = [...registry.values()].map(({ pluginId, jobId }) => ({ pluginId, jobId }));
      const claim = await claimRun(db, { workerId, now: clock.now(), leaseMs, jobs });
      if (!claim) break;
      ran += await execute(await withBatch(claim));
      await yieldToEventLoop();
    }
    return ran;
  }

  /** The claimed run, and when its job is batched the other due runs of its batch key, claimed too. */
  async function withBatch(claim: ClaimedRun): Promise<ClaimedRun[]> {
    const batch = registry.get(keyOf(claim.pluginId, claim.jobId))?.batch;
    if (!batch) return [claim];
    const jobs = [...registry.values()].filter((r) => r.batch?.key === batch.key).map(({ pluginId, jobId }) => ({ pluginId, jobId }));
    const claims = [claim];
    while (!stopping && claims.length < (batch.max ?? 500)) {
      const more = await claimRun(db, { workerId, now: clock.now(), leaseMs, jobs });
      if (!more) break;
      claims.push(more);
    }
    return claims;
  }

  /** Whether a claimed run may start: given back, abandoned or cancelled here when not. */
  async function admit(claim: ClaimedRun): Promise<Registration | undefined> {
    const lease: Lease = { id: claim.id, workerId, attempt: claim.attempt };
    const fields = { runId: claim.id, pluginId: claim.pluginId, jobId: claim.jobId, regionCode: claim.regionCode, attempt: claim.attempt };
    if (claim.attempt > claim.maxAttempts) {
      await abandonRun(db, lease, clock.now(), `worker lost during the last attempt (lease expired after attempt ${claim.maxAttempts})`);
      logger.warn(`run ${claim.id} failed: its worker was lost during the last attempt`, fields);
      return undefined;
    }
    const registration = registry.get(keyOf(claim.pluginId, claim.jobId));
    if (!registration) {
      await releaseRun(db, lease, clock.now(), 'released: job not registered in this process');
      return undefined;
    }
    const refusal = await options.refuse?.(claim);
    if (refusal) {
      await cancelRun(db, lease, clock.now(), refusal);
      logger.info(`run ${claim.id} cancelled: ${refusal}`, fields);
      options.onRunFinished?.({ pluginId: claim.pluginId, jobId: claim.jobId, outcome: 'cancelled', durationMs: 0 });
      return undefined;
    }
    return registration;
  }

  /**
   * Runs claimed runs to their recorded outcomes: one alone through its handler, several (a batch) through
   * their batch's `run`. Returns how many runs a handler ran.
   */
  async function execute(claims: ClaimedRun[]): Promise<number> {
    const admitted: Array<{ claim: ClaimedRun; registration: Registration }> = [];
    for (const claim of claims) {
      const registration = await admit(claim);
      if (registration) admitted.push({ claim, registration });
    }
    if (admitted.length === 0) return 0;

    const controllers = admitted.map(() => new AbortController());
    const state = { finished: false, detached: false, abortedBy: undefined as 'stop' | 'dispose' | undefined, lost: admitted.map(() => false) };
    const leases: Lease[] = admitted.map(({ claim }) => ({ id: claim.id, workerId, attempt: claim.attempt }));
    const fieldsOf = (claim: ClaimedRun) => ({ runId: claim.id, pluginId: claim.pluginId, jobId: claim.jobId, regionCode: claim.regionCode, attempt: claim.attempt });
    const lose = (i: number) => {
      if (state.finished || state.lost[i]) return;
      state.lost[i] = true;
      controllers[i]!.abort(new JobAbortedError('lease-lost', `run ${admitted[i]!.claim.id} lost its lease to another worker`));
    };
    const heartbeat = async () => {
      if (state.finished) return;
      try {
        const kept = await renewLeases(db, leases, clock.now(), leaseMs);
        leases.forEach((lease, i) => kept.has(lease.id) || lose(i));
      } catch (error) {
        logger.warn(`heartbeat of run(s) ${leases.map((l) => l.id).join(', ')} failed: ${errorText(error)}`);
      }
    };
    const timer = setInterval(() => void heartbeat(), Math.max(10, Math.floor(leaseMs / 3)));
    timer.unref();

    const runs: JobRun[] = admitted.map(({ claim }, i) => {
      const signal = controllers[i]!.signal;
      return {
        runId: claim.id,
        jobId: claim.jobId,
        regionCode: claim.regionCode,
        scheduledFor: claim.scheduledFor,
        attempt: claim.attempt,
        signal,
        async progress(fraction, message) {
          signal.throwIfAborted();
          if (state.finished) return;
          if (!(await renewLease(db, leases[i]!, clock.now(), leaseMs, { fraction, message }))) {
            lose(i);
            signal.throwIfAborted();
          }
        },
      };
    });

    let outcomes: unknown[] = admitted.map(() => undefined);
    const startedAt = performance.now();
    for (const { claim } of admitted) logger.debug(`run ${claim.id} started`, fieldsOf(claim));
    const settled = (async () => {
      try {
        const batch = admitted[0]!.registration.batch;
        if (batch && admitted.length > 1) {
          const errors = await batch.run(admitted.map(({ claim }, i) => ({ pluginId: claim.pluginId, run: runs[i]! })));
          outcomes = admitted.map((_, i) => errors[i]);
        } else {
          await admitted[0]!.registration.handler(runs[0]!);
        }
      } catch (error) {
        outcomes = admitted.map(() => error ?? new Error('the job failed'));
      }
    })();
    let detached!: () => void;
    const detachedPromise = new Promise<void>((resolve) => (detached = resolve));
    inFlight = {
      registrations: new Set(admitted.map((a) => a.registration)),
      settled,
      abort(reason) {
        state.abortedBy ??= reason;
        for (const controller of controllers) controller.abort(new JobAbortedError(reason, reason === 'stop' ? 'the job runner is stopping' : 'the job was unregistered'));
      },
      async detach(reason) {
        state.detached = true;
        state.finished = true;
        clearInterval(timer);
        for (const [i, lease] of leases.entries()) {
          try {
            await releaseRun(db, lease, clock.now(), reason);
          } catch (error) {
            logger.error(`could not release run ${lease.id}: ${errorText(error)}`, fieldsOf(admitted[i]!.claim));
          }
        }
        detached();
      },
    };

    try {
      await Promise.race([settled, detachedPromise]);
    } finally {
      inFlight = undefined;
      state.finished = true;
      clearInterval(timer);
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const finished = (claim: ClaimedRun, outcome: FinishedRun['outcome']) => options.onRunFinished?.({ pluginId: claim.pluginId, jobId: claim.jobId, outcome, durationMs });
    if (state.detached) {
      for (const { claim } of admitted) finished(claim, 'released');
      return admitted.length;
    }
    const now = clock.now();
    for (const [i, { claim }] of admitted.entries()) {
      const lease = leases[i]!;
      const fields = { ...fieldsOf(claim), durationMs };
      const error = outcomes[i];
      if (state.lost[i]) {
        logger.warn(`run ${claim.id} lost its lease; its outcome is left to the worker that took it over`, fields);
        finished(claim, 'lost');
      } else if (error === undefined) {
        const recorded = await completeRun(db, lease, now);
        if (recorded) logger.info(`run ${claim.id} succeeded`, fields);
        else logger.warn(`run ${claim.id} finished after losing its lease; not recorded`, fields);
        finished(claim, recorded ? 'succeeded' : 'lost');
      } else if (state.abortedBy) {
        await releaseRun(db, lease, now, `released: ${state.abortedBy === 'stop' ? 'runner stopped' : 'job unregistered'} during attempt ${claim.attempt}`);
        logger.info(`run ${claim.id} given back to the queue (${state.abortedBy})`, fields);
        finished(claim, 'released');
      } else {
        const text = errorText(error);
        const status = await failRun(db, lease, now, text, options.backoff);
        const log = status === 'failed' ? logger.error : logger.warn;
        log(`run ${claim.id} attempt ${claim.attempt} failed${status === 'failed' ? ' for good' : ', will retry'}: ${text}`, fields);
        finished(claim, status === 'failed' ? 'failed' : status === 'queued' ? 'retrying' : 'lost');
      }
    }
    return admitted.length;
  }

  function start(): void {
    if (loop) return;
    stopping = false;
    loop = (async () => {
      while (!stopping) {
        try {
          await tick();
        } catch (error) {
          logger.error(`scheduler tick failed: ${errorText(error)}`);
        }
        if (stopping) break;
        try {
          await work();
        } catch (error) {
          logger.error(`worker step failed: ${errorText(error)}`);
        }
        if (stopping) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    })();
  }

  async function stop(stopOptions: { graceMs?: number } = {}): Promise<void> {
    stopping = true;
    wake?.();
    const current = inFlight;
    if (current && !(await settledWithin(current.settled, stopOptions.graceMs ?? leaseMs))) {
      current.abort('stop');
      if (!(await settledWithin(current.settled, STOP_SETTLE_MS))) {
        await current.detach('released: runner stopped and the handler ignored its abort signal');
      }
    }
    await loop;
    await workChain;
    loop = undefined;
    stopping = false;
  }

  return {
    workerId,
    register,
    tick,
    work,
    cancelQueued: (pluginId, keepRegionIds, reason) => cancelQueuedRuns(db, { pluginId, keepRegionIds, reason, now: clock.now() }),
    runNow: (pluginId, jobId, regionId) =>
      enqueueManualRun(db, { pluginId, jobId, regionId, now: clock.now(), maxAttempts: registry.get(keyOf(pluginId, jobId))?.maxAttempts }),
    pause: (pluginId, jobId, regionId) => setSchedulePaused(db, { pluginId, jobId, regionId }, true),
    resume: (pluginId, jobId, regionId) => setSchedulePaused(db, { pluginId, jobId, regionId }, false),
    runs: (filter) => listJobRuns(db, filter),
    start,
    stop,
    get started() {
      return loop !== undefined;
    },
  };
}

export type { JobRegion, JobRunFilter, JobRunRecord, JobRunStatus };
