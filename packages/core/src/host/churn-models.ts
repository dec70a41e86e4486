/**
 * `ctx.warnings.defineModel`: a warning rule whose evaluation is a churn model the plugin trains and
 * applies, while the core owns the data and the writing (see the SDK's `churn-models.ts`). Training reads
 * the labelled histories of a region subtree and stores the result as the region's next model version;
 * the rule's job scores each enabled city with the model of the city or its nearest ancestor, page by page,
 * and writes the warnings the plugin raises in one statement (`writeScoredWarnings`).
 */
import { sql } from 'drizzle-orm';
import { churnModels, queryRows, type Db } from '@weixi/db';
import { DEFAULT_WARNING_SCHEDULE } from '@weixi/sdk';
import type { ChurnModelDefinition, ChurnScore, CustomerHistory, Disposable, JobContribution, JobRun, LabelledHistory, PluginManifest, StoredChurnModel, TrainedChurnModel } from '@weixi/sdk';
import { firstDay, isMonth, MAX_HORIZON_MONTHS, writeScoredWarnings, type ChurnDefinition, type ScoredWarning } from '@weixi/warnings';
import { InputError, NotFoundError, WeixiError } from '../errors.js';
import { historyOf, historyPages, type HistoryPopulation } from './customer-histories.js';
import { afterUsageLoads, declaredRule, monthBefore, warningJobId, type WarningRuleHost } from './warning-rules.js';

/** A model rule an active plugin defined. */
export interface DefinedChurnModel {
  pluginId: string;
  ruleId: string;
  title: string;
  definition: ChurnModelDefinition<never>;
}

/** Customers per page read and scored. */
const PAGE = 2000;
/** How far back the latest usage month of a region is looked for. */
const LOOKBACK_MONTHS = 24;
/** Factors kept per warning. */
const FACTORS = 5;

export interface ChurnModelHost extends Pick<WarningRuleHost, 'db' | 'now' | 'events' | 'settingsFor' | 'day' | 'enqueue'> {
  /** Registers the rule's job with the host's job wrapper (health, failures); null without a runner. */
  registerJob(job: JobContribution, handler: (run: JobRun) => Promise<void>): Disposable | null;
  churn: ChurnDefinition;
  /** The region and its subtree's ids; undefined when no region has that code. */
  subtree(regionCode: string): Promise<{ id: number; code: string; path: string; ids: number[] } | undefined>;
}

export function defineChurnModelRule(
  manifest: PluginManifest,
  defined: Set<string>,
  host: ChurnModelHost,
  ruleId: string,
  definition: ChurnModelDefinition<never>,
): Disposable[] {
  const id = manifest.id;
  if (typeof definition?.train !== 'function' || typeof definition?.score !== 'function') {
    throw new WeixiError('BAD_USER_INPUT', `plugin '${id}' defines model rule '${ruleId}' without { train(input), score(input) } functions`);
  }
  const rule = declaredRule(manifest, defined, ruleId, 'warnings.defineModel', ['models:train']);
  defined.add(ruleId);
  const jobId = warningJobId(ruleId);
  const run = async (job: JobRun) => void (await scoreCity(host, { pluginId: id, ruleId, definition }, job.regionCode, job));
  const disposables: Disposable[] = [];
  const registered = host.registerJob({ id: jobId, description: `${rule.title}: ${rule.description}`, cron: rule.schedule ?? DEFAULT_WARNING_SCHEDULE }, run);
  if (registered) disposables.push(registered);
  disposables.push(...afterUsageLoads(host, id, jobId), { dispose: () => void defined.delete(ruleId) });
  return disposables;
}


/** The latest month up to the last complete one with usage recorded in the subtree, or null. */
async function latestUsageMonth(db: Db, regionIds: number[], lastComplete: string): Promise<string | null> {
  const ids = sql.raw(regionIds.map(Number).join(', ') || 'null');
  const [row] = await queryRows<{ month: string | null }>(
    db,
    sql`select to_char(m, 'YYYY-MM') as month from generate_series(${firstDay(lastComplete)}::date, ${firstDay(lastComplete, -LOOKBACK_MONTHS)}::date, interval '-1 month') m
        where exists (select from monthly_usage u join customers c on c.id = u.customer_id where u.month = m::date and c.region_id in (${ids}))
        order by m desc limit 1`,
  );
  return row?.month ?? null;
}

/** The model of a region: its own latest version, else its nearest ancestor's. */
export async function currentChurnModel(db: Db, pluginId: string, ruleId: string, regionPath: string): Promise<StoredChurnModel | null> {
  const [row] = await queryRows<ModelRow>(
    db,
    sql`${MODEL_SELECT} where m.plugin_id = ${pluginId} and m.rule_id = ${ruleId} and starts_with(${regionPath}, r.path)
        order by length(r.path) desc, m.version desc limit 1`,
  );
  return row ? modelOf(row) : null;
}

