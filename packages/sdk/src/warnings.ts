/**
 * Churn-warning rules (流失预警) as data. A rule plugin does not write SQL and does not loop over customers:
 * it returns a {@link WarningRuleDefinition} (a condition, a score, the evidence and a reason template), and
 * the core compiles it into one set-based statement over a region, as of a month. Because a definition is
 * plain JSON, the plugin could run out of process unchanged.
 */
import type { Disposable, UsageMetric } from './index.js';
import type { ChurnModelDefinition } from './churn-models.js';

/**
 * A number the engine computes per customer as of month M (the last complete month counted). `null`
 * propagates (a customer without a contract has no `contractEndsInDays`); a condition on null is false.
 *
 * - a number: a constant.
 * - `usage`: `total`/`average`/`max`/`min` of a monthly metric over the `months` months ending `offset`
 *   months before M (default 0: ending with M). A month without a row counts as 0.
 * - `monthsWithout`: trailing months, ending with M and at most `months`, in which the metric was 0.
 * - `customer`: a fact of the customer. `tenureMonths`: complete calendar months as a customer through M
 *   (joined 2026-08-15, M = 2026-10: 2). `contractEndsInDays`: days from the evaluation day (the day after
 *   M ends, or the run's day) to `contract_ends_on`. `birthdayInDays`: days from the evaluation day to the
 *   next birthday (0: that day; null without a birthday; Feb 29 falls on Feb 28 in common years).
 * - `monthsSinceDate`: whole months from a `YYYY-MM-DD` date in `customers.attributes` (e.g. the device
 *   purchase date, `devicePurchasedOn`) to the evaluation day; null when absent or not a date.
 * - `events`: how many customer events of `type` (e.g. `port_out_inquiry`) occurred in the `days` days
 *   before the evaluation day.
 * - `householdChurned`: members of the customer's `group_id` (another customer) who churned in the `days`
 *   days before the evaluation day.
 * - `add`/`mul`/`min`/`max` take a list; `sub`/`div` a pair (`div` by 0 is null); `change` is
 *   `(to - from) / from` (null when `from` is 0): -0.3 is a 30% drop.
 *
 * @example
 * ```ts
 * // ARPU last month against the 3 months before it
 * const drop: WarningExpr = { change: {
 *   from: { usage: 'revenueCents', measure: 'average', months: 3, offset: 1 },
 *   to: { usage: 'revenueCents', measure: 'total', months: 1 },
 * } };
 * ```
 */
export type WarningExpr =
  | number
  | { usage: UsageMetric; measure: 'total' | 'average' | 'max' | 'min'; months: number; offset?: number }
  | { monthsWithout: UsageMetric; months: number }
  | { customer: WarningCustomerFact }
  | { monthsSinceDate: { attribute: string } }
  | { events: { type: string; days: number } }
  | { householdChurned: { days: number } }
  | { add: WarningExpr[] }
  | { mul: WarningExpr[] }
  | { min: WarningExpr[] }
  | { max: WarningExpr[] }
  | { sub: [WarningExpr, WarningExpr] }
  | { div: [WarningExpr, WarningExpr] }
  | { change: { from: WarningExpr; to: WarningExpr } };

/** The numeric customer facts a {@link WarningExpr} reads. */
export type WarningCustomerFact = 'tenureMonths' | 'contractEndsInDays' | 'birthdayInDays' | 'balanceCents' | 'creditLimitCents' | 'points';

/** The text customer facts an `in` test reads. */
export type WarningCustomerSet = 'status' | 'tier' | 'paymentType' | 'plan' | 'groupKind';

/** The yes/no customer facts a `flag` test reads: a campus customer (校园客户), one with an account manager (客户经理). */
export type WarningCustomerFlag = 'isCampus' | 'hasAccountManager';

export type WarningCompareOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

/**
 * When a rule fires for a customer: `all`/`any` of a list, `not`, a comparison of two expressions, a
 * text fact in a set, or a yes/no fact (`{ flag: 'isCampus' }`). A comparison with a null side is false (and
 * `not` of it true).
 *
 * @example
 * ```ts
 * const when: WarningCondition = { all: [
 *   { in: { fact: 'status', values: ['active'] } },
 *   { compare: [{ customer: 'contractEndsInDays' }, 'lte', 30] },
 * ] };
 * ```
 */
