/**
 * `ctx.warnings.defineRule`: a rule declared in `contributes.warningRules` becomes a synthetic job
 * `warnings:<ruleId>` on the rule's schedule, run by the job runner in every region where the plugin is
 * enabled (and never where it is not), and queued again after a usage load for the last complete month.
 * Each run builds the definition with the region's settings and hands it to the engine (`@weixi/warnings`).
 *
 * The runner claims the due runs of every plugin's rules together (the batch `warnings`, `WarningJobs`), and
 * the engine runs those judged as of the same day in ONE statement: customers, usage and events are read
 * once for all of them. Each run keeps its own job row, attempts, outcome, plugin health and pause; a run
 * whose definition cannot be built or is invalid fails alone, and when the shared statement fails, its runs
 * are retried one statement each so that only the culprit's run fails.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import {
  CapabilityError,
  type Capability,
  DEFAULT_WARNING_SCHEDULE,
  warningRuleProblems,
  type Disposable,
  type JobContribution,
  type JobRun,
  type PluginManifest,
  type RegionDay,
  type WarningRuleDefinition,
  type WarningRuleInput,
} from '@weixi/sdk';
import { firstDay, raisedWarnings, runWarningRules, type AsOf, type WarningBatchResult, type WarningRulePart } from '@weixi/warnings';
import { WeixiError } from '../errors.js';
import { settingsDefaults } from './scope.js';
import type { EventBus } from './events.js';

/** The synthetic job id of a warning rule. */
export const warningJobId = (ruleId: string): string => `warnings:${ruleId}`;

/** The rule id of a synthetic warning job id, or undefined for any other job. */
export function warningRuleOfJob(manifest: PluginManifest, jobId: string): string | undefined {
  const ruleId = jobId.startsWith('warnings:') ? jobId.slice('warnings:'.length) : undefined;
  return ruleId !== undefined && manifest.contributes?.warningRules?.some((r) => r.id === ruleId) ? ruleId : undefined;
}

export interface WarningRuleHost {
  db: Db;
  now(): Date;
  events: EventBus;
  settingsFor(regionCode: string): Promise<Record<string, unknown>>;
  day(regionCode: string, at: Date): Promise<RegionDay>;
  /** Registers the rule's job with the host's job wrapper (health, failures); null without a runner. */
  registerJob(job: JobContribution, handler: (run: JobRun) => Promise<void>, batch: WarningJobBatch): Disposable | null;
  /** The host's warning runs, executed together. */
  warningJobs: WarningJobs;
  /** Queues an on-demand run of the job in a region, unless one is already queued there. */
  enqueue?(jobId: string, regionCode: string): Promise<void>;
}

/** `YYYY-MM` of the month before the one of `date` (`YYYY-MM-DD`): the last complete month. */
export const monthBefore = (date: string): string => firstDay(date.slice(0, 7), -1).slice(0, 7);

/** What a warning rule is built with as it is defined, to check it: the default settings, no region. */
export const warningRuleSampleInput = (manifest: PluginManifest) => ({ settings: settingsDefaults(manifest.settings) as never, regionCode: '', asOfMonth: '2026-01' });