/** Stored models, newest first: of the regions in a subtree and its ancestors (null: all), optionally one plugin's. */
export async function listChurnModels(db: Db, filter: { regionPath: string | null; pluginId?: string; limit: number }): Promise<StoredChurnModel[]> {
  const rows = await queryRows<ModelRow>(
    db,
    sql`${MODEL_SELECT} where ${filter.regionPath === null ? sql`true` : sql`(starts_with(r.path, ${filter.regionPath}) or starts_with(${filter.regionPath}, r.path))`}
        ${filter.pluginId ? sql`and m.plugin_id = ${filter.pluginId}` : sql``}
        order by m.trained_at desc, m.id desc limit ${filter.limit}`,
  );
  return rows.map(modelOf);
}

const MODEL_SELECT = sql`select m.id, m.plugin_id, m.rule_id, r.code as region_code, m.version, m.kind, m.label, m.features, m.parameters, m.metrics,
    to_char(m.as_of_month, 'YYYY-MM') as as_of_month, m.horizon_months, m.training_rows, m.positives, m.trained_at
  from churn_models m join regions r on r.id = m.region_id`;

interface ModelRow extends Record<string, unknown> {
  id: number;
  plugin_id: string;
  rule_id: string;
  region_code: string;
  version: number;
  kind: string;
  label: string;
  features: string[] | string;
  parameters: unknown;
  metrics: unknown;
  as_of_month: string;
  horizon_months: number;
  training_rows: number;
  positives: number;
  trained_at: Date | string;
}

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function modelOf(row: ModelRow): StoredChurnModel & { pluginId: string; ruleId: string } {
  return {
    id: Number(row.id),
    pluginId: row.plugin_id,
    ruleId: row.rule_id,
    regionCode: row.region_code,
    version: Number(row.version),
    kind: row.kind,
    label: row.label,
    features: parsed<string[]>(row.features),
    parameters: parsed(row.parameters),
    metrics: parsed(row.metrics),
    asOfMonth: row.as_of_month,
    horizonMonths: Number(row.horizon_months),
    trainingRows: Number(row.training_rows),
    positives: Number(row.positives),
    trainedAt: new Date(row.trained_at),
  };
}

export interface TrainRequest {
  regionCode: string;
  /** `YYYY-MM`; default: the latest month with usage whose horizon saw churn (see `defaultTrainingMonth`). */
  asOfMonth?: string;
  /** Default 3. */
  horizonMonths?: number;
  onProgress?: (fraction: number, message?: string) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  model: StoredChurnModel;
  pluginId: string;
  ruleId: string;
}

