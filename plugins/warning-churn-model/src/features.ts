/**
 * From a customer's history to the flat record a model reads, and the feature spec learnt from the training
 * records. Nothing here sees the outcome: features come from the facts, attributes, usage months and event
 * counts of the history, which the core cuts at the as-of month.
 */
import type { FeatureRecord, FeatureSpec } from '@weixi/sdk/model';
import type { CustomerHistory, HistoryMonth, UsageMetric } from '@weixi/sdk';

const METRICS: readonly UsageMetric[] = ['revenueCents', 'voiceMinutes', 'dataMb', 'sms', 'rechargeCents', 'activeDays', 'complaints', 'competitorContacts'];
/** Attributes the core or the presets use for bookkeeping, never features. */
const RESERVED = new Set(['outcome']);
/** A text attribute with more distinct values than this is an identifier, not a category. */
const MAX_LEVELS = 60;
/** Levels seen fewer times than this share a column of zeros. */
const MIN_LEVEL_COUNT = 10;
/** Months of tenure where the churn hazard bends (first months, first year, end of a 2-year contract). */
const TENURE_BENDS = [3, 6, 12, 24, 48];
/** The fact the tenure curve is interacted with: how fast churn falls with tenure depends on the plan. */
const TENURE_BY = 'plan';

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Usage trend figures of one metric over the months a customer has been one (at most the window). */
function trends(months: HistoryMonth[], metric: UsageMetric, tenureMonths: number, out: Record<string, string | number | boolean | null>): void {
  const seen = months.slice(-Math.max(1, Math.min(months.length, tenureMonths + 1))).map((m) => m[metric]);
  const last = seen.at(-1) ?? 0;
  const before = seen.slice(-4, -1);
  out[`${metric}.last`] = last;
  out[`${metric}.avg3`] = mean(seen.slice(-3));
  out[`${metric}.avg12`] = mean(seen);
  // -0.3: last month 30% under the 3 months before; null when there is nothing before to compare with.
  out[`${metric}.change`] = before.length === 0 || mean(before) === 0 ? null : last / mean(before) - 1;
}

/** The record of one history: facts, usage trends, event counts and attributes, by name. */
export function recordOf(h: CustomerHistory): FeatureRecord {
  const r: Record<string, string | number | boolean | null> = {
    tenureMonths: h.facts.tenureMonths,
    contractEndsInDays: h.facts.contractEndsInDays,
    hasContract: h.facts.contractEndsInDays !== null,
    plan: h.facts.plan,
    paymentType: h.facts.paymentType,
    tier: h.facts.tier,
    balanceCents: h.facts.balanceCents,
    creditLimitCents: h.facts.creditLimitCents,
    points: h.facts.points,
    groupKind: h.facts.groupKind ?? 'none',
    isCampus: h.facts.isCampus,
  };
  for (const metric of METRICS) trends(h.usage, metric, h.facts.tenureMonths, r);
  let silent = 0;
  for (let k = h.usage.length - 1; k >= 0 && h.usage[k]!.activeDays === 0 && h.usage[k]!.revenueCents === 0; k--) silent++;
  r.silentMonths = silent;
  // This month's bill against the customer's own average: a rise (a promotion ending) or a fall.
  const average = r['revenueCents.avg12'] as number;
  r.revenueToAverage = average > 0 ? (r['revenueCents.last'] as number) / average : null;
  for (const [type, n] of Object.entries(h.events)) r[`events.${type}`] = n;
  for (const [key, value] of Object.entries(h.attributes)) {
    if (RESERVED.has(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') r[`attr.${key}`] = value;
  }
  return r;
}

const isNumeric = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/**
 * The spec of a region's training records: every column that varies, numbers as numbers (and, for the
 * logistic model, `log1p` of the non-negative ones), text and flags one-hot, identifiers and excluded
 * attributes left out.
 */
export function specOf(records: readonly FeatureRecord[], options: { excludeAttributes: readonly string[]; logTransforms: boolean }): FeatureSpec {
  const columns = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) columns.add(k);
  const excluded = new Set(options.excludeAttributes.map((a) => `attr.${a}`));
  const features: FeatureSpec['features'] = [];
  for (const column of [...columns].sort()) {
    if (excluded.has(column)) continue;
    const values = records.map((r) => r[column]).filter((v) => v !== null && v !== undefined && v !== '');
    const distinct = new Set(values.map(String));
    if (distinct.size < 2) continue;
    if (values.every(isNumeric) && !values.every((v) => typeof v === 'boolean')) {
      features.push({ kind: 'numeric', column });
      if (options.logTransforms && distinct.size > 10 && values.every((v) => Number(v) >= 0)) features.push({ kind: 'numeric', column, transform: 'log1p' });
      // Churn falls steeply over the first year or two of tenure: a linear model needs the bends (and, below, a slope per plan).
      if (options.logTransforms && column === 'tenureMonths') for (const at of TENURE_BENDS) features.push({ kind: 'hinge', column, at });
    } else if (distinct.size <= MAX_LEVELS) {
      features.push({ kind: 'categorical', column, minCount: MIN_LEVEL_COUNT });
    }
  }
  // A month-to-month customer's risk falls steeply over the first months; a contract holder's hardly moves
  // until the contract ends. One log-tenure slope per plan lets a linear model draw each curve.
  const kept = (kind: string, column: string) => features.some((f) => f.kind === kind && 'column' in f && f.column === column);
  if (options.logTransforms && kept('numeric', 'tenureMonths') && kept('categorical', TENURE_BY)) {
    features.push({ kind: 'byLevel', column: 'tenureMonths', by: TENURE_BY, transform: 'log1p', minCount: MIN_LEVEL_COUNT });
  }
  return { features };
}
