import { fitFeatureSpec, transformRecords, type FeatureRecord, type FeatureSpec } from './features.js';
import { complementOf, stratifiedFolds } from './folds.js';
import { takeRows, takeValues, type Matrix } from './matrix.js';
import { evaluate, type Metrics } from './metrics.js';
import type { ModelKind } from './model.js';
import { train, type TrainOptions } from './train.js';

export interface CvOptions {
  /** Default 5. */
  folds?: number;
  /** Repeated CV: each repeat reshuffles the folds (seed + repeat). Default 1. */
  repeats?: number;
  /** Default 1. */
  seed?: number;
}

/** Trains on the `train` rows and returns churn probabilities for the `test` rows, in their order. */
export type FoldFitter = (train: number[], test: number[]) => ArrayLike<number>;

export interface FoldResult extends Metrics {
  repeat: number;
  fold: number;
  seconds: number;
}

export interface CvResult {
  folds: FoldResult[];
  /** Each figure averaged over all folds of all repeats. */
  mean: Metrics;
  /** Standard deviation of the fold AUCs. */
  aucSd: number;
  /** Each repeat's out-of-fold probabilities, one per row (every row is held out once per repeat). */
  outOfFold: Float64Array[];
  seconds: number;
}

/** Stratified k-fold cross-validation, repeated; every figure from held-out rows only. */
export function crossValidate(labels: ArrayLike<number>, fit: FoldFitter, options: CvOptions = {}): CvResult {
  const { folds = 5, repeats = 1, seed = 1 } = options;
  const started = performance.now();
  const results: FoldResult[] = [];
  const outOfFold: Float64Array[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const pooled = new Float64Array(labels.length);
    outOfFold.push(pooled);
    stratifiedFolds(labels, folds, seed + repeat).forEach((test, fold) => {
      const foldStarted = performance.now();
      const predicted = fit(complementOf(test, labels.length), test);
      if (predicted.length !== test.length) throw new RangeError(`the fitter returned ${predicted.length} predictions for ${test.length} test rows`);
      test.forEach((row, k) => (pooled[row] = predicted[k] as number));
      const metrics = evaluate(takeValues(labels, test), predicted);
      results.push({ repeat, fold, ...metrics, seconds: (performance.now() - foldStarted) / 1000 });
    });
  }
  const keys = ['rows', 'positives', 'auc', 'lift10', 'lift20', 'logLoss', 'brier', 'calibrationError'] as const;
  const mean = Object.fromEntries(keys.map((k) => [k, results.reduce((s, r) => s + r[k], 0) / results.length])) as unknown as Metrics;
  const aucSd = Math.sqrt(results.reduce((s, r) => s + (r.auc - mean.auc) ** 2, 0) / Math.max(1, results.length - 1));
  return { folds: results, mean, aucSd, outOfFold, seconds: (performance.now() - started) / 1000 };
}

/** A model kind with its options, as a contender in model choice. */
export interface ModelCandidate<K extends ModelKind = ModelKind> {
  kind: K;
  options?: TrainOptions<K>;
}

/**
 * What to learn from: a feature matrix, or raw records with a FeatureSpec (then fitted on the training rows
 * of each fold only, so no median or level leaks from the test rows).
 */
export type TrainingData =
  | { matrix: Matrix; labels: ArrayLike<number> }
  | { records: readonly FeatureRecord[]; features: FeatureSpec; labels: ArrayLike<number> };

/** The fold fitter of a candidate on some data. */
export function foldFitter(candidate: ModelCandidate, data: TrainingData): FoldFitter {
  const fitModel = (x: Matrix, y: ArrayLike<number>) => train(candidate.kind, x, y, candidate.options);
  if ('matrix' in data) {
    return (trainRows, testRows) => fitModel(takeRows(data.matrix, trainRows), takeValues(data.labels, trainRows)).predictMany(takeRows(data.matrix, testRows));
  }
  return (trainRows, testRows) => {
    const trainRecords = trainRows.map((i) => data.records[i] as FeatureRecord);
    const fitted = fitFeatureSpec(data.features, trainRecords);
    const model = fitModel(transformRecords(fitted, trainRecords), takeValues(data.labels, trainRows));
    return model.predictMany(transformRecords(fitted, testRows.map((i) => data.records[i] as FeatureRecord)));
  };
}

export function crossValidateModel(candidate: ModelCandidate, data: TrainingData, options: CvOptions = {}): CvResult {
  return crossValidate(data.labels, foldFitter(candidate, data), options);
}

export interface ModelChoice {
  best: ModelCandidate;
  /** Every candidate's cross-validation, on the same folds, in the order given. */
  results: { candidate: ModelCandidate; cv: CvResult }[];
}

/** Cross-validates each candidate on the same folds and picks the best mean AUC (the first on a tie). */
export function chooseModel(candidates: readonly ModelCandidate[], data: TrainingData, options: CvOptions = {}): ModelChoice {
  if (candidates.length === 0) throw new RangeError('chooseModel needs at least one candidate');
  const results = candidates.map((candidate) => ({ candidate, cv: crossValidateModel(candidate, data, options) }));
  const best = results.reduce((a, b) => (b.cv.mean.auc > a.cv.mean.auc ? b : a));
  return { best: best.candidate, results };
}