export function defineWarningRule(
  manifest: PluginManifest,
  defined: Set<string>,
  host: WarningRuleHost,
  ruleId: string,
  build: (input: WarningRuleInput<never>) => WarningRuleDefinition,
): Disposable[] {
  const id = manifest.id;
  const rule = declaredRule(manifest, defined, ruleId, 'warnings.defineRule');
  if (typeof build !== 'function') throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines warning rule '${ruleId}' without a function (input) => definition`);
  // Checked with the default settings as it registers, so a broken rule fails activation, not a night's run.
  const sample = build(warningRuleSampleInput(manifest));
  const problems = warningRuleProblems(sample);
  if (problems.length > 0) throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' warning rule '${ruleId}' is invalid with its default settings: ${problems.join('; ')}`);
  defined.add(ruleId);
  const jobId = warningJobId(ruleId);
  const prepare = async (job: JobRun): Promise<PreparedWarningRun> => {
    const day = await host.day(job.regionCode, job.scheduledFor);
    const asOfMonth = monthBefore(day.date);
    const settings = await host.settingsFor(job.regionCode);
    const definition = await build({ settings: settings as never, regionCode: job.regionCode, asOfMonth });
    const problems = warningRuleProblems(definition);
    if (problems.length > 0) throw new WeixiError('BAD_USER_INPUT', `warning rule '${id}/${ruleId}' is invalid in ${job.regionCode}: ${problems.join('; ')}`);
    job.signal.throwIfAborted();
    const finish = async (result: WarningBatchResult): Promise<void> => {
      if (!result.loaded) return void (await job.progress(1, `no usage recorded for ${asOfMonth} in ${job.regionCode} yet; ${ruleId} not run`));
      // The new warnings are read back only for a plugin listening in the region (a proactive-care tactic).
      if (result.raisedCount > 0 && host.events.heard('warning.raised', job.regionCode)) {
        const raised = await raisedWarnings(host.db, { pluginId: id, ruleId, runId: job.runId, regionIds: result.regionIds });
        await host.events.emit('warning.raised', { regionCode: job.regionCode, pluginId: id, ruleId, warnings: raised });
      }
      const kept = result.seen - result.raisedCount;
      await job.progress(1, `${result.seen} customers meet ${ruleId} as of ${asOfMonth}: ${result.raisedCount} warnings raised, ${kept} still open, ${result.resolved} resolved`);
    };
    return { part: { pluginId: id, ruleId, regionCode: job.regionCode, definition, runId: job.runId }, asOf: { month: asOfMonth, day: day.date, dayStart: day.start }, finish };
  };
  const disposables: Disposable[] = [host.warningJobs.add(id, jobId, prepare)];
  const alone = async (job: JobRun): Promise<void> => {
    const [error] = await host.warningJobs.run([{ pluginId: id, run: job }]);
    if (error !== undefined) throw error;
  };
  const registered = host.registerJob({ id: jobId, description: `${rule.title}: ${rule.description}`, cron: rule.schedule ?? DEFAULT_WARNING_SCHEDULE }, alone, host.warningJobs.batch);
  if (registered) disposables.push(registered);
  disposables.push(...afterUsageLoads(host, id, jobId), { dispose: () => void defined.delete(ruleId) });
  return disposables;
}

/**
 * The checks every kind of warning rule passes as it is defined: its manifest grants `warnings:raise` (and
 * what `needs` names), declares it, and it is defined once. Returns its declaration.
 */
