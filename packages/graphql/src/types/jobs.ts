import { and, eq, inArray, sql } from 'drizzle-orm';
import { InputError, keysetBounds, warningJobId, warningRuleOfJob, keysetOrder, NotFoundError, regionsByCode, WeixiError } from '@weixi/core';
import { jobRuns, JOB_RUN_STATUSES, type Db } from '@weixi/db';
import type { WeixiBuilder } from '../builder.js';
import type { WeixiContext } from '../context.js';
import { cursorKey, keysetConnection } from '../connections.js';
import { regionToChange } from '../permissions.js';
import { jobRunVisibility } from '../visibility.js';
import { liveIds } from '../live.js';
import { enumOf } from './enums.js';

type JobRunRow = typeof jobRuns.$inferSelect;

/** Checks the plugin declares the job, the region exists and the caller may control jobs there; returns the region id. */
async function jobTarget(ctx: WeixiContext, pluginId: string, jobId: string, regionCode: string): Promise<number> {
  return (await jobRegion(ctx, pluginId, jobId, regionCode)).id;
}

async function jobRegion(ctx: WeixiContext, pluginId: string, jobId: string, regionCode: string) {
  const manifest = ctx.plugins?.state(pluginId)?.manifest;
  if (!manifest) throw new NotFoundError('plugin', pluginId, 'pluginId');
  if (!manifest.contributes?.jobs?.some((j) => j.id === jobId) && warningRuleOfJob(manifest, jobId) === undefined) {
    const declared = [...(manifest.contributes?.jobs ?? []).map((j) => j.id), ...(manifest.contributes?.warningRules ?? []).map((r) => warningJobId(r.id))].join(', ') || 'none';
    throw new InputError([{ path: 'jobId', message: `plugin '${pluginId}' declares no job '${jobId}' (it declares: ${declared})` }]);
  }
  return (await regionToChange(ctx, 'jobs', regionCode, 'regionCode'))!;
}

function runnerOf(ctx: WeixiContext) {
  if (!ctx.jobs) throw new WeixiError('NOT_FOUND', 'this server runs no job runner');
  return ctx.jobs;
}

