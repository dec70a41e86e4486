import { pathToFileURL } from 'node:url';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { customers, pluginConfigs, pluginHealth, queryRows, regions, type Database } from '@weixi/db';
import type {
  OptOutRequest,
  ChannelSender,
  Disposable,
  JobContribution,
  JobRun,
  PluginContext,
  PluginLogger,
  PluginManifest,
  PluginServices,
  WeixiPlugin,
} from '@weixi/sdk';
import type { Principal } from '../access/principal.js';
import type { Clock } from '../clock.js';
import { InputError, NotFoundError, PluginUnavailableError, WeixiError, type InputIssue } from '../errors.js';
import type { AvailableChannel } from './channels.js';
import { EventBus } from './events.js';
import { FieldRegistry } from './fields.js';
import { Enablement, PluginNotEnabledError, type EnabledRegion } from './enablement.js';
import { schemaFieldSpec, TypeRegistry } from './declared-types.js';
import { pluginNamespace } from '../plugins/graphql-types.js';
import { configChain, enabledAt, enabledRegions, mergeSettings, settingsDefaults } from './scope.js';
import { pluginServices } from './services.js';
import { drainOutbox } from '../contacts/outbox.js';
import { reportDelivery } from '../contacts/report.js';
import { customerOfMsisdn, recordConsent } from '@weixi/contact-policy';
import { validateSettings } from './settings-schema.js';
import { pluginStorageFor } from './storage.js';
import { TacticRegistry } from './tactics.js';
import { CORE_JOB_PREFIX, type CoreJobRegions } from './core-jobs.js';
import { defineWarningRule, enqueueUnlessQueued, expireWarningsOutside, WarningJobs, type WarningJobBatch } from './warning-rules.js';
import { backtestWarningRules, DEFAULT_CHURN, type DefinedWarningRule, type WarningBacktest, type WarningBacktestRequest } from './warning-backtest.js';
import type { ChurnDefinition } from '@weixi/warnings';
import type { CustomerHistory, StoredChurnModel, ChurnScore } from '@weixi/sdk';
import {
  currentChurnModel,
  defineChurnModelRule,
  listChurnModels,
  scoreCity,
  scoreWith,
  trainChurnModel,
  type ChurnModelHost,
  type DefinedChurnModel,
  type ScoreSummary,
  type TrainRequest,
  type TrainResult,
} from './churn-models.js';

/** A plugin found on disk with a valid manifest, ready to activate. */
export interface InstalledPlugin {
  manifest: PluginManifest;
  /** Absolute path of the module whose default export is the plugin (`definePlugin(...)`). */
  entry: string;
}

/** Where the host hands the jobs plugins implement; the API wires this to the job runner. */
export interface JobRegistrar {
  /** With `batch`, the runner hands due runs of jobs of the same batch key to `batch.run` together. */
  register(pluginId: string, job: JobContribution, handler: (run: JobRun) => Promise<void>, batch?: WarningJobBatch): Disposable;
  /**
   * Cancels the plugin's queued runs outside `keepRegionIds` (all of them when null), recording `reason`,
   * so a run queued before a disable or a failure never runs later. Returns how many it cancelled.
   */
  cancelQueued?(pluginId: string, keepRegionIds: readonly number[] | null, reason: string): Promise<number>;
  /** Queues an on-demand run of a job in a region (a warning rule after a usage load). */
  enqueue?(pluginId: string, jobId: string, regionId: number): Promise<unknown>;
}

export type PluginStatus = 'inactive' | 'active' | 'failed' | 'refused';

export interface PluginState {
  id: string;
  manifest?: PluginManifest;
  status: PluginStatus;
  /** Why it failed or was refused. */
  error?: string;
}

export interface PluginHostOptions {
  database: Database;
  clock: Clock;
  plugins: InstalledPlugin[];
  /** Plugins that discovery or planning refused, shown in `plugins` with the reason. */
  refused?: Array<{ id: string; reason: string }>;
  jobs?: JobRegistrar;
  logger?: PluginLogger;
  /** Consecutive failures in one region after which the circuit breaker disables the plugin there. */
  failureThreshold?: number;
  /** Who counts as churned in warning backtests; default `DEFAULT_CHURN` (status, or 3 months without revenue). */
  churn?: ChurnDefinition;
  /** Told of every failure counted against a plugin (`where`: `field x`, `job x`, `event x`) and each trip (metrics). */
  onFailure?(pluginId: string, where: string, tripped: boolean): void;
  /** Loads a plugin's module; default `import(entry)`. The extension host hands back a proxy of one in its own process. */
  loadModule?(plugin: InstalledPlugin): Promise<WeixiPlugin<never>>;
}

interface Active {
  module: WeixiPlugin<never>;
  /** The plugin's own `ctx.subscriptions` and every registration the host handed out to it. */
  subscriptions: Disposable[];
}

const silent: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Activates plugins in dependency order, keeps each one's registrations so disabling disposes exactly
 * those, contains failures (a failed activation marks only that plugin), and trips a per-region circuit
 * breaker on plugins that keep failing. Enablement and settings live in the database per region.
 */
