/**
 * The churn model engine (流失模型): trains, evaluates, serialises and explains binary churn models on numeric
 * feature matrices, with a FeatureSpec to build those matrices from raw records. Pure: no database. See README.md.
 */
export { createMatrix, matrixFromRows, rowOf, takeRows, type Matrix } from './matrix.js';
export { createRandom, shuffle, type Random } from './random.js';
export type { Explanation, Factor, FeatureImportance, Model, ModelJson, ModelKind, LogisticModelJson, BoostingModelJson } from './model.js';
export { train, type CommonTrainOptions, type TrainOptions } from './train.js';
export { LOGISTIC_DEFAULTS, type LogisticOptions, type LogisticParameters } from './logistic.js';
export { BOOSTING_DEFAULTS, type BoostingOptions, type BoostingParameters } from './boosting.js';
export type { Tree } from './tree.js';
export { loadModel, ModelFormatError } from './serialize.js';
export { brierScore, calibration, evaluate, liftAt, logLoss, rocAuc, type Calibration, type CalibrationBin, type Metrics } from './metrics.js';
export { stratifiedFolds } from './folds.js';
export {
  chooseModel,
  crossValidate,
  crossValidateModel,
  foldFitter,
  type CvOptions,
  type CvResult,
  type FoldFitter,
  type FoldResult,
  type ModelCandidate,
  type ModelChoice,
  type TrainingData,
} from './cv.js';
export {
  fitFeatureSpec,
  transformRecord,
  transformRecords,
  type FeatureDefinition,
  type FeatureRecord,
  type FeatureSpec,
  type FeatureValue,
  type FittedFeatureSpec,
  type FittedState,
  type NumericInput,
} from './features.js';