/** Job runs (status, progress, error, times) and the runJob / pauseJob / resumeJob mutations. */
export function registerJobs(builder: WeixiBuilder): void {
  const Status = enumOf(builder, 'JobRunStatus', JOB_RUN_STATUSES, 'Where a job run is.');
  const JobRun = builder.objectRef<JobRunRow>('JobRun');
  builder.node(JobRun, {
    description: 'One run of a plugin job for one region.',
    id: { resolve: (r) => r.id },
    loadOne: async (id, ctx) => (await ctx.database.db.select().from(jobRuns).where(and(eq(jobRuns.id, Number(id)), jobRunVisibility(ctx.principal))))[0] ?? null,
    fields: (t) => ({
      pluginId: t.exposeString('pluginId'),
      jobId: t.exposeString('jobId'),
      region: t.field({ type: 'String', description: 'Region code.', resolve: async (r, _a, ctx) => (await ctx.loaders.region.load(r.regionId))!.code }),
      trigger: t.exposeString('trigger', { description: '`schedule` or `manual`.' }),
      scheduledFor: t.expose('scheduledFor', { type: 'DateTime', description: 'The cron slot, or when it was requested.' }),
      status: t.expose('status', { type: Status }),
      attempt: t.exposeInt('attempt'),
      maxAttempts: t.exposeInt('maxAttempts'),
      progress: t.exposeFloat('progress', { description: '0 to 1.' }),
      progressMessage: t.exposeString('progressMessage', { nullable: true }),
      error: t.exposeString('error', { nullable: true }),
      startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
      finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });
  const Filter = builder.inputType('JobRunFilter', {
    fields: (t) => ({
      pluginId: t.string(),
      jobId: t.string(),
      regionCode: t.string(),
      statuses: t.field({ type: [Status] }),
    }),
  });
  const Connection = builder.connectionObject({ type: JobRun, name: 'JobRunConnection' }, { name: 'JobRunEdge' });

  builder.subscriptionField('jobRunChanged', (t) =>
    t.field({
      type: JobRun,
      nullable: true,
      description: 'A job run queued, started, reporting progress or finished, in the regions whose job runs the subscriber sees.',
      subscribe: (_root, _args, ctx) => liveIds(ctx, 'job_run'),
      resolve: async (id: number, _args, ctx) => (await ctx.database.db.select().from(jobRuns).where(and(eq(jobRuns.id, id), jobRunVisibility(ctx.principal))))[0] ?? null,
    }),
  );
  builder.queryField('jobRuns', (t) =>
    t.connection(
      {
        type: JobRun,
        description: 'Job runs of the regions the caller sees, newest first.',
        args: { filter: t.arg({ type: Filter }) },
        resolve: async (_root, args, ctx) => {
          const { db } = ctx.database;
          const f = args.filter;
          let regionId: number | undefined;
          if (f?.regionCode) {
            const region = (await regionsByCode(db, [f.regionCode])).get(f.regionCode);
            if (!region) throw new InputError([{ path: 'filter.regionCode', message: `region ${JSON.stringify(f.regionCode)} does not exist` }]);
            regionId = region.id;
          }
          const where = and(
            jobRunVisibility(ctx.principal),
            f?.pluginId ? eq(jobRuns.pluginId, f.pluginId) : undefined,
            f?.jobId ? eq(jobRuns.jobId, f.jobId) : undefined,
            regionId !== undefined ? eq(jobRuns.regionId, regionId) : undefined,
            f?.statuses?.length ? inArray(jobRuns.status, f.statuses) : undefined,
          );
          const keys = [sql`${jobRuns.id}`];
          return keysetConnection(
            args,
            cursorKey(['id'], (r: JobRunRow) => [r.id]),
            (page) => listRuns(db, where, keys, page),
            async () => (await db.select({ n: sql<number>`count(*)::int` }).from(jobRuns).where(where))[0]!.n,
          );
        },
      },
      Connection,
    ),
  );

  const RunPayload = builder.objectRef<{ runs: JobRunRow[] }>('RunJobPayload').implement({
    fields: (t) => ({
      run: t.field({ type: JobRun, description: 'The first of `runs`.', resolve: (p) => p.runs[0]! }),
      runs: t.field({ type: [JobRun], description: 'One run per region the request covers: a province\'s enabled cities, or the region itself.', resolve: (p) => p.runs }),
    }),
  });
  const SchedulePayload = builder.objectRef<{ paused: boolean }>('JobSchedulePayload').implement({
    fields: (t) => ({ paused: t.exposeBoolean('paused') }),
  });
  const jobArgs = (t: any) => ({
    pluginId: t.arg.string({ required: true }),
    jobId: t.arg.string({ required: true }),
    regionCode: t.arg.string({ required: true }),
  });
  builder.mutationFields((t) => ({
    runJob: t.field({
      type: RunPayload,
      description:
        'Queues a run of a plugin job now, where the plugin is enabled: for a province, one run per enabled city below it (each with its own settings); ' +
        'a region where it is not enabled (or a plugin not running) is FORBIDDEN, naming plugin and region. Follow the runs in jobRuns.',
      args: jobArgs(t),
      resolve: async (_root, args: any, ctx) => {
        const region = await jobRegion(ctx, args.pluginId, args.jobId, args.regionCode);
        const targets = await ctx.plugins!.runTargets(args.pluginId, region);
        const ids: number[] = [];
        for (const target of targets) ids.push(await runnerOf(ctx).runNow(args.pluginId, args.jobId, target.id));
        return { runs: await ctx.database.db.select().from(jobRuns).where(inArray(jobRuns.id, ids)).orderBy(jobRuns.id) };
      },
    }),
    pauseJob: t.field({
      type: SchedulePayload,
      description: 'Stops a job\'s schedule in a region (slots that pass while paused do not run later).',
      args: jobArgs(t),
      resolve: async (_root, args: any, ctx) => {
        await runnerOf(ctx).pause(args.pluginId, args.jobId, await jobTarget(ctx, args.pluginId, args.jobId, args.regionCode));
        return { paused: true };
      },
    }),
    resumeJob: t.field({
      type: SchedulePayload,
      args: jobArgs(t),
      resolve: async (_root, args: any, ctx) => {
        await runnerOf(ctx).resume(args.pluginId, args.jobId, await jobTarget(ctx, args.pluginId, args.jobId, args.regionCode));
        return { paused: false };
      },
    }),
  }));
}

function listRuns(db: Db, where: ReturnType<typeof and>, keys: ReturnType<typeof sql>[], page: Parameters<typeof keysetBounds>[2]) {
  return db
    .select()
    .from(jobRuns)
    .where(and(where, keysetBounds(keys, 'desc', page)))
    .orderBy(keysetOrder(keys, 'desc', page.inverted))
    .limit(page.limit);
}
