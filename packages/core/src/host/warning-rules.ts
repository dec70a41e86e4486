/**
 * `ctx.warnings.defineRule`: a rule declared in `contributes.warningRules` becomes a synthetic job
 * `warnings:<ruleId>` on the rule's schedule, run by the job runner in every region where the plugin is
 * enabled (and never where it is not), and queued again after a usage load for the last complete month.
 * Each run builds the definition with the region's settings and hands it to the engine (`@weixi/warnings`).
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
import { firstDay, runWarningRule } from '@weixi/warnings';
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
  registerJob(job: JobContribution, handler: (run: JobRun) => Promise<void>): Disposable | null;
  /** Queues an on-demand run of the job in a region, unless one is already queued there. */
  enqueue?(jobId: string, regionCode: string): Promise<void>;
}

/** `YYYY-MM` of the month before the one of `date` (`YYYY-MM-DD`): the last complete month. */
export const monthBefore = (date: string): string => firstDay(date.slice(0, 7), -1).slice(0, 7);

export function defineWarningRule(
  manifest: PluginManifest,
  defined: Set<string>,
  host: WarningRuleHost,
  ruleId: string,
  build: (input: WarningRuleInput<never>) => WarningRuleDefinition,
): Disposable[] {
  const id = manifest.id;
  if (typeof build !== 'function') throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines warning rule '${ruleId}' without a function (input) => definition`);
  return registerWarningRule(manifest, defined, host, ruleId, 'warnings.defineRule', {
    check() {
      // Checked with the default settings as it registers, so a broken rule fails activation, not a night's run.
      const sample = build({ settings: settingsDefaults(manifest.settings) as never, regionCode: '', asOfMonth: '2026-01' });
      const problems = warningRuleProblems(sample);
      if (problems.length > 0) throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' warning rule '${ruleId}' is invalid with its default settings: ${problems.join('; ')}`);
    },
    async run(job) {
      const day = await host.day(job.regionCode, job.scheduledFor);
      const asOfMonth = monthBefore(day.date);
      const settings = await host.settingsFor(job.regionCode);
      const definition = build({ settings: settings as never, regionCode: job.regionCode, asOfMonth });
      job.signal.throwIfAborted();
      const result = await runWarningRule(host.db, {
        pluginId: id,
        ruleId,
        regionCode: job.regionCode,
        asOf: { month: asOfMonth, day: day.date, dayStart: day.start },
        definition,
        now: host.now(),
        runId: job.runId,
      });
      if (!result.loaded) return void (await job.progress(1, `no usage recorded for ${asOfMonth} in ${job.regionCode} yet; ${ruleId} not run`));
      if (result.raised.length > 0) await host.events.emit('warning.raised', { regionCode: job.regionCode, pluginId: id, ruleId, warnings: result.raised });
      const kept = result.seen - result.raised.length;
      await job.progress(1, `${result.seen} customers meet ${ruleId} as of ${asOfMonth}: ${result.raised.length} warnings raised, ${kept} still open, ${result.resolved} resolved`);
    },
  });
}

/**
 * What every kind of warning rule shares: the manifest must declare it and grant `warnings:raise` (and the
 * capabilities `needs` names), it is defined once, its job `warnings:<ruleId>` runs on the rule's schedule
 * in each enabled city, and a usage load of a city's last complete month queues it there again.
 */
export function registerWarningRule(
  manifest: PluginManifest,
  defined: Set<string>,
  host: WarningRuleHost,
  ruleId: string,
  operation: string,
  rule: { needs?: Capability[]; check(): void; run(job: JobRun): Promise<void> },
): Disposable[] {
  const id = manifest.id;
  for (const capability of ['warnings:raise' as const, ...(rule.needs ?? [])]) {
    if (!(manifest.capabilities ?? []).includes(capability)) throw new CapabilityError(id, capability, operation);
  }
  const declared = manifest.contributes?.warningRules?.find((r) => r.id === ruleId);
  if (!declared) {
    const list = manifest.contributes?.warningRules?.map((r) => r.id).join(', ') || 'none';
    throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines warning rule '${ruleId}', which its manifest does not declare under contributes.warningRules (declared: ${list})`);
  }
  if (defined.has(ruleId)) throw new WeixiError('CONFLICT', `plugin '${id}' defines warning rule '${ruleId}' twice; define each rule once in activate`);
  rule.check();
  defined.add(ruleId);
  const jobId = warningJobId(ruleId);
  const disposables: Disposable[] = [];
  const registered = host.registerJob({ id: jobId, description: `${declared.title}: ${declared.description}`, cron: declared.schedule ?? DEFAULT_WARNING_SCHEDULE }, rule.run);
  if (registered) disposables.push(registered);
  // After a usage load, the regions it touched run the rule again when the load includes their last
  // complete month; loads of older months change history, which the next scheduled run does not revisit.
  const enqueue = host.enqueue;
  if (enqueue) {
    disposables.push(
      host.events.on(id, 'usage.recorded', async ({ regionCode, months }) => {
        const asOfMonth = monthBefore((await host.day(regionCode, host.now())).date);
        if (months.includes(asOfMonth)) await enqueue(jobId, regionCode);
      }),
    );
  }
  disposables.push({ dispose: () => void defined.delete(ruleId) });
  return disposables;
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