export class PluginHost {
  readonly fields = new FieldRegistry();
  /** The GraphQL types active plugins declare; with `fields`, what the schema adds for plugins. */
  readonly types = new TypeRegistry();
  readonly events: EventBus;
  private readonly states = new Map<string, PluginState>();
  private readonly active = new Map<string, Active>();
  private readonly channels = new Map<string, { pluginId: string; sender: ChannelSender }>();
  private readonly enabledIn = new Map<string, Enablement>();
  /** Enablement changes run one at a time: a local change and a notice from another process may cross. */
  private reloading: Promise<unknown> = Promise.resolve();
  /** Reloads queued and not started yet, by plugin: a burst of notices for one plugin is read once. */
  private readonly queued = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();
  /** The warning rules active plugins defined, by `<pluginId>/<ruleId>`. */
  private readonly warningRules = new Map<string, DefinedWarningRule>();
  /** The model rules active plugins defined, by `<pluginId>/<ruleId>`. */
  private readonly modelRules = new Map<string, DefinedChurnModel>();
  /** The tactics active plugins defined, for the planner. */
  readonly tactics = new TacticRegistry();
  /** Core jobs by owner (`core:<name>`): where each runs. */
  private readonly coreJobs = new Map<string, CoreJobRegions>();
  /** The warning rules' jobs, run together (one batch of the job runner). */
  private readonly warningJobs: WarningJobs;
  private readonly warningBatch: WarningJobBatch;
  private readonly logger: PluginLogger;
  private readonly threshold: number;

  constructor(private readonly options: PluginHostOptions) {
    this.logger = options.logger ?? silent;
    this.threshold = options.failureThreshold ?? 5;
    this.events = new EventBus(
      (pluginId, regionCode) => (regionCode === undefined ? this.active.has(pluginId) : this.enablement(pluginId).hasCode(regionCode)),
      (pluginId, event, error, regionCode) => void this.recordFailure(pluginId, this.regionIdOf(pluginId, regionCode), error, `event ${event}`),
    );
    this.warningJobs = new WarningJobs(options.database.db, () => options.clock.now());
    // Health is counted per run, against the run's own plugin, however many plugins share the batch.
    this.warningBatch = {
      key: this.warningJobs.batch.key,
      run: async (runs) => {
        const errors = await this.warningJobs.batch.run(runs);
        for (const [i, { pluginId, run }] of runs.entries()) await this.recordOutcome(pluginId, run, errors[i], `job ${run.jobId}`);
        return errors;
      },
    };
    for (const plugin of options.plugins) this.states.set(plugin.manifest.id, { id: plugin.manifest.id, manifest: plugin.manifest, status: 'inactive' });
    for (const r of options.refused ?? []) this.states.set(r.id, { id: r.id, status: 'refused', error: r.reason });
  }

  private get db() {
    return this.options.database.db;
  }

  /** Called after the set of active plugins (and so the schema) changed. */
  onChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Activates, in the given (dependency) order, every plugin enabled in at least one region. */
  async start(): Promise<void> {
    for (const plugin of this.options.plugins) await this.reload(plugin.manifest.id, { quiet: true });
    this.startedAt ??= this.options.clock.now();
    this.changed();
  }

  /** Set once `start()` has read every plugin's enablement (a server is not ready before). */
  startedAt: Date | undefined;

