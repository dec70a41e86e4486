import { createMatrix, type Matrix } from './matrix.js';

/** A raw customer record: column name to value; null, undefined, "" and " " are missing. */
export type FeatureValue = string | number | boolean | null | undefined;
export type FeatureRecord = Readonly<Record<string, FeatureValue>>;

/** A number read from one column, the sum of several, or the ratio of one column to the product of others. */
export type NumericInput = { column: string } | { sum: string[] } | { numerator: string; denominator: string[] };

/**
 * One feature as data. Each expands to one or more matrix columns, named for explanations:
 * - `numeric`: the number (optionally log1p), median-imputed; plus `missing(name)` when training rows lacked it.
 * - `hinge`: max(0, x - at) (side `above`, default) or max(0, at - x), imputed likewise.
 * - `buckets`: one 0/1 column a half-open interval between `edges` (ascending), plus `missing(name)` likewise.
 * - `categorical`: one 0/1 column a level seen at least `minCount` times in training (default 1); an unseen
 *   or missing level sets none of them.
 * - `cross`: a categorical over the combination of several columns' levels (`a=x&b=y`).
 * - `count`: how many of `columns` equal `equals`.
 * - `byLevel`: a number (optionally log1p, median-imputed) interacted with a categorical `by`: one column a
 *   level of `by` seen at least `minCount` times, holding the number where the record has that level and 0
 *   elsewhere, so a linear model gives each level its own slope. An unseen or missing level sets none.
 * `name` replaces the column-derived name.
 */
export type FeatureDefinition =
  | ({ kind: 'numeric'; transform?: 'log1p'; name?: string } & NumericInput)
  | ({ kind: 'hinge'; at: number; side?: 'above' | 'below'; name?: string } & NumericInput)
  | ({ kind: 'buckets'; edges: number[]; name?: string } & NumericInput)
  | { kind: 'categorical'; column: string; minCount?: number; name?: string }
  | { kind: 'cross'; columns: string[]; minCount?: number; name?: string }
  | { kind: 'count'; columns: string[]; equals: string; name?: string }
  | ({ kind: 'byLevel'; by: string; transform?: 'log1p'; minCount?: number; name?: string } & NumericInput);

/** What to build from records (data, JSON as it is). */
export interface FeatureSpec {
  features: FeatureDefinition[];
}

/** What fitting learned for one feature: its median, whether it has a missing indicator, its levels. */
export interface FittedState {
  median?: number;
  missingIndicator?: boolean;
  vocabulary?: string[];
}

/** A spec fitted on training records (data, JSON as it is): transforms any record the same way. */
export interface FittedFeatureSpec {
  version: 1;
  features: (FeatureDefinition & { fitted: FittedState })[];
  /** One name a matrix column. */
  names: string[];
}

const isMissing = (v: FeatureValue): v is null | undefined => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function numberOf(v: FeatureValue): number {
  if (isMissing(v)) return Number.NaN;
  const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number(v.trim());
  return Number.isFinite(n) ? n : Number.NaN;
}

const levelOf = (v: FeatureValue): string | undefined => (isMissing(v) ? undefined : String(v).trim());

type NumericDefinition = Extract<FeatureDefinition, { kind: 'numeric' | 'hinge' | 'buckets' | 'byLevel' }>;

function inputName(d: NumericInput): string {
  if ('column' in d) return d.column;
  if ('sum' in d) return d.sum.join('+');
  return `${d.numerator}/${d.denominator.length > 1 ? `(${d.denominator.join('*')})` : d.denominator[0]}`;
}

function inputColumns(d: NumericInput): string[] {
  if ('column' in d) return [d.column];
  if ('sum' in d) return d.sum;
  return [d.numerator, ...d.denominator];
}

