import { BOOSTING_DEFAULTS, fitBoosting, type BoostingOptions } from './boosting.js';
import { LOGISTIC_DEFAULTS, fitLogistic, type LogisticOptions } from './logistic.js';
import { assertFinite, type Matrix } from './matrix.js';
import type { Model, ModelJson, ModelKind } from './model.js';
import { modelOf } from './serialize.js';

export interface CommonTrainOptions {
  /** One name a column (default x0, x1, …): explanations and importances speak of them. */
  featureNames?: readonly string[];
  /** Stamped into the model (default now). */
  trainedAt?: Date;
}

export type TrainOptions<K extends ModelKind> = CommonTrainOptions & (K extends 'logistic' ? LogisticOptions : BoostingOptions);

function checkOptions(options: Record<string, number>, defaults: Record<string, number>, kind: ModelKind): void {
  for (const [key, value] of Object.entries(options)) {
    if (!(key in defaults)) throw new RangeError(`${kind}: unknown option ${key} (known: ${Object.keys(defaults).join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${kind}: option ${key} must be a finite number ≥ 0, not ${value}`);
  }
  for (const key of ['trees', 'maxDepth', 'maxIterations', 'learningRate', 'tolerance', 'subsample', 'featureFraction'] as const) {
    if (key in options && !((options[key] as number) > 0)) throw new RangeError(`${kind}: option ${key} must be above 0`);
  }
  for (const key of ['trees', 'maxDepth', 'maxIterations', 'minSamplesLeaf', 'earlyStoppingRounds', 'seed'] as const) {
    if (key in options && !Number.isInteger(options[key])) throw new RangeError(`${kind}: option ${key} must be a whole number, not ${options[key]}`);
  }
  for (const key of ['learningRate', 'subsample', 'featureFraction'] as const) {
    if (key in options && (options[key] as number) > 1) throw new RangeError(`${kind}: option ${key} must be at most 1`);
  }
  if ((options.validationFraction ?? 0) >= 0.5) throw new RangeError(`${kind}: validationFraction must be below 0.5`);
}

/**
 * Trains a binary churn model: `x` one row per customer, `labels` 1 for churned and 0 for stayed.
 * @example train('boosting', x, y, { trees: 400, featureNames: spec.names })
 */
export function train<K extends ModelKind>(kind: K, x: Matrix, labels: ArrayLike<number>, options: TrainOptions<K> = {} as TrainOptions<K>): Model {
  const { featureNames, trainedAt, ...rest } = options;
  assertFinite(x, 'training matrix');
  if (labels.length !== x.rows) throw new RangeError(`${x.rows} rows but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}; labels are 0 (stayed) or 1 (churned)`);
    positives += labels[i] as number;
  }
  if (positives === 0 || positives === labels.length) throw new RangeError('training needs both churned and retained rows');
  const features = featureNames ? [...featureNames] : Array.from({ length: x.cols }, (_, j) => `x${j}`);
  if (features.length !== x.cols) throw new RangeError(`${features.length} feature names for ${x.cols} columns`);
  const head = {
    format: 'weixi-model' as const,
    version: 1 as const,
    features,
    trainedAt: (trainedAt ?? new Date()).toISOString(),
    training: { rows: x.rows, positives },
  };
  let json: ModelJson;
  if (kind === 'logistic') {
    checkOptions(rest as Record<string, number>, LOGISTIC_DEFAULTS, kind);
    const settings = { ...LOGISTIC_DEFAULTS, ...(rest as LogisticOptions) };
    json = { ...head, kind: 'logistic', options: settings, parameters: fitLogistic(x, labels, settings) };
  } else if (kind === 'boosting') {
    checkOptions(rest as Record<string, number>, BOOSTING_DEFAULTS, kind);
    const settings = { ...BOOSTING_DEFAULTS, ...(rest as BoostingOptions) };
    json = { ...head, kind: 'boosting', options: settings, parameters: fitBoosting(x, labels, settings) };
  } else {
    throw new RangeError(`unknown model kind ${JSON.stringify(kind)} (known: logistic, boosting)`);
  }
  return modelOf(json);
}
