import type { BoostingOptions, BoostingParameters } from './boosting.js';
import type { LogisticOptions, LogisticParameters } from './logistic.js';
import { rowOf, type Matrix } from './matrix.js';

export type ModelKind = 'logistic' | 'boosting';

/** One feature's part in a score, in log-odds: positive pushes towards churn. */
export interface Factor {
  feature: string;
  /** The column of the feature matrix. */
  index: number;
  /** The row's value of the feature. */
  value: number;
  contribution: number;
}

/**
 * Why a row scored as it did: `base` (the log-odds the model starts from) plus every feature's contribution
 * equals `logit`. `factors` are the `k` largest by size; `rest` is the sum of all the others.
 */
export interface Explanation {
  probability: number;
  logit: number;
  base: number;
  factors: Factor[];
  rest: number;
}

export interface FeatureImportance {
  feature: string;
  index: number;
  /** Shares of the model's total: they sum to 1 (or are all 0). */
  importance: number;
}

interface ModelJsonBase {
  format: 'weixi-model';
  version: 1;
  features: string[];
  /** ISO 8601. */
  trainedAt: string;
  training: { rows: number; positives: number };
  /** Figures the caller measured (cross-validation, say); kept through a round trip, not used to score. */
  metrics?: Record<string, number>;
}

export interface LogisticModelJson extends ModelJsonBase {
  kind: 'logistic';
  options: Required<LogisticOptions>;
  parameters: LogisticParameters;
}

export interface BoostingModelJson extends ModelJsonBase {
  kind: 'boosting';
  options: Required<BoostingOptions>;
  parameters: BoostingParameters;
}

/** A trained model as plain JSON data: `loadModel` turns it back into a model that scores identically. */
export type ModelJson = LogisticModelJson | BoostingModelJson;

/** A trained binary churn model over a fixed list of numeric features. */
export interface Model {
  readonly kind: ModelKind;
  readonly features: readonly string[];
  /** Log-odds of churn for one row of feature values (in `features` order). */
  logit(row: ArrayLike<number>): number;
  /** Probability of churn for one row. */
  predict(row: ArrayLike<number>): number;
  /** Probability of churn for every row of a matrix. */
  predictMany(matrix: Matrix): Float64Array;
  /** The `k` features that moved this row's score most (default 5), and the rest. */
  explain(row: ArrayLike<number>, k?: number): Explanation;
  /** Global importances, largest first. */
  importances(): FeatureImportance[];
  toJSON(): ModelJson;
}

/** What a model kind supplies: its score and the split of that score into base and per-feature parts. */
export interface ModelEngine {
  logit(row: ArrayLike<number>): number;
  /** Adds each feature's contribution into `out`; returns the base. */
  contributions(row: ArrayLike<number>, out: Float64Array): number;
  /** Unnormalised importance per feature. */
  importances(): Float64Array;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export class EngineModel implements Model {
  readonly kind: ModelKind;
  readonly features: readonly string[];

  constructor(
    private readonly json: ModelJson,
    private readonly engine: ModelEngine,
  ) {
    this.kind = json.kind;
    this.features = json.features;
  }

  private check(row: ArrayLike<number>): void {
    if (row.length !== this.features.length) throw new RangeError(`a row needs ${this.features.length} feature values, not ${row.length}`);
  }

  logit(row: ArrayLike<number>): number {
    this.check(row);
    return this.engine.logit(row);
  }

  predict(row: ArrayLike<number>): number {
    return sigmoid(this.logit(row));
  }

  predictMany(matrix: Matrix): Float64Array {
    if (matrix.cols !== this.features.length) throw new RangeError(`the matrix has ${matrix.cols} columns; the model needs ${this.features.length}`);
    const out = new Float64Array(matrix.rows);
    for (let i = 0; i < matrix.rows; i++) out[i] = sigmoid(this.engine.logit(rowOf(matrix, i)));
    return out;
  }

  explain(row: ArrayLike<number>, k = 5): Explanation {
    this.check(row);
    const contributions = new Float64Array(this.features.length);
    const base = this.engine.contributions(row, contributions);
    const logit = this.engine.logit(row);
    const order = Array.from(contributions.keys()).sort((a, b) => Math.abs(contributions[b] as number) - Math.abs(contributions[a] as number));
    const factors = order.slice(0, k).map((index) => ({
      feature: this.features[index] as string,
      index,
      value: row[index] as number,
      contribution: contributions[index] as number,
    }));
    const rest = order.slice(k).reduce((sum, index) => sum + (contributions[index] as number), 0);
    return { probability: sigmoid(logit), logit, base, factors, rest };
  }

  importances(): FeatureImportance[] {
    const raw = this.engine.importances();
    const total = raw.reduce((sum, v) => sum + v, 0);
    return Array.from(raw, (v, index) => ({ feature: this.features[index] as string, index, importance: total > 0 ? v / total : 0 }))
      .sort((a, b) => b.importance - a.importance);
  }

  toJSON(): ModelJson {
    return structuredClone(this.json);
  }
}