  /**
   * Reads a plugin's enablement from the database and follows it: activates, deactivates (cancelling runs
   * queued where it is no longer enabled) and announces a change. Called after a change here and when
   * another process announces one, so every process converges on the database's state.
   */
  reload(pluginId: string, options: { quiet?: boolean } = {}): Promise<void> {
    const waiting = this.queued.get(pluginId);
    if (waiting && !options.quiet) return waiting;
    const next = this.reloading.then(() => {
      if (this.queued.get(pluginId) === next) this.queued.delete(pluginId);
      return this.follow(pluginId, options.quiet ?? false);
    });
    if (!options.quiet) this.queued.set(pluginId, next);
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** Activates an active plugin afresh, its code loaded again (after the process that ran it restarted). */
  reactivate(pluginId: string): Promise<void> {
    const next = this.reloading.then(async () => {
      if (!this.active.has(pluginId)) return;
      await this.deactivate(pluginId);
      await this.follow(pluginId, false);
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** Reloads every plugin (after a lost connection to the change notices, when some may have been missed). */
  async reloadAll(): Promise<void> {
    for (const plugin of this.options.plugins) await this.reload(plugin.manifest.id, { quiet: true });
    this.changed();
  }

  /**
   * Adds a plugin installed at runtime (from the plugin store) and follows its enablement, as `start` does
   * for the plugins it was given: it becomes active where it is enabled (settings kept from an earlier install).
   */
  addPlugin(plugin: InstalledPlugin): Promise<PluginState> {
    return this.exclusive(async () => {
      const id = plugin.manifest.id;
      this.options.plugins = [...this.options.plugins.filter((p) => p.manifest.id !== id), plugin];
      this.states.set(id, { id, manifest: plugin.manifest, status: 'inactive' });
      await this.follow(id, false);
      return this.states.get(id)!;
    });
  }

  /**
   * Swaps a plugin for another version of it (an upgrade or its rollback): the running one is deactivated,
   * the new one activated where the plugin is enabled. A failed activation shows in the returned state.
   */
  replacePlugin(plugin: InstalledPlugin): Promise<PluginState> {
    return this.exclusive(async () => {
      const id = plugin.manifest.id;
      await this.deactivate(id);
      this.options.plugins = this.options.plugins.map((p) => (p.manifest.id === id ? plugin : p));
      this.states.set(id, { id, manifest: plugin.manifest, status: 'inactive' });
      await this.follow(id, true);
      this.changed();
      return this.states.get(id)!;
    });
  }

  /** Drops a plugin that was uninstalled: deactivated, and no longer listed. Its settings rows stay. */
  removePlugin(pluginId: string): Promise<void> {
    return this.exclusive(async () => {
      const wasActive = this.active.has(pluginId);
      await this.deactivate(pluginId);
      this.options.plugins = this.options.plugins.filter((p) => p.manifest.id !== pluginId);
      this.states.delete(pluginId);
      this.enabledIn.delete(pluginId);
      if (wasActive) this.changed();
    });
  }

  /** Runs `work` in turn with enablement reloads, so a plugin is never swapped while its state is read. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.reloading.then(work);
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async follow(pluginId: string, quiet: boolean): Promise<void> {
    const plugin = this.options.plugins.find((p) => p.manifest.id === pluginId);
    if (!plugin) return;
    const before = this.enabledIn.get(pluginId) ?? Enablement.none;
    const wasActive = this.active.has(pluginId);
    const rows = await enabledRegions(this.db, pluginId);
    this.enabledIn.set(pluginId, new Enablement(rows.map((r) => ({ id: Number(r.id), code: r.code, path: r.path, level: r.level, timeZone: r.time_zone }))));
    const wanted = rows.length > 0;
    const moved = before.regions.length !== rows.length || rows.some((r) => !before.has(Number(r.id)));
    // A plugin that failed to activate is tried again when its enablement changes, not on every notice.
    if (wanted && !wasActive && (moved || this.states.get(pluginId)?.status !== 'failed')) await this.activate(plugin);
    if (!wanted && wasActive) await this.deactivate(pluginId);
    const failed = this.states.get(pluginId)?.status === 'failed';
    if (failed) await this.cancelQueued(pluginId, null, `plugin '${pluginId}' failed: ${this.states.get(pluginId)?.error}`);
    else await this.cancelQueued(pluginId, rows.map((r) => Number(r.id)), `plugin '${pluginId}' was disabled in the run's region`);
    if ((moved || wasActive !== this.active.has(pluginId)) && !quiet) this.changed();
  }

  private async cancelQueued(pluginId: string, keep: number[] | null, reason: string): Promise<void> {
    const cancelled = (await this.options.jobs?.cancelQueued?.(pluginId, keep, reason)) ?? 0;
    if (cancelled > 0) this.logger.info('queued runs cancelled', { plugin: pluginId, cancelled, reason });
  }

  async stop(): Promise<void> {
    for (const plugin of [...this.options.plugins].reverse()) await this.deactivate(plugin.manifest.id);
  }

  list(): PluginState[] {
    return [...this.states.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  state(pluginId: string): PluginState | undefined {
    return this.states.get(pluginId);
  }

  /** True when the plugin is active and enabled for this region (directly or by inheritance). */
  isEnabledIn(pluginId: string, regionId: number): boolean {
    return this.enablement(pluginId).has(regionId);
  }

  /** Where an active plugin is enabled, as this process last read it (none while it is not running here). */
  enablement(pluginId: string): Enablement {
    return (this.active.has(pluginId) && this.enabledIn.get(pluginId)) || Enablement.none;
  }

  /**
   * Registers a job of the platform itself (dispatch, ...), owned by `core:<name>`: it runs in the
   * regions `regions` names, whatever plugins are enabled there, and no run of it is refused. With `batch`,
   * the runs due together are handed to it at once (it resolves to one error per run, undefined when done).
   */
  registerCoreJob(name: string, job: JobContribution, handler: (run: JobRun) => Promise<void>, regions: CoreJobRegions, batch?: (runs: JobRun[]) => Promise<unknown[]>): Disposable {
    const owner = `${CORE_JOB_PREFIX}${name}`;
    this.coreJobs.set(owner, regions);
    const registration = this.options.jobs?.register(owner, job, handler, batch && { key: owner, run: (runs) => batch(runs.map((r) => r.run)) });
    return {
      dispose: () => {
        this.coreJobs.delete(owner);
        registration?.dispose();
      },
    };
  }

  /** Regions where a plugin's jobs run: its enabled cities (each city runs in its own time zone). */
  async jobRegions(pluginId: string): Promise<Array<{ regionId: number; code: string; timeZone: string }>> {
    const core = this.coreJobs.get(pluginId);
    if (core) return core(this.db);
    if (!this.active.has(pluginId)) return [];
    const rows = await enabledRegions(this.db, pluginId);
    return rows.filter((r) => r.level === 'city').map((r) => ({ regionId: Number(r.id), code: r.code, timeZone: r.time_zone }));
  }

  /**
   * The regions a run asked for `regionCode` covers (a province: its enabled cities), read from the
   * database; refused with PluginNotEnabledError when the plugin is not running or covers none of it.
   */
  async runTargets(pluginId: string, region: { code: string; path: string }): Promise<EnabledRegion[]> {
    const state = this.states.get(pluginId);
    if (state?.status === 'failed') throw new PluginNotEnabledError(pluginId, region.code, `its activation failed: ${state.error}`);
    if (!this.active.has(pluginId)) throw new PluginNotEnabledError(pluginId, region.code, 'it is enabled in no region');
    const rows = await enabledRegions(this.db, pluginId);
    const targets = new Enablement(rows.map((r) => ({ id: Number(r.id), code: r.code, path: r.path, level: r.level, timeZone: r.time_zone }))).runTargets(region.path);
    if (targets.length === 0) throw new PluginNotEnabledError(pluginId, region.code);
    return targets;
  }

  /** Why a claimed run must not start (its plugin is no longer enabled in its region), or null. */
  async refuseRun(pluginId: string, regionId: number, regionCode: string): Promise<string | null> {
    if (this.coreJobs.has(pluginId)) return null;
    if (!this.active.has(pluginId)) return `plugin '${pluginId}' is not active`;
    return (await enabledAt(this.db, pluginId, regionId)) ? null : `plugin '${pluginId}' is not enabled in ${regionCode}`;
  }

  private regionIdOf(pluginId: string, regionCode: string | undefined): number | null {
    return regionCode === undefined ? null : (this.enabledIn.get(pluginId)?.regions.find((r) => r.code === regionCode)?.id ?? null);
  }

  /**
   * How often each active warning rule would have been right as of a past month, as configured in the
   * region's cities (see `warning-backtest.ts`). Read-only.
   */
  backtestWarnings(request: WarningBacktestRequest): Promise<WarningBacktest> {
    return backtestWarningRules(
      {
        db: this.db,
        now: () => this.options.clock.now(),
        churn: this.options.churn ?? DEFAULT_CHURN,
        rules: () => [...this.warningRules.values()].filter((r) => this.active.has(r.pluginId)).sort((a, b) => `${a.pluginId}/${a.ruleId}`.localeCompare(`${b.pluginId}/${b.ruleId}`)),
        settingsFor: (pluginId, regionCode) => this.settingsFor(pluginId, regionCode),
        enabledCities: async (pluginId) => (await enabledRegions(this.db, pluginId)).filter((r) => r.level === 'city'),
      },
      request,
    );
  }

  /**
   * Trains the churn model rule of the plugin enabled in the region (`pluginId` chooses when several are)
   * on the region subtree's customers with known outcomes, and stores it as the region's next version.
   */
  async trainChurnModel(request: TrainRequest & { pluginId?: string }): Promise<TrainResult> {
    const rule = await this.modelRuleIn(request.regionCode, request.pluginId);
    return trainChurnModel(this.modelHost(rule.pluginId), rule, request);
  }

  /** Scores now every city of the region subtree (or the region's city) where a model rule's plugin is enabled. */
  async scoreChurnModels(regionCode: string, options: { pluginId?: string } = {}): Promise<ScoreSummary[]> {
    const region = await this.subtreeOf(regionCode);
    if (!region) throw new NotFoundError('region', regionCode, 'region');
    const out: ScoreSummary[] = [];
    for (const rule of this.activeModelRules(options.pluginId)) {
      const cities = (await enabledRegions(this.db, rule.pluginId)).filter((c) => c.level === 'city' && (c.path.startsWith(region.path) || region.path.startsWith(c.path)));
      for (const city of cities) out.push(await scoreCity(this.modelHost(rule.pluginId), rule, city.code));
    }
    if (out.length === 0) throw new InputError([{ path: 'region', message: `no churn model plugin is enabled in ${regionCode}${options.pluginId ? ` (asked for '${options.pluginId}')` : ''}` }]);
    return out;
  }

  /** Scores histories the caller holds (rows of a file) with the region's model, without storing anything. */
  async scoreChurnHistories(regionCode: string, histories: CustomerHistory[], options: { pluginId?: string } = {}): Promise<{ model: StoredChurnModel; scores: ChurnScore[] }> {
    const rule = await this.modelRuleIn(regionCode, options.pluginId);
    const region = (await this.subtreeOf(regionCode))!;
    const model = await currentChurnModel(this.db, rule.pluginId, rule.ruleId, region.path);
    if (!model) throw new InputError([{ path: 'region', message: `no churn model of '${rule.pluginId}' covers ${regionCode}; train one first (weixi model train --region ${regionCode})` }]);
    const settings = await this.settingsFor(rule.pluginId, regionCode);
    return { model, scores: histories.length === 0 ? [] : await scoreWith(rule, { settings, regionCode, model, histories }) };
  }

  /** Stored churn models, newest first, of the regions in a subtree (null: every region). */
  churnModels(filter: { regionPath: string | null; pluginId?: string; limit?: number }): Promise<StoredChurnModel[]> {
    return listChurnModels(this.db, { ...filter, limit: filter.limit ?? 50 });
  }

  private activeModelRules(pluginId?: string): DefinedChurnModel[] {
    return [...this.modelRules.values()].filter((r) => this.active.has(r.pluginId) && (pluginId === undefined || r.pluginId === pluginId));
  }

  /** The one model rule enabled in a region: a plugin enabled at the region (its subtree's root). */
  private async modelRuleIn(regionCode: string, pluginId?: string): Promise<DefinedChurnModel> {
    const region = await this.subtreeOf(regionCode);
    if (!region) throw new NotFoundError('region', regionCode, 'region');
    const enabled: DefinedChurnModel[] = [];
    for (const rule of this.activeModelRules(pluginId)) if (await enabledAt(this.db, rule.pluginId, region.id)) enabled.push(rule);
    if (enabled.length === 0) throw new InputError([{ path: 'region', message: `no churn model plugin is enabled in ${regionCode}${pluginId ? ` (asked for '${pluginId}')` : ''}; enable one there first` }]);
    if (enabled.length > 1) throw new InputError([{ path: 'plugin', message: `several churn model rules are enabled in ${regionCode} (${enabled.map((r) => `${r.pluginId}/${r.ruleId}`).join(', ')}); name the plugin` }]);
    return enabled[0]!;
  }

  private async subtreeOf(regionCode: string): Promise<{ id: number; code: string; path: string; ids: number[] } | undefined> {
    const rows = await queryRows<{ id: number; code: string; path: string; root: boolean }>(
      this.db,
      sql`select r.id, r.code, r.path, r.code = ${regionCode} as root from ${regions} r
          where starts_with(r.path, (select path from ${regions} where code = ${regionCode})) order by r.path`,
    );
    const root = rows.find((r) => r.root);
    return root ? { id: Number(root.id), code: root.code, path: root.path, ids: rows.map((r) => Number(r.id)) } : undefined;
  }

  private modelHost(pluginId: string, registerJob: ChurnModelHost['registerJob'] = () => null): ChurnModelHost {
    const jobs = this.options.jobs;
    return {
      db: this.db,
      now: () => this.options.clock.now(),
      events: this.events,
      churn: this.options.churn ?? DEFAULT_CHURN,
      settingsFor: (regionCode) => this.settingsFor(pluginId, regionCode),
      day: (regionCode, at) => this.services(pluginId).regions.day(regionCode, at),
      subtree: (regionCode) => this.subtreeOf(regionCode),
      registerJob,
      enqueue: jobs?.enqueue ? (jobId, regionCode) => enqueueUnlessQueued(this.db, pluginId, jobId, regionCode, (regionId) => jobs.enqueue!(pluginId, jobId, regionId)) : undefined,
    };
  }

  channel(channelId: string): ChannelSender | undefined {
    return this.channels.get(channelId)?.sender;
  }

  /**
   * The channels available in a region: those whose implementing plugin is enabled there (as this process
   * last read it). The planner plans, and dispatch routes, only through these.
   */
  channelsIn(regionId: number): AvailableChannel[] {
    const out: AvailableChannel[] = [];
    for (const [id, { pluginId }] of this.channels) {
      if (!this.isEnabledIn(pluginId, regionId)) continue;
      const kind = this.manifestOf(pluginId).contributes?.channels?.find((c) => c.id === id)?.kind ?? 'automated';
      out.push({ id, kind, pluginId });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A customer's opt-out reported by a channel plugin (a 退订 reply): consent withdrawn from now on. */
  private async recordOptOut(pluginId: string, channels: ReadonlyArray<{ id: string }>, request: OptOutRequest): Promise<{ customerId: number } | null> {
    const issues: InputIssue[] = [];
    if (request.channel !== '*' && !channels.some((c) => c.id === request.channel)) issues.push({ path: 'request.channel', message: `is not a channel plugin '${pluginId}' implements, nor '*'` });
    if ((request.customerId === undefined) === (request.msisdn === undefined)) issues.push({ path: 'request', message: 'names the customer by customerId or by msisdn' });
    if (request.purpose !== undefined && !['service', 'marketing', 'all'].includes(request.purpose)) issues.push({ path: 'request.purpose', message: 'must be service, marketing or all' });
    if (typeof request.source !== 'string' || request.source.length === 0) issues.push({ path: 'request.source', message: 'says where the opt-out came from' });
    if (issues.length > 0) throw new InputError(issues);
    const customerId = request.customerId ?? (await customerOfMsisdn(this.db, request.msisdn!));
    if (customerId === null) return null;
    const [exists] = await this.db.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId));
    if (!exists) return null;
    await recordConsent(this.db, [{ customerId, channel: request.channel, purpose: request.purpose ?? 'marketing', granted: false, source: `${request.source} (via ${pluginId})` }], this.options.clock.now());
    this.options.logger?.info('contact opt-out recorded', { pluginId, customerId, channel: request.channel, purpose: request.purpose ?? 'marketing' });
    return { customerId };
  }

  /** Delivers queued contacts that are due through this process's channels (see `drainOutbox`). */
  drainOutbox(limit?: number): Promise<number> {
    const channels = { channel: (id: string) => this.channels.get(id), enabledIn: (id: string, regionId: number) => this.isEnabledIn(id, regionId) };
    return drainOutbox(this.db, this.options.clock, channels, [...this.channels.keys()], limit);
  }

  async enable(pluginId: string, regionCode: string | null): Promise<PluginState> {
    return this.setEnabled(pluginId, regionCode, true);
  }

  async disable(pluginId: string, regionCode: string | null): Promise<PluginState> {
    return this.setEnabled(pluginId, regionCode, false);
  }

  /** Settings for a region: its own values over its ancestors', over the global ones, over the defaults. */
  async settingsFor(pluginId: string, regionCode: string | null): Promise<Record<string, unknown>> {
    const manifest = this.manifestOf(pluginId);
    const chain = await configChain(this.db, pluginId, regionCode);
    return mergeSettings(settingsDefaults(manifest.settings), ...chain.map((c) => c.settings));
  }

  /** Sets settings at one level; the result for that level must validate against the plugin's schema. */
  async updateSettings(pluginId: string, regionCode: string | null, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const manifest = this.manifestOf(pluginId);
    const regionId = await this.regionId(regionCode);
    const chain = await configChain(this.db, pluginId, regionCode);
    const own = chain.find((c) => c.region_code === regionCode)?.settings ?? {};
    const levelSettings = mergeSettings(own, patch);
    const resolved = mergeSettings(settingsDefaults(manifest.settings), ...chain.filter((c) => c.region_code !== regionCode).map((c) => c.settings), levelSettings);
    validateSettings(manifest, resolved, 'settings');
    await this.upsertConfig(pluginId, regionId, { settings: levelSettings });
    return resolved;
  }

  /**
   * Counts a failure of a plugin in a region (null: not tied to one). After `failureThreshold` in a row the
   * breaker disables the plugin in that region and records when; `plugins` shows it.
   */
  async recordFailure(pluginId: string, regionId: number | null, error: unknown, where: string): Promise<void> {
    // A call that found the plugin's extension host down: the crash was counted once, against the plugin that caused it.
    if (error instanceof PluginUnavailableError) return;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn('plugin failure', { plugin: pluginId, regionId, where, error: message });
    const [row] = await queryRows<{ consecutive_failures: number }>(
      this.db,
      sql`insert into plugin_health (plugin_id, region_id, consecutive_failures, last_error, last_failure_at)
          values (${pluginId}, ${regionId}, 1, ${message}, ${this.options.clock.now().toISOString()}::timestamptz)
          on conflict (plugin_id, coalesce(region_id, 0)) do update set
            consecutive_failures = plugin_health.consecutive_failures + 1, last_error = excluded.last_error,
            last_failure_at = excluded.last_failure_at
          returning consecutive_failures`,
    );
    const tripped = regionId !== null && Number(row?.consecutive_failures) >= this.threshold;
    this.options.onFailure?.(pluginId, where, tripped);
    if (tripped) {
      await this.db
        .update(pluginHealth)
        .set({ trippedAt: this.options.clock.now() })
        .where(and(eq(pluginHealth.pluginId, pluginId), eq(pluginHealth.regionId, regionId)));
      const [region] = await this.db.select({ code: regions.code }).from(regions).where(eq(regions.id, regionId));
      this.logger.error('circuit breaker: plugin disabled in region', { plugin: pluginId, region: region?.code, failures: row?.consecutive_failures });
      await this.setEnabled(pluginId, region!.code, false, { keepTrip: true });
    }
  }

  /** Counts a job run's outcome (`error` undefined: it succeeded) against its plugin in its region. */
  private async recordOutcome(pluginId: string, run: JobRun, error: unknown, where: string): Promise<void> {
    const regionId = await this.regionId(run.regionCode);
    if (error === undefined) await this.recordSuccess(pluginId, regionId);
    else await this.recordFailure(pluginId, regionId, error, where);
  }

  async recordSuccess(pluginId: string, regionId: number | null): Promise<void> {
    await this.db.execute(
      sql`update plugin_health set consecutive_failures = 0
          where plugin_id = ${pluginId} and coalesce(region_id, 0) = coalesce(${regionId}::int, 0) and consecutive_failures > 0`,
    );
  }

  /** Health rows of a plugin, for the API. */
  async health(pluginId: string) {
    return this.db
      .select({ regionCode: regions.code, consecutiveFailures: pluginHealth.consecutiveFailures, lastError: pluginHealth.lastError, lastFailureAt: pluginHealth.lastFailureAt, trippedAt: pluginHealth.trippedAt })
      .from(pluginHealth)
      .leftJoin(regions, eq(regions.id, pluginHealth.regionId))
      .where(eq(pluginHealth.pluginId, pluginId));
  }

  /** Region codes where the plugin is enabled now (every level of the tree). */
  async enabledRegionCodes(pluginId: string): Promise<string[]> {
    return (await enabledRegions(this.db, pluginId)).map((r) => r.code);
  }

  private manifestOf(pluginId: string): PluginManifest {
    const manifest = this.states.get(pluginId)?.manifest;
    if (!manifest) throw new NotFoundError('plugin', pluginId, 'id');
    return manifest;
  }

  private async regionId(regionCode: string | null): Promise<number | null> {
    if (regionCode === null) return null;
    const [row] = await this.db.select({ id: regions.id }).from(regions).where(eq(regions.code, regionCode));
    if (!row) throw new InputError([{ path: 'regionCode', message: `region ${JSON.stringify(regionCode)} does not exist` }]);
    return row.id;
  }

  private async upsertConfig(pluginId: string, regionId: number | null, values: { enabled?: boolean; settings?: Record<string, unknown> }): Promise<void> {
    const set = {
      ...(values.enabled !== undefined ? { enabled: values.enabled } : {}),
      ...(values.settings !== undefined ? { settings: values.settings } : {}),
      updatedAt: this.options.clock.now(),
    };
    const where = and(eq(pluginConfigs.pluginId, pluginId), regionId === null ? isNull(pluginConfigs.regionId) : eq(pluginConfigs.regionId, regionId));
    const updated = await this.db.update(pluginConfigs).set(set).where(where).returning({ id: pluginConfigs.id });
    if (updated.length === 0) {
      await this.db.insert(pluginConfigs).values({ pluginId, regionId, enabled: values.enabled ?? null, settings: values.settings ?? {} }).onConflictDoNothing();
      if (values.enabled !== undefined || values.settings !== undefined) await this.db.update(pluginConfigs).set(set).where(where);
    }
  }

  private async setEnabled(pluginId: string, regionCode: string | null, enabled: boolean, opts: { keepTrip?: boolean } = {}): Promise<PluginState> {
    const state = this.states.get(pluginId);
    if (!state) throw new NotFoundError('plugin', pluginId, 'id');
    if (state.status === 'refused') throw new WeixiError('CONFLICT', `plugin '${pluginId}' was refused at startup: ${state.error}`);
    const regionId = await this.regionId(regionCode);
    await this.upsertConfig(pluginId, regionId, { enabled });
    if (enabled && !opts.keepTrip) {
      await this.db.execute(
        sql`update plugin_health set tripped_at = null, consecutive_failures = 0
            where plugin_id = ${pluginId} and coalesce(region_id, 0) = coalesce(${regionId}::int, 0)`,
      );
    }
    await this.reload(pluginId);
    if (!enabled) {
      const still = (await enabledRegions(this.db, pluginId)).map((r) => Number(r.id));
      const expired = await expireWarningsOutside(this.db, pluginId, still, this.options.clock.now());
      if (expired > 0) this.logger.info('warnings expired', { plugin: pluginId, region: regionCode, expired });
    }
    return this.states.get(pluginId)!;
  }

  private async activate(plugin: InstalledPlugin): Promise<void> {
    const id = plugin.manifest.id;
    const subscriptions: Disposable[] = [];
    try {
      // Declared types join with the plugin, before its code runs, and leave with it.
      subscriptions.push(this.types.add(id, pluginNamespace(plugin.manifest), plugin.manifest.contributes?.graphqlTypes ?? []));
      const module = await this.load(plugin);
      if (!module || typeof module.activate !== 'function') throw new Error(`${plugin.entry} has no default export made with definePlugin({ activate })`);
      await module.activate(this.context(plugin, subscriptions) as never);
      this.active.set(id, { module, subscriptions });
      this.states.set(id, { id, manifest: plugin.manifest, status: 'active' });
      this.logger.info('plugin activated', { plugin: id, registrations: subscriptions.length });
    } catch (error) {
      await disposeAll(subscriptions);
      const message = error instanceof Error ? error.message : String(error);
      this.states.set(id, { id, manifest: plugin.manifest, status: 'failed', error: message });
      this.logger.error('plugin failed to activate', { plugin: id, error: message });
    }
  }

  /**
   * A plugin's module as this host runs plugins: imported here, or a proxy of one running in the extension
   * host (`loadModule`). Anything else that must call plugin code (an upgrade's settings migration) loads
   * it through this, so no plugin code runs in the API process when plugins run out of it.
   */
  async load(plugin: InstalledPlugin): Promise<WeixiPlugin<never> | undefined> {
    if (this.options.loadModule) return this.options.loadModule(plugin);
    return ((await import(pathToFileURL(plugin.entry).href)) as { default?: WeixiPlugin<never> }).default;
  }

  private async deactivate(pluginId: string): Promise<void> {
    const active = this.active.get(pluginId);
    const manifest = this.states.get(pluginId)?.manifest;
    if (!active) return;
    this.active.delete(pluginId);
    try {
      await active.module.deactivate?.();
    } catch (error) {
      this.logger.warn('plugin deactivate threw', { plugin: pluginId, error: String(error) });
    }
    await disposeAll(active.subscriptions);
    this.states.set(pluginId, { id: pluginId, manifest, status: 'inactive' });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private context(plugin: InstalledPlugin, subscriptions: Disposable[]): PluginContext {
    const { manifest } = plugin;
    // Registrations are tracked here as well, so disabling undoes them even if the plugin forgot to push them.
    const own = <D extends Disposable>(d: D): D => (subscriptions.push(d), d);
    const id = manifest.id;
    const declared = (kind: string, list: Array<{ id?: string; field?: string; type?: string }> | undefined, key: string) => {
      if (!list?.some((c) => (c.id ?? `${c.type}.${c.field}`) === key)) {
        throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' registers ${kind} '${key}', which its manifest does not declare under contributes`);
      }
    };
    const namespace = pluginNamespace(manifest);
    const typed = <S extends Parameters<PluginContext['graphql']['addField']>[2]>(key: string, spec: S) =>
      schemaFieldSpec(id, key, spec, manifest.contributes?.graphqlTypes ?? [], namespace);
    const definedRules = new Set<string>();
    // Every job of the plugin, its warning rules' included, counts its failures against the plugin's health.
    const registerJob = (job: JobContribution, handler: (run: JobRun) => Promise<void>, batch?: WarningJobBatch): Disposable | null => {
      if (!this.options.jobs) return null;
      const wrapped = async (run: JobRun) => {
        try {
          await handler(run);
        } catch (error) {
          await this.recordOutcome(id, run, error, `job ${job.id}`);
          throw error;
        }
        await this.recordOutcome(id, run, undefined, `job ${job.id}`);
      };
      return this.options.jobs.register(id, job, wrapped, batch && this.warningBatch);
    };
    const logger: PluginLogger = {
      debug: (msg, f) => this.logger.debug(msg, { plugin: id, ...f }),
      info: (msg, f) => this.logger.info(msg, { plugin: id, ...f }),
      warn: (msg, f) => this.logger.warn(msg, { plugin: id, ...f }),
      error: (msg, f) => this.logger.error(msg, { plugin: id, ...f }),
    };
    return {
      plugin: { id, version: manifest.version, namespace, manifest: frozenCopy(manifest) },
      subscriptions,
      logger,
      settings: { forRegion: (regionCode) => this.settingsFor(id, regionCode) as never },
      storage: pluginStorageFor(this.db, id),
      graphql: {
        addField: (type, field, spec) => {
          declared('GraphQL field', manifest.contributes?.graphql, `${type}.${field}`);
          return own(this.fields.add({ pluginId: id, type, name: field, spec: typed(`${type}.${field}`, spec) as never }));
        },
        addRootField: (type, field, spec) => {
          declared('GraphQL field', manifest.contributes?.graphql, `${type}.${field}`);
          return own(this.fields.add({ pluginId: id, type, name: `${namespace}_${field}`, spec: typed(`${type}.${namespace}_${field}`, spec as never) as never }));
        },
      },
      jobs: {
        handle: (jobId, handler) => {
          declared('job', manifest.contributes?.jobs, jobId);
          const job = manifest.contributes!.jobs!.find((j) => j.id === jobId)!;
          return own(registerJob(job, handler) ?? { dispose() {} });
        },
      },
      warnings: {
        defineRule: (ruleId, build) => {
          const jobs = this.options.jobs;
          const parts = defineWarningRule(manifest, definedRules, {
            db: this.db,
            now: () => this.options.clock.now(),
            events: this.events,
            settingsFor: (regionCode) => this.settingsFor(id, regionCode),
            day: (regionCode, at) => this.services(id).regions.day(regionCode, at),
            registerJob,
            warningJobs: this.warningJobs,
            enqueue: jobs?.enqueue ? (jobId, regionCode) => enqueueUnlessQueued(this.db, id, jobId, regionCode, (regionId) => jobs.enqueue!(id, jobId, regionId)) : undefined,
          }, ruleId, build as never);
          const key = `${id}/${ruleId}`;
          const title = manifest.contributes?.warningRules?.find((r) => r.id === ruleId)?.title ?? ruleId;
          this.warningRules.set(key, { pluginId: id, ruleId, title, build: build as never });
          parts.push({ dispose: () => void this.warningRules.delete(key) });
          parts.forEach(own);
          return { dispose: async () => void (await disposeAll(parts)) };
        },
        defineModel: (ruleId, definition) => {
          const parts = defineChurnModelRule(manifest, definedRules, this.modelHost(id, registerJob), ruleId, definition as never);
          const key = `${id}/${ruleId}`;
          const title = manifest.contributes?.warningRules?.find((r) => r.id === ruleId)?.title ?? ruleId;
          this.modelRules.set(key, { pluginId: id, ruleId, title, definition: definition as never });
          parts.push({ dispose: () => void this.modelRules.delete(key) });
          parts.forEach(own);
          return { dispose: async () => void (await disposeAll(parts)) };
        },
      },
      tactics: { define: (tacticId, implementation) => own(this.tactics.define(manifest, tacticId, implementation as never)) },
      events: { on: (event, handler) => own(this.events.on(id, event, handler)) },
      channels: {
        register: (channelId, sender) => {
          declared('channel', manifest.contributes?.channels, channelId);
          const owner = this.channels.get(channelId);
          if (owner) throw new WeixiError('CONFLICT', `plugins '${owner.pluginId}' and '${id}' both implement channel '${channelId}'`);
          const entry = { pluginId: id, sender };
          this.channels.set(channelId, entry);
          return own({ dispose: () => void (this.channels.get(channelId) === entry && this.channels.delete(channelId)) });
        },
        // Receipts and opt-outs act on the plugin's own channels only, whichever channel a plugin names.
        report: (report) => reportDelivery(this.db, this.options.clock, (manifest.contributes?.channels ?? []).map((c) => c.id), report),
        optOut: (request) => this.recordOptOut(id, manifest.contributes?.channels ?? [], request),
      },
      services: this.services(id),
    };
  }

  /**
   * A plugin's domain services: its own (jobs, events) without a caller, or narrowed to an API caller for
   * the resolvers of its GraphQL fields, so plugin data stays in the caller's scope.
   */
  services(pluginId: string, caller?: Principal): PluginServices {
    return pluginServices({
      db: this.db,
      clock: this.options.clock,
      pluginId,
      capabilities: this.manifestOf(pluginId).capabilities ?? [],
      channel: (channelId) => this.channels.get(channelId),
      enabledIn: (id, regionId) => this.isEnabledIn(id, regionId),
      enablement: () => this.enablement(pluginId),
      caller,
    });
  }
}

async function disposeAll(subscriptions: Disposable[]): Promise<void> {
  for (const s of [...new Set(subscriptions)].reverse()) {
    try {
      await s.dispose();
    } catch {
      // one failing dispose must not keep the others registered
    }
  }
  subscriptions.length = 0;
}

/** A deep-frozen copy, so a plugin reading its manifest cannot change the host's. */
function frozenCopy<T>(value: T): T {
  const freeze = (v: unknown): unknown => {
    if (typeof v === 'object' && v !== null) {
      for (const item of Object.values(v)) freeze(item);
      Object.freeze(v);
    }
    return v;
  };
  return freeze(structuredClone(value)) as T;
}