export type WarningCondition =
  | { all: WarningCondition[] }
  | { any: WarningCondition[] }
  | { not: WarningCondition }
  | { compare: [WarningExpr, WarningCompareOp, WarningExpr] }
  | { in: { fact: WarningCustomerSet; values: string[] } }
  | { flag: WarningCustomerFlag };

/**
 * What a rule computes for a region and month. `score` is clamped to 0..100 and gives the level (`high`
 * from 70, `medium` from 40, else `low`); `evidence` is stored with the warning, and `reason` may name its
 * entries as `{name}`.
 *
 * @example
 * ```ts
 * const rule: WarningRuleDefinition = {
 *   when: { compare: [{ monthsWithout: 'activeDays', months: 6 }, 'gte', 2] },
 *   score: { mul: [{ monthsWithout: 'activeDays', months: 6 }, 20] },
 *   evidence: { silentMonths: { monthsWithout: 'activeDays', months: 6 } },
 *   reason: '连续{silentMonths}个完整月无活跃',
 * };
 * ```
 */
export interface WarningRuleDefinition {
  when: WarningCondition;
  score: WarningExpr;
  evidence: Record<string, WarningExpr>;
  reason: string;
}

/** What a rule's builder gets for one run: the region's settings, the region and the as-of month (`YYYY-MM`). */
export interface WarningRuleInput<S> {
  settings: S;
  regionCode: string;
  asOfMonth: string;
}

export interface PluginWarnings<S> {
  /**
   * `warnings:raise`: implements a rule declared in `contributes.warningRules`. The host runs it on the
   * rule's `schedule` in every region where the plugin is enabled, and after a usage load; each run
   * calls `build` with the region's settings and compiles what it returns to SQL.
   *
   * @example
   * ```ts
   * ctx.subscriptions.push(ctx.warnings.defineRule('silent-customer', ({ settings }) => silentRule(settings.silentMonths)));
   * ```
   */
  defineRule(ruleId: string, build: (input: WarningRuleInput<S>) => WarningRuleDefinition): Disposable;
  /**
   * `warnings:raise` and `models:train`: implements a rule declared in `contributes.warningRules` with a
   * churn model the core trains on demand and scores on the rule's schedule (see `churn-models.ts`).
   *
   * @example
   * ```ts
   * ctx.subscriptions.push(ctx.warnings.defineModel('churn-model', { train: trainModel, score: scoreHistories }));
   * ```
   */
  defineModel(ruleId: string, definition: ChurnModelDefinition<S>): Disposable;
}

/** A warning's risk level, from its score. */
export type WarningLevel = 'low' | 'medium' | 'high';

/** The payload of `warning.raised`: the warnings one run raised in a region, in one event. */
export interface WarningsRaised {
  regionCode: string;
  pluginId: string;
  ruleId: string;
  warnings: Array<{ warningId: number; customerId: number; level: WarningLevel; score: number }>;
}

const MAX_MONTHS = 36;
const MAX_DAYS = 3660;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const USAGE_METRICS: readonly UsageMetric[] = ['revenueCents', 'voiceMinutes', 'dataMb', 'sms', 'rechargeCents', 'activeDays', 'complaints', 'competitorContacts'];
const FACTS: readonly WarningCustomerFact[] = ['tenureMonths', 'contractEndsInDays', 'birthdayInDays', 'balanceCents', 'creditLimitCents', 'points'];
const FLAGS: readonly WarningCustomerFlag[] = ['isCampus', 'hasAccountManager'];
const SETS: readonly WarningCustomerSet[] = ['status', 'tier', 'paymentType', 'plan', 'groupKind'];
const OPS: readonly WarningCompareOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];
const LISTS = ['add', 'mul', 'min', 'max'] as const;
const PAIRS = ['sub', 'div'] as const;