function inputValue(d: NumericInput, r: FeatureRecord): number {
  if ('column' in d) return numberOf(r[d.column]);
  if ('sum' in d) return d.sum.reduce((total, c) => total + numberOf(r[c]), 0);
  const divisor = d.denominator.reduce((product, c) => product * numberOf(r[c]), 1);
  return divisor === 0 ? Number.NaN : numberOf(r[d.numerator]) / divisor;
}

/** The feature's number before imputation (NaN when missing); buckets use the raw input. */
function numericValue(d: NumericDefinition, r: FeatureRecord): number {
  const x = inputValue(d, r);
  if (d.kind === 'numeric' || d.kind === 'byLevel') return d.transform === 'log1p' ? Math.log1p(x) : x;
  if (d.kind === 'hinge') return Math.max(0, d.side === 'below' ? d.at - x : x - d.at);
  return x;
}

function levelKey(d: Extract<FeatureDefinition, { kind: 'categorical' | 'cross' | 'byLevel' }>, r: FeatureRecord): string | undefined {
  const columns = d.kind === 'categorical' ? [d.column] : d.kind === 'byLevel' ? [d.by] : d.columns;
  const levels = columns.map((c) => levelOf(r[c]));
  if (levels.some((l) => l === undefined)) return undefined;
  return d.kind === 'cross' ? columns.map((c, k) => `${c}=${levels[k]}`).join('&') : levels[0];
}

/** The levels of a categorical, cross or byLevel seen at least `minCount` times, commonest first. */
function vocabularyOf(d: Extract<FeatureDefinition, { kind: 'categorical' | 'cross' | 'byLevel' }>, records: readonly FeatureRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = levelKey(d, r);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, count]) => count >= (d.minCount ?? 1))
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .map(([level]) => level);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function fitOne(d: FeatureDefinition, records: readonly FeatureRecord[]): FittedState {
  switch (d.kind) {
    case 'numeric':
    case 'hinge':
    case 'buckets': {
      const values = records.map((r) => numericValue(d, r));
      const present = values.filter((v) => !Number.isNaN(v));
      return { median: median(present), missingIndicator: present.length < values.length };
    }
    case 'categorical':
    case 'cross':
      return { vocabulary: vocabularyOf(d, records) };
    case 'byLevel': {
      const present = records.map((r) => numericValue(d, r)).filter((v) => !Number.isNaN(v));
      return { median: median(present), vocabulary: vocabularyOf(d, records) };
    }
    case 'count':
      return {};
  }
}

function bucketNames(label: string, edges: number[]): string[] {
  return [`${label}<${edges[0]}`, ...edges.slice(1).map((e, k) => `${edges[k]}<=${label}<${e}`), `${label}>=${edges[edges.length - 1]}`];
}

function namesOf(d: FeatureDefinition, state: FittedState): string[] {
  const missing = (label: string): string[] => (state.missingIndicator ? [`missing(${label})`] : []);
  switch (d.kind) {
    case 'numeric': {
      const label = d.name ?? (d.transform === 'log1p' ? `log1p(${inputName(d)})` : inputName(d));
      return [label, ...missing(label)];
    }
    case 'hinge': {
      const label = d.name ?? (d.side === 'below' ? `max(0,${d.at}-${inputName(d)})` : `max(0,${inputName(d)}-${d.at})`);
      return [label, ...missing(label)];
    }
    case 'buckets': {
      const label = d.name ?? inputName(d);
      return [...bucketNames(label, d.edges), ...missing(label)];
    }
    case 'categorical':
      return (state.vocabulary ?? []).map((level) => `${d.name ?? d.column}=${level}`);
    case 'cross':
      return (state.vocabulary ?? []).map((level) => (d.name ? `${d.name}:${level}` : level));
    case 'count':
      return [d.name ?? `count(${d.columns.join(',')}=${d.equals})`];
    case 'byLevel': {
      const label = d.name ?? (d.transform === 'log1p' ? `log1p(${inputName(d)})` : inputName(d));
      return (state.vocabulary ?? []).map((level) => `${label}|${d.by}=${level}`);
    }
  }
}