/** Trains a model rule on the labelled customers of a region subtree and stores it as the next version. */
export async function trainChurnModel(host: ChurnModelHost, rule: DefinedChurnModel, request: TrainRequest): Promise<TrainResult> {
  const horizonMonths = request.horizonMonths ?? 3;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > MAX_HORIZON_MONTHS) {
    throw new InputError([{ path: 'horizon', message: `${horizonMonths} months; 1 to ${MAX_HORIZON_MONTHS}` }]);
  }
  if (request.asOfMonth !== undefined && !isMonth(request.asOfMonth)) throw new InputError([{ path: 'asOf', message: `${JSON.stringify(request.asOfMonth)} is not a month (YYYY-MM)` }]);
  const region = await host.subtree(request.regionCode);
  if (!region) throw new NotFoundError('region', request.regionCode, 'region');
  const day = await host.day(region.code, host.now());
  const asOfMonth = request.asOfMonth ?? (await defaultTrainingMonth(host.db, region.ids, monthBefore(day.date), horizonMonths));
  if (!asOfMonth) throw new InputError([{ path: 'region', message: `no usage is recorded in ${region.code}: there is nothing to learn from` }]);
  // Months without revenue only tell churn where usage was recorded through the horizon: a data set that
  // ends at its snapshot (the public samples) would make everyone a churner. Status alone there.
  const latest = await latestUsageMonth(host.db, region.ids, firstDay(asOfMonth, horizonMonths).slice(0, 7));
  const observed = latest !== null && latest >= firstDay(asOfMonth, horizonMonths).slice(0, 7);
  const churn: ChurnDefinition = observed ? host.churn : { monthsWithoutRevenue: null };
  const population: HistoryPopulation = { kind: 'labelled', horizonMonths, churn };
  const dayStart = (await host.day(region.code, new Date(`${firstDay(asOfMonth, 1)}T12:00:00Z`))).start;
  const histories: LabelledHistory[] = [];
  const progress = request.onProgress ?? (() => {});
  for await (const page of historyPages(host.db, { regionIds: region.ids, asOfMonth, dayStart, limit: PAGE }, population)) {
    request.signal?.throwIfAborted();
    for (const raw of page) histories.push({ ...historyOf(raw, asOfMonth), churned: raw.churned === true });
    progress(0, `read ${histories.length} customers of ${region.code} as of ${asOfMonth}`);
  }
  const positives = histories.filter((h) => h.churned).length;
  if (positives === 0 || positives === histories.length) {
    const what = histories.length === 0 ? 'no customer with a known outcome' : positives === 0 ? `none of its ${histories.length} customers churned` : `all of its ${histories.length} customers churned`;
    throw new InputError([{ path: 'asOf', message: `${region.code} as of ${asOfMonth} over ${horizonMonths} months: ${what}; a model needs churners and stayers (choose another month or region)` }]);
  }
  const settings = await host.settingsFor(region.code);
  const trained = await rule.definition.train({
    settings: settings as never,
    regionCode: region.code,
    asOfMonth,
    horizonMonths,
    histories,
    progress: (fraction, message) => progress(Math.min(1, Math.max(0, fraction)), message),
    signal: request.signal ?? new AbortController().signal,
  });
  const problems = trainedProblems(trained);
  if (problems.length > 0) throw new Error(`plugin '${rule.pluginId}' model rule '${rule.ruleId}' returned an invalid model: ${problems.join('; ')}`);
  const [row] = await queryRows<{ id: number }>(
    host.db,
    sql`insert into ${churnModels} (region_id, plugin_id, rule_id, version, kind, label, features, parameters, metrics, as_of_month, horizon_months, training_rows, positives, trained_at)
        select ${region.id}, ${rule.pluginId}, ${rule.ruleId},
          coalesce((select max(version) from ${churnModels} where region_id = ${region.id} and plugin_id = ${rule.pluginId} and rule_id = ${rule.ruleId}), 0) + 1,
          ${trained.kind}, ${trained.label}, ${JSON.stringify(trained.features)}::jsonb, ${JSON.stringify(trained.parameters)}::jsonb, ${JSON.stringify(trained.metrics)}::jsonb,
          ${firstDay(asOfMonth)}::date, ${horizonMonths}, ${histories.length}, ${positives}, ${host.now().toISOString()}::timestamptz
        returning id`,
  );
  const [stored] = await queryRows<ModelRow>(host.db, sql`${MODEL_SELECT} where m.id = ${row!.id}`);
  return { model: modelOf(stored!), pluginId: rule.pluginId, ruleId: rule.ruleId };
}

function trainedProblems(t: TrainedChurnModel): string[] {
  const out: string[] = [];
  if (typeof t?.kind !== 'string' || t.kind.length === 0) out.push('kind: a non-empty string');
  if (typeof t?.label !== 'string') out.push('label: a string');
  if (!Array.isArray(t?.features) || !t.features.every((f) => typeof f === 'string')) out.push('features: a list of names');
  const m = t?.metrics;
  if (typeof m !== 'object' || m === null || !Number.isFinite(m.auc)) out.push('metrics.auc: a number');
  return out;
}

/**
 * The month a training looks from when none is given: the latest month with usage in the subtree (up to
 * the last complete one), if some of its customers churned in the horizon after it; else the month a
 * horizon earlier, whose outcomes have had the horizon to show.
 */
export async function defaultTrainingMonth(db: Db, regionIds: number[], lastComplete: string, horizonMonths: number): Promise<string | null> {
  const latest = await latestUsageMonth(db, regionIds, lastComplete);
  if (!latest) return null;
  const ids = sql.raw(regionIds.map(Number).join(', ') || 'null');
  const [row] = await queryRows<{ churned: boolean }>(
    db,
    sql`select exists (select from customers c where c.region_id in (${ids}) and c.churned_on >= ${firstDay(latest, 1)}::date and c.churned_on < ${firstDay(latest, 1 + horizonMonths)}::date) as churned`,
  );
  return row?.churned ? latest : firstDay(latest, -horizonMonths).slice(0, 7);
}

export interface ScoreSummary {
  regionCode: string;
  /** Null when no model covers the city or it has no usage yet. */
  modelVersion: number | null;
  asOfMonth: string | null;
  scored: number;
  warned: number;
  raised: number;
  resolved: number;
}

/**
 * Scores a city's current customers with its model and writes the warnings the plugin raises. Pages are
 * scored one at a time; only the warned customers' scores are kept until the one write.
 */