type Problems = string[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = <T>(list: readonly T[], v: unknown): v is T => list.includes(v as T);
const whole = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Appends the problems of a {@link WarningExpr} at `path` to `out` (tactics reuse the language). */
export function warningExprProblems(e: unknown, path: string, out: string[]): void {
  exprProblems(e, path, out);
}

/** Appends the problems of a {@link WarningCondition} at `path` to `out`. */
export function warningConditionProblems(c: unknown, path: string, out: string[]): void {
  conditionProblems(c, path, out);
}

function exprProblems(e: unknown, path: string, out: Problems): void {
  if (typeof e === 'number') {
    if (!Number.isFinite(e)) out.push(`${path}: ${e} is not a finite number`);
    return;
  }
  if (!isObject(e)) return void out.push(`${path}: expected a number or an expression object, got ${JSON.stringify(e)}`);
  const keys = Object.keys(e);
  const key = 'monthsWithout' in e ? 'monthsWithout' : keys[0];
  if (keys.length !== 1 && !('usage' in e) && !('monthsWithout' in e && keys.length === 2 && 'months' in e)) return void out.push(`${path}: an expression has exactly one key, got ${keys.join(', ') || 'none'}`);
  if ('usage' in e) {
    if (!oneOf(USAGE_METRICS, e.usage)) out.push(`${path}.usage: unknown metric ${JSON.stringify(e.usage)}; one of ${USAGE_METRICS.join(', ')}`);
    if (!oneOf(['total', 'average', 'max', 'min'], e.measure)) out.push(`${path}.measure: ${JSON.stringify(e.measure)}; one of total, average, max, min`);
    if (!whole(e.months, 1, MAX_MONTHS)) out.push(`${path}.months: ${JSON.stringify(e.months)}; a whole number 1 to ${MAX_MONTHS}`);
    if (e.offset !== undefined && !whole(e.offset, 0, MAX_MONTHS)) out.push(`${path}.offset: ${JSON.stringify(e.offset)}; a whole number 0 to ${MAX_MONTHS}`);
    const extra = keys.filter((k) => !['usage', 'measure', 'months', 'offset'].includes(k));
    if (extra.length > 0) out.push(`${path}: unknown key(s) ${extra.join(', ')} in a usage expression`);
    return;
  }
  const v = e[key!];
  switch (key) {
    case 'monthsWithout':
      if (!oneOf(USAGE_METRICS, v)) out.push(`${path}.monthsWithout: unknown metric ${JSON.stringify(v)}; one of ${USAGE_METRICS.join(', ')}`);
      if (!whole(e.months, 1, MAX_MONTHS)) out.push(`${path}.months: ${JSON.stringify(e.months)}; a whole number 1 to ${MAX_MONTHS}`);
      return;
    case 'customer':
      if (!oneOf(FACTS, v)) out.push(`${path}.customer: unknown fact ${JSON.stringify(v)}; one of ${FACTS.join(', ')}`);
      return;
    case 'monthsSinceDate':
      if (!isObject(v) || typeof v.attribute !== 'string' || !NAME.test(v.attribute)) out.push(`${path}.monthsSinceDate.attribute: an attribute key (letters, digits, _), got ${JSON.stringify(isObject(v) ? v.attribute : v)}`);
      return;
    case 'events':
      if (!isObject(v) || typeof v.type !== 'string' || v.type.length === 0 || v.type.length > 100) out.push(`${path}.events.type: an event type (1 to 100 characters)`);
      if (!isObject(v) || !whole(v.days, 1, MAX_DAYS)) out.push(`${path}.events.days: a whole number 1 to ${MAX_DAYS}`);
      return;
    case 'householdChurned':
      if (!isObject(v) || !whole(v.days, 1, MAX_DAYS)) out.push(`${path}.householdChurned.days: a whole number 1 to ${MAX_DAYS}`);
      return;
    case 'change':
      if (!isObject(v)) return void out.push(`${path}.change: { from, to }`);
      exprProblems(v.from, `${path}.change.from`, out);
      exprProblems(v.to, `${path}.change.to`, out);
      return;
  }
  if (oneOf(LISTS, key)) {
    if (!Array.isArray(v) || v.length === 0) return void out.push(`${path}.${key}: a non-empty list of expressions`);
    return v.forEach((item, i) => exprProblems(item, `${path}.${key}[${i}]`, out));
  }
  if (oneOf(PAIRS, key)) {
    if (!Array.isArray(v) || v.length !== 2) return void out.push(`${path}.${key}: a pair [left, right]`);
    return v.forEach((item, i) => exprProblems(item, `${path}.${key}[${i}]`, out));
  }
  out.push(`${path}: unknown expression '${key}'; one of usage, monthsWithout, customer, monthsSinceDate, events, householdChurned, ${[...LISTS, ...PAIRS].join(', ')}, change`);
}

function conditionProblems(c: unknown, path: string, out: Problems): void {
  if (!isObject(c) || Object.keys(c).length !== 1) return void out.push(`${path}: a condition has exactly one of all, any, not, compare, in, flag`);
  if ('all' in c || 'any' in c) {
    const key = 'all' in c ? 'all' : 'any';
    const list = c[key];
    if (!Array.isArray(list) || list.length === 0) return void out.push(`${path}.${key}: a non-empty list of conditions`);
    return list.forEach((item, i) => conditionProblems(item, `${path}.${key}[${i}]`, out));
  }
  if ('not' in c) return conditionProblems(c.not, `${path}.not`, out);
  if ('compare' in c) {
    const v = c.compare;
    if (!Array.isArray(v) || v.length !== 3) return void out.push(`${path}.compare: [left, op, right]`);
    if (!oneOf(OPS, v[1])) out.push(`${path}.compare[1]: unknown op ${JSON.stringify(v[1])}; one of ${OPS.join(', ')}`);
    exprProblems(v[0], `${path}.compare[0]`, out);
    exprProblems(v[2], `${path}.compare[2]`, out);
    return;
  }
  if ('in' in c) {
    const v = c.in;
    if (!isObject(v) || !oneOf(SETS, v.fact)) out.push(`${path}.in.fact: one of ${SETS.join(', ')}`);
    if (!isObject(v) || !Array.isArray(v.values) || v.values.length === 0 || !v.values.every((s) => typeof s === 'string')) out.push(`${path}.in.values: a non-empty list of strings`);
    return;
  }
  if ('flag' in c) {
    if (!oneOf(FLAGS, c.flag)) out.push(`${path}.flag: unknown flag ${JSON.stringify(c.flag)}; one of ${FLAGS.join(', ')}`);
    return;
  }
  out.push(`${path}: unknown condition '${Object.keys(c)[0]}'; one of all, any, not, compare, in, flag`);
}

/** The `{name}` placeholders of a reason template. */
export function reasonPlaceholders(reason: string): string[] {
  return [...reason.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

/**
 * Every problem of a rule definition, each with its path (`when.all[1].compare[0].usage: unknown metric`);
 * empty when it is valid. The host refuses a definition with problems and names them all.
 *
 * @example
 * ```ts
 * const problems = warningRuleProblems(rule);
 * if (problems.length > 0) throw new Error(problems.join('; '));
 * ```
 */
export function warningRuleProblems(def: unknown): string[] {
  const out: Problems = [];
  if (!isObject(def)) return ['a warning rule definition is an object { when, score, evidence, reason }'];
  const extra = Object.keys(def).filter((k) => !['when', 'score', 'evidence', 'reason'].includes(k));
  if (extra.length > 0) out.push(`unknown key(s) ${extra.join(', ')}; a definition has when, score, evidence, reason`);
  conditionProblems(def.when, 'when', out);
  exprProblems(def.score, 'score', out);
  if (!isObject(def.evidence)) out.push('evidence: an object of named expressions');
  else {
    for (const [name, e] of Object.entries(def.evidence)) {
      if (!NAME.test(name)) out.push(`evidence.${name}: a name starts with a letter and has letters, digits or _ (at most 40)`);
      exprProblems(e, `evidence.${name}`, out);
    }
  }
  if (typeof def.reason !== 'string' || def.reason.length === 0 || def.reason.length > 500) out.push('reason: a text of 1 to 500 characters');
  else {
    const names = isObject(def.evidence) ? Object.keys(def.evidence) : [];
    for (const name of reasonPlaceholders(def.reason)) {
      if (!names.includes(name)) out.push(`reason: {${name}} names no evidence; evidence has ${names.join(', ') || 'nothing'}`);
    }
  }
  return out;
}

/** The default schedule of a warning rule: every day at 07:00 in the region's time zone. */
export const DEFAULT_WARNING_SCHEDULE = '0 7 * * *';

/** Levels from scores: `high` from 70, `medium` from 40, else `low`. */
export const WARNING_LEVEL_THRESHOLDS = { high: 70, medium: 40 } as const;