export function declaredRule(manifest: PluginManifest, defined: Set<string>, ruleId: string, operation: string, needs: Capability[] = []) {
  const id = manifest.id;
  for (const capability of ['warnings:raise' as const, ...needs]) {
    if (!(manifest.capabilities ?? []).includes(capability)) throw new CapabilityError(id, capability, operation);
  }
  const rule = manifest.contributes?.warningRules?.find((r) => r.id === ruleId);
  if (!rule) {
    const declared = manifest.contributes?.warningRules?.map((r) => r.id).join(', ') || 'none';
    throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines warning rule '${ruleId}', which its manifest does not declare under contributes.warningRules (declared: ${declared})`);
  }
  if (defined.has(ruleId)) throw new WeixiError('CONFLICT', `plugin '${id}' defines warning rule '${ruleId}' twice; define each rule once in activate`);
  return rule;
}

/**
 * After a usage load, the regions it touched run the rule again when the load includes their last
 * complete month; loads of older months change history, which the next scheduled run does not revisit.
 */
export function afterUsageLoads(host: Pick<WarningRuleHost, 'enqueue' | 'events' | 'day' | 'now'>, pluginId: string, jobId: string): Disposable[] {
  const enqueue = host.enqueue;
  if (!enqueue) return [];
  return [
    host.events.on(pluginId, 'usage.recorded', async ({ regionCode, months }) => {
      const asOfMonth = monthBefore((await host.day(regionCode, host.now())).date);
      if (months.includes(asOfMonth)) await enqueue(jobId, regionCode);
    }),
  ];
}

/** A warning job's run with its definition built: the engine's part, when it is judged, what to do after. */
interface PreparedWarningRun {
  part: WarningRulePart;
  asOf: AsOf;
  finish(result: WarningBatchResult): Promise<void>;
}

/** The job runner's batch of warning runs (structurally its `JobBatch`). */
export interface WarningJobBatch {
  key: string;
  max?: number;
  run(runs: Array<{ pluginId: string; run: JobRun }>): Promise<unknown[]>;
}

/**
 * The host's warning runs: every defined rule's job, and the batch the runner hands their due runs to. Runs
 * judged as of the same day go to the engine in one statement (a rule's runs in several cities share one
 * branch when their settings are equal); two runs of one rule in one city go to consecutive statements.
 */
export class WarningJobs {
  private readonly prepares = new Map<string, (job: JobRun) => Promise<PreparedWarningRun>>();
  readonly batch: WarningJobBatch = { key: 'warnings', run: (runs) => this.run(runs) };

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  add(pluginId: string, jobId: string, prepare: (job: JobRun) => Promise<PreparedWarningRun>): Disposable {
    const key = `${pluginId}\u0000${jobId}`;
    this.prepares.set(key, prepare);
    return { dispose: () => void (this.prepares.get(key) === prepare && this.prepares.delete(key)) };
  }

  /** Runs warning job runs; resolves to each one's error (undefined: it succeeded), in order. */
  async run(runs: Array<{ pluginId: string; run: JobRun }>): Promise<unknown[]> {
    const errors: unknown[] = runs.map(() => undefined);
    const fail = (i: number, error: unknown) => void (errors[i] = error ?? new Error('warning run failed'));
    const prepared: Array<{ index: number; run: PreparedWarningRun }> = [];
    for (const [index, { pluginId, run }] of runs.entries()) {
      try {
        const prepare = this.prepares.get(`${pluginId}\u0000${run.jobId}`);
        if (!prepare) throw new WeixiError('NOT_FOUND', `warning job ${pluginId}/${run.jobId} is not defined`);
        prepared.push({ index, run: await prepare(run) });
      } catch (error) {
        fail(index, error);
      }
    }
    for (const statement of statements(prepared)) {
      let results: WarningBatchResult[] | undefined;
      try {
        results = await runWarningRules(this.db, { asOf: statement[0]!.run.asOf, now: this.now(), runs: statement.map((p) => p.run.part) });
      } catch (error) {
        if (statement.length === 1) fail(statement[0]!.index, error);
      }
      for (const [k, { index, run }] of statement.entries()) {
        try {
          // The shared statement failed: each run alone, so only the one that breaks it fails.
          const result = results?.[k] ?? (statement.length > 1 ? (await runWarningRules(this.db, { asOf: run.asOf, now: this.now(), runs: [run.part] }))[0] : undefined);
          if (result) await run.finish(result);
        } catch (error) {
          fail(index, error);
        }
      }
    }
    return errors;
  }
}

/**
 * The engine statements of a batch: runs judged as of the same day together, at most one run of a rule
 * per region in each (a later run of the same rule and city goes to the next statement).
 */
function statements<T extends { run: PreparedWarningRun }>(prepared: T[]): T[][] {
  const out: Array<{ asOf: string; runs: T[]; keys: Set<string> }> = [];
  for (const p of prepared) {
    const asOf = `${p.run.asOf.month}|${p.run.asOf.day}|${p.run.asOf.dayStart.toISOString()}`;
    const key = `${p.run.part.pluginId}\u0000${p.run.part.ruleId}\u0000${p.run.part.regionCode}`;
    let target = out.find((s) => s.asOf === asOf && !s.keys.has(key));
    if (!target) out.push((target = { asOf, runs: [], keys: new Set() }));
    target.runs.push(p);
    target.keys.add(key);
  }
  return out.map((s) => s.runs);
}

/**
 * Queues a manual run in the city of `regionCode` (jobs run per city; a district's customers are its
 * city's), unless one of the same job is already queued there: a burst of loads runs the rule once.
 */
export async function enqueueUnlessQueued(db: Db, pluginId: string, jobId: string, regionCode: string, enqueue: (regionId: number) => Promise<unknown>): Promise<void> {
  const [row] = await queryRows<{ id: number; queued: boolean }>(
    db,
    sql`select a.id, exists (select from job_runs j where j.plugin_id = ${pluginId} and j.job_id = ${jobId} and j.region_id = a.id and j.status = 'queued') as queued
        from regions r join regions a on starts_with(r.path, a.path) and a.level = 'city' where r.code = ${regionCode}`,
  );
  if (row && !row.queued) await enqueue(Number(row.id));
}

/**
 * Expires the plugin's live warnings in regions where it is no longer enabled: nothing watches them there
 * any more (no run refreshes or resolves them), so they must not keep counting in `churnRisk`. One UPDATE.
 */
export async function expireWarningsOutside(db: Db, pluginId: string, enabledRegionIds: number[], now: Date): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update warnings set status = 'expired', resolved_at = ${now.toISOString()}::timestamptz, resolved_by = 'plugin disabled'
        where plugin_id = ${pluginId} and status in ('open', 'acknowledged') and not (region_id = any(${sql.param(enabledRegionIds)}::int[]))
        returning id`,
  );
  return rows.length;
}