export async function scoreCity(host: ChurnModelHost, rule: Omit<DefinedChurnModel, 'title'>, cityCode: string, job?: JobRun): Promise<ScoreSummary> {
  const report = async (fraction: number, message: string) => void (await job?.progress(fraction, message));
  const region = await host.subtree(cityCode);
  if (!region) throw new NotFoundError('region', cityCode, 'region');
  const empty = { regionCode: region.code, modelVersion: null, asOfMonth: null, scored: 0, warned: 0, raised: 0, resolved: 0 };
  const model = await currentChurnModel(host.db, rule.pluginId, rule.ruleId, region.path);
  if (!model) {
    await report(1, `no churn model covers ${region.code} yet; train one with weixi model train --region ${region.code} (or an ancestor)`);
    return empty;
  }
  const day = await host.day(region.code, job?.scheduledFor ?? host.now());
  const asOfMonth = await latestUsageMonth(host.db, region.ids, monthBefore(day.date));
  if (!asOfMonth) {
    await report(1, `no usage recorded in ${region.code}; ${rule.ruleId} not run`);
    return empty;
  }
  const dayStart = (await host.day(region.code, new Date(`${firstDay(asOfMonth, 1)}T12:00:00Z`))).start;
  const settings = await host.settingsFor(region.code);
  const warned: ScoredWarning[] = [];
  let scored = 0;
  for await (const page of historyPages(host.db, { regionIds: region.ids, asOfMonth, dayStart, limit: PAGE }, { kind: 'current' })) {
    job?.signal.throwIfAborted();
    const histories = page.map((raw) => historyOf(raw, asOfMonth));
    const scores = await scoreWith(rule, { settings, regionCode: region.code, model, histories });
    scores.forEach((s, i) => {
      if (s.warn) warned.push(warningOf(model, histories[i]!.customerId, s));
    });
    scored += page.length;
    await report(0, `scored ${scored} customers of ${region.code} with model v${model.version} (${model.regionCode})`);
  }
  const written = await writeScoredWarnings(host.db, { pluginId: rule.pluginId, ruleId: rule.ruleId, regionIds: region.ids, asOfMonth, now: host.now(), runId: job?.runId ?? null, warnings: warned });
  if (written.raised.length > 0) await host.events.emit('warning.raised', { regionCode: region.code, pluginId: rule.pluginId, ruleId: rule.ruleId, warnings: written.raised });
  await report(1, `${scored} customers of ${region.code} scored as of ${asOfMonth} with model v${model.version} of ${model.regionCode}: ${warned.length} warned, ${written.raised.length} raised, ${written.resolved} resolved`);
  return { regionCode: region.code, modelVersion: model.version, asOfMonth, scored, warned: warned.length, raised: written.raised.length, resolved: written.resolved };
}

/** Calls the plugin's `score` and checks what it returns: one score per history, probabilities in [0, 1]. */
export async function scoreWith(
  rule: Pick<DefinedChurnModel, 'pluginId' | 'ruleId' | 'definition'>,
  input: { settings: Record<string, unknown>; regionCode: string; model: StoredChurnModel; histories: CustomerHistory[] },
): Promise<ChurnScore[]> {
  const scores = await rule.definition.score(input as never);
  const bad = (why: string) => new Error(`plugin '${rule.pluginId}' model rule '${rule.ruleId}' scored badly: ${why}`);
  if (!Array.isArray(scores) || scores.length !== input.histories.length) throw bad(`${Array.isArray(scores) ? scores.length : 'no'} scores for ${input.histories.length} customers`);
  scores.forEach((s, i) => {
    if (!(typeof s?.probability === 'number' && s.probability >= 0 && s.probability <= 1)) throw bad(`score ${i}: probability ${JSON.stringify(s?.probability)} is not in [0, 1]`);
    if (!Array.isArray(s.factors)) throw bad(`score ${i}: factors is not a list`);
  });
  return scores;
}

function warningOf(model: StoredChurnModel, customerId: number, s: ChurnScore): ScoredWarning {
  const factors = s.factors.slice(0, FACTORS).map((f) => ({ feature: String(f.feature), value: Number(f.value), contribution: Math.round(Number(f.contribution) * 10_000) / 10_000 }));
  const named = factors.filter((f) => f.contribution > 0).slice(0, 3).map((f) => f.feature);
  const percent = Math.round(s.probability * 1000) / 10;
  return {
    customerId,
    score: Math.round(s.probability * 10_000) / 100,
    reason: `流失模型v${model.version}：流失概率${percent}%${named.length > 0 ? `（主要因素：${named.join('、')}）` : ''}`,
    evidence: { probability: Math.round(s.probability * 10_000) / 10_000, modelVersion: model.version },
    factors,
  };
}