function checkDefinition(d: FeatureDefinition, records: readonly FeatureRecord[]): void {
  const columns = d.kind === 'cross' || d.kind === 'count' ? d.columns : d.kind === 'categorical' ? [d.column] : d.kind === 'byLevel' ? [...inputColumns(d), d.by] : inputColumns(d);
  for (const c of columns) {
    if (!records.some((r) => c in r)) throw new RangeError(`feature ${d.kind} reads column "${c}", which no training record has`);
  }
  if (d.kind === 'buckets' && (d.edges.length === 0 || d.edges.some((e, k) => k > 0 && e <= (d.edges[k - 1] as number)))) {
    throw new RangeError(`buckets of "${inputName(d)}" need ascending edges, not [${d.edges.join(', ')}]`);
  }
}

/** Learns each feature's median, missing indicator and levels from the training records only. */
export function fitFeatureSpec(spec: FeatureSpec, records: readonly FeatureRecord[]): FittedFeatureSpec {
  if (records.length === 0) throw new RangeError('fitting features needs training records');
  const features = spec.features.map((d) => {
    checkDefinition(d, records);
    return { ...structuredClone(d), fitted: fitOne(d, records) };
  });
  const names = features.flatMap((f) => namesOf(f, f.fitted));
  return { version: 1, features, names };
}

function writeOne(f: FittedFeatureSpec['features'][number], r: FeatureRecord, out: Float64Array, at: number): number {
  const { fitted } = f;
  switch (f.kind) {
    case 'numeric':
    case 'hinge': {
      const v = numericValue(f, r);
      out[at] = Number.isNaN(v) ? (fitted.median as number) : v;
      if (fitted.missingIndicator) out[at + 1] = Number.isNaN(v) ? 1 : 0;
      return at + (fitted.missingIndicator ? 2 : 1);
    }
    case 'buckets': {
      const v = numericValue(f, r);
      const slots = f.edges.length + 1;
      out.fill(0, at, at + slots + (fitted.missingIndicator ? 1 : 0));
      if (Number.isNaN(v)) {
        if (fitted.missingIndicator) out[at + slots] = 1;
      } else {
        const bucket = f.edges.findIndex((e) => v < e);
        out[at + (bucket === -1 ? f.edges.length : bucket)] = 1;
      }
      return at + slots + (fitted.missingIndicator ? 1 : 0);
    }
    case 'categorical':
    case 'cross': {
      const vocabulary = fitted.vocabulary ?? [];
      const key = levelKey(f, r);
      for (let k = 0; k < vocabulary.length; k++) out[at + k] = vocabulary[k] === key ? 1 : 0;
      return at + vocabulary.length;
    }
    case 'count':
      out[at] = f.columns.reduce((n, c) => n + (levelOf(r[c]) === f.equals ? 1 : 0), 0);
      return at + 1;
    case 'byLevel': {
      const vocabulary = fitted.vocabulary ?? [];
      const key = levelKey(f, r);
      const v = numericValue(f, r);
      const value = Number.isNaN(v) ? (fitted.median as number) : v;
      for (let k = 0; k < vocabulary.length; k++) out[at + k] = vocabulary[k] === key ? value : 0;
      return at + vocabulary.length;
    }
  }
}

/** One record as a row of feature values, in `fitted.names` order. */
export function transformRecord(fitted: FittedFeatureSpec, record: FeatureRecord): Float64Array {
  const out = new Float64Array(fitted.names.length);
  let at = 0;
  for (const f of fitted.features) at = writeOne(f, record, out, at);
  return out;
}

/** Records as a matrix, one row each, columns in `fitted.names` order. */
export function transformRecords(fitted: FittedFeatureSpec, records: readonly FeatureRecord[]): Matrix {
  const m = createMatrix(records.length, fitted.names.length);
  records.forEach((r, i) => m.data.set(transformRecord(fitted, r), i * fitted.names.length));
  return m;
}
