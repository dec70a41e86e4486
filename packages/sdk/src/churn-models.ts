/**
 * Churn models (流失模型) as a warning rule: the plugin brings the learning, the core brings the data and
 * the writing. A plugin defines a model rule with `ctx.warnings.defineModel(ruleId, definition)`; the core
 * then
 * - trains it on demand (`weixi model train --region CODE`): it reads the histories of the region subtree's
 *   customers with a known outcome, labels each by whether it churned within the horizon (the platform's
 *   churn definition, the same as warning backtests), calls `train`, and stores what it returns as the
 *   region's next model version;
 * - scores on the rule's schedule, in every city where the plugin is enabled, with the model of the city or
 *   its nearest ancestor: it pages through the active customers' histories, calls `score` per page, and
 *   writes the warnings of the scores the plugin raises in bulk (one open warning per customer and rule,
 *   resolved when the score falls back), all in one transaction;
 * - scores rows of a file without importing them (`weixi model score --file`), through the same `score`.
 *
 * Everything crossing this boundary is JSON, so the plugin could run out of process unchanged.
 */
import type { CustomerTier, UsageMetric } from './index.js';

/** One month of a customer's usage in a history: the figures of `monthly_usage` (0 when absent). */
export type HistoryMonth = { month: string } & Record<UsageMetric, number>;

/**
 * What the core knows of a customer as of a month M (the last complete month counted), the same whether it
 * comes from the database or from a file being scored. Nothing after M is in it.
 */
export interface CustomerHistory {
  /** The customer's id; 0 for a row of a file that is scored without being imported. */
  customerId: number;
  regionCode: string;
  facts: {
    /** Null for a file row: tiers rank a province's customers, which a file's rows are not yet among. */
    tier: CustomerTier | null;
    plan: string;
    paymentType: string;
    /** Complete calendar months as a customer through M. */
    tenureMonths: number;
    /** Days from the evaluation day (the day after M) to the contract end; null without a contract. */
    contractEndsInDays: number | null;
    balanceCents: number;
    creditLimitCents: number;
    points: number;
    groupKind: string | null;
    isCampus: boolean;
  };
  /** The customer's imported attributes (`customers.attributes`), as stored. */
  attributes: Record<string, unknown>;
  /** The `months` months ending with M, oldest first, every month present (a month without a row: zeros). */
  usage: HistoryMonth[];
  /** Customer events in the 90 days before the evaluation day, counted by type. */
  events: Record<string, number>;
}

/** A history with its outcome, for training: whether the customer churned within the horizon after M. */
export interface LabelledHistory extends CustomerHistory {
  churned: boolean;
}

/** One factor of a score: a feature, its value for the customer, and what it added to the log-odds. */
export interface ChurnFactor {
  feature: string;
  value: number;
  contribution: number;
}

/** The model's judgement of one customer. */
export interface ChurnScore {
  /** Probability of churning within the horizon, 0 to 1. */
  probability: number;
  /** The top contributing factors, largest first. */
  factors: ChurnFactor[];
  /** Whether this score raises (or keeps) a warning; the warning's score is `probability` × 100. */
  warn: boolean;
}

/** How well a model ranks churners, cross-validated on its training customers. */
export interface ChurnModelMetrics {
  /** Mean ROC AUC over the folds. */
  auc: number;
  /** Its standard deviation over the folds. */
  aucSd: number;
  /** Churn rate among the top 10% / 20% by score over the base rate. */
  liftAt10: number;
  liftAt20: number;
  logLoss: number;
  brier: number;
  /** Equal-count bins of out-of-fold predictions: mean predicted against observed churn rate. */
  calibration: Array<{ predicted: number; observed: number; count: number }>;
  /** Expected calibration error. */
  ece: number;
  /** Feature importances as shares summing to 1, largest first. */
  importances: Array<{ feature: string; importance: number }>;
  folds: number;
  repeats: number;
  /** Every candidate the choice was made from, with its mean AUC. */
  candidates: Array<{ label: string; auc: number }>;
}

/** What `train` returns: the core stores it as the region's next version. */
export interface TrainedChurnModel {
  /** What kind of model was chosen, e.g. `boosting` or `logistic`. */
  kind: string;
  /** A short label of the choice (model and settings). */
  label: string;
  /** The feature names, in the model's column order. */
  features: string[];
  /** Whatever the plugin needs to score with it later (its JSON); opaque to the core. */
  parameters: unknown;
  metrics: ChurnModelMetrics;
}

/** A stored model version. */
export interface StoredChurnModel extends TrainedChurnModel {
  id: number;
  /** The region whose subtree it was trained on. */
  regionCode: string;
  version: number;
  asOfMonth: string;
  horizonMonths: number;
  trainingRows: number;
  positives: number;
  trainedAt: Date;
}

export interface ChurnModelTrainInput<S> {
  settings: S;
  regionCode: string;
  asOfMonth: string;
  horizonMonths: number;
  histories: LabelledHistory[];
  /** Reports progress between 0 and 1 (the CLI shows it). */
  progress(fraction: number, message?: string): Promise<void> | void;
  signal: AbortSignal;
}

export interface ChurnModelScoreInput<S> {
  settings: S;
  regionCode: string;
  model: StoredChurnModel;
  histories: CustomerHistory[];
}

/** A model rule: how to learn from labelled histories, and how to score histories with what was learnt. */
export interface ChurnModelDefinition<S> {
  train(input: ChurnModelTrainInput<S>): Promise<TrainedChurnModel>;
  /** One score per history, in order. */
  score(input: ChurnModelScoreInput<S>): ChurnScore[] | Promise<ChurnScore[]>;
}
