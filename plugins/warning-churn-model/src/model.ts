/**
 * Training and scoring. Each candidate is cross-validated on the same stratified folds (one row per
 * customer, so a customer is never in its own test fold), with the feature spec fitted inside each fold;
 * the best mean AUC is refitted on every row and stored with its fitted spec. Scoring explains every
 * probability by its largest log-odds contributions.
 */
import {
  calibration,
  crossValidate,
  fitFeatureSpec,
  foldFitter,
  loadModel,
  rowOf,
  train,
  transformRecords,
  type FeatureRecord,
  type FittedFeatureSpec,
  type Model,
  type ModelCandidate,
  type ModelJson,
} from '@weixi/sdk/model';
import type { ChurnModelMetrics, ChurnModelScoreInput, ChurnModelTrainInput, ChurnScore, TrainedChurnModel } from '@weixi/sdk';
import { recordOf, specOf } from './features.js';

export interface ChurnModelSettings {
  minProbability: number;
  models: Array<keyof typeof CANDIDATES>;
  folds: number;
  repeats: number;
  seed: number;
  excludeAttributes: string[];
  weight: number;
}

/** The candidates, as measured on the public data sets (packages/model/README.md). */
export const CANDIDATES = {
  logistic: { label: 'L2 logistic regression (l2 10, log features)', logTransforms: true, candidate: { kind: 'logistic', options: { l2: 10 } } },
  stumps: { label: 'boosted stumps (500 x 0.1)', logTransforms: false, candidate: { kind: 'boosting', options: { trees: 500, learningRate: 0.1, maxDepth: 1, minSamplesLeaf: 30, l2: 10 } } },
  trees: { label: 'boosted trees (depth 4, 300 x 0.05)', logTransforms: false, candidate: { kind: 'boosting', options: { trees: 300, learningRate: 0.05, maxDepth: 4 } } },
} satisfies Record<string, { label: string; logTransforms: boolean; candidate: ModelCandidate }>;

/** What the core stores as the model's parameters. */
interface Parameters {
  model: ModelJson;
  spec: FittedFeatureSpec;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function trainChurnModel(input: ChurnModelTrainInput<ChurnModelSettings>): Promise<TrainedChurnModel> {
  const { settings, histories } = input;
  const records = histories.map(recordOf);
  const labels = Float64Array.from(histories, (h) => (h.churned ? 1 : 0));
  const cv = { folds: settings.folds, repeats: settings.repeats, seed: settings.seed };
  const steps = settings.models.length * settings.folds * settings.repeats + 1;
  let done = 0;
  const results = [];
  for (const key of settings.models) {
    const { label, logTransforms, candidate } = CANDIDATES[key];
    const spec = specOf(records, { excludeAttributes: settings.excludeAttributes, logTransforms });
    const options = seeded(candidate, settings.seed);
    const fit = foldFitter(options, { records, features: spec, labels });
    const result = crossValidate(labels, (trainRows, testRows) => {
      input.signal.throwIfAborted();
      const predicted = fit(trainRows, testRows);
      void input.progress(++done / steps, `cross-validating ${label}: fold ${((done - 1) % (settings.folds * settings.repeats)) + 1} of ${settings.folds * settings.repeats}`);
      return predicted;
    }, cv);
    results.push({ key, label, spec, candidate: options, result });
  }
  const best = results.reduce((a, b) => (b.result.mean.auc > a.result.mean.auc ? b : a));
  await input.progress((steps - 1) / steps, `training ${best.label} on ${records.length} customers`);
  const fitted = fitFeatureSpec(best.spec, records);
  const model = train(best.candidate.kind, transformRecords(fitted, records), labels, { ...best.candidate.options, featureNames: fitted.names } as never);
  const oof = best.result.outOfFold;
  const pooled = calibration(repeatLabels(labels, oof.length), concat(oof));
  const mean = best.result.mean;
  const metrics: ChurnModelMetrics = {
    auc: round(mean.auc),
    aucSd: round(best.result.aucSd),
    liftAt10: round(mean.lift10, 3),
    liftAt20: round(mean.lift20, 3),
    logLoss: round(mean.logLoss),
    brier: round(mean.brier),
    calibration: pooled.bins.map((b) => ({ predicted: round(b.meanPredicted), observed: round(b.observedRate), count: b.count / oof.length })),
    ece: round(pooled.error),
    importances: model.importances().slice(0, 20).map((f) => ({ feature: f.feature, importance: round(f.importance) })),
    folds: settings.folds,
    repeats: settings.repeats,
    candidates: results.map((r) => ({ label: r.label, auc: round(r.result.mean.auc) })),
  };
  await input.progress(1, `chose ${best.label}: AUC ${metrics.auc}, lift in the top 10% ${metrics.liftAt10}`);
  const parameters: Parameters = { model: model.toJSON(), spec: fitted };
  return { kind: best.candidate.kind, label: best.label, features: fitted.names, parameters, metrics };
}

/** A candidate with the settings' seed where it samples. */
function seeded(candidate: ModelCandidate, seed: number): ModelCandidate {
  return candidate.kind === 'boosting' ? { kind: 'boosting', options: { ...candidate.options, seed } } : candidate;
}

const concat = (arrays: Float64Array[]) => {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((at, a) => (out.set(a, at), at + a.length), 0);
  return out;
};
const repeatLabels = (labels: Float64Array, times: number) => concat(Array.from({ length: times }, () => labels));

/** Loaded models by stored id: a model is parsed once, not once per page. */
const loaded = new Map<number, { model: Model; spec: FittedFeatureSpec }>();

function modelFor(id: number, parameters: unknown): { model: Model; spec: FittedFeatureSpec } {
  let found = loaded.get(id);
  if (!found) {
    const p = parameters as Parameters;
    const model = loadModel(p.model);
    if (model.features.join('\u0000') !== p.spec.names.join('\u0000')) throw new Error(`stored churn model ${id}: its features do not match its feature spec`);
    found = { model, spec: p.spec };
    if (loaded.size >= 20) loaded.delete(loaded.keys().next().value!);
    loaded.set(id, found);
  }
  return found;
}

export function scoreHistories(input: ChurnModelScoreInput<ChurnModelSettings>): ChurnScore[] {
  const { model, spec } = modelFor(input.model.id, input.model.parameters);
  const records: FeatureRecord[] = input.histories.map(recordOf);
  const matrix = transformRecords(spec, records);
  return records.map((_, i) => {
    const explained = model.explain(rowOf(matrix, i), 5);
    return {
      probability: explained.probability,
      factors: explained.factors.map((f) => ({ feature: f.feature, value: round(f.value), contribution: round(f.contribution) })),
      warn: explained.probability >= input.settings.minProbability,
    };
  });
}

