/**
 * Training and scoring. Each candidate is cross-validated on the same stratified folds (one row per
 * customer, so a customer is never in its own test fold), with the feature spec fitted inside each fold;
 * the simplest candidate within one standard error of the best mean AUC is refitted on every row and stored
 * with its fitted spec. Scoring explains every probability by its largest log-odds contributions.
 */
import {
  calibration,
  crossValidate,
  evaluate,
  fitFeatureSpec,
  foldFitter,
  loadModel,
  rowOf,
  stratifiedFolds,
  train,
  transformRecords,
  type FeatureRecord,
  type FeatureSpec,
  type FittedFeatureSpec,
  type Metrics,
  type Model,
  type ModelCandidate,
  type ModelJson,
} from '@weixi/sdk/model';
import type { ChurnModelMetrics, ChurnModelScoreInput, ChurnModelTrainInput, ChurnScore, TrainedChurnModel } from '@weixi/sdk';
import { recordOf, specOf } from './features.js';

export interface ChurnModelSettings {
  minProbability: number;
  models: Array<keyof typeof CANDIDATES | 'blend'>;
  folds: number;
  repeats: number;
  seed: number;
  excludeAttributes: string[];
  weight: number;
}

/** The single models, as measured on the public data sets (packages/model/README.md). */
export const CANDIDATES = {
  logistic: { label: 'L2 logistic regression (l2 10, log features)', logTransforms: true, candidate: { kind: 'logistic', options: { l2: 10 } } },
  stumps: { label: 'boosted stumps (500 x 0.1)', logTransforms: false, candidate: { kind: 'boosting', options: { trees: 500, learningRate: 0.1, maxDepth: 1, minSamplesLeaf: 30, l2: 10 } } },
  trees: { label: 'boosted trees (depth 4, 300 x 0.05)', logTransforms: false, candidate: { kind: 'boosting', options: { trees: 300, learningRate: 0.05, maxDepth: 4 } } },
} satisfies Record<string, { label: string; logTransforms: boolean; candidate: ModelCandidate }>;

/** `blend`: the logit average of these two, whose errors differ (a linear model and additive trees). */
const BLEND = { label: 'blend of L2 logistic and boosted stumps (logit average)', members: ['logistic', 'stumps'] as const };

/**
 * The candidates, simplest first: one linear model (exact factors), additive steps, the two averaged (still
 * additive in each feature), then trees whose splits interact up to depth 4.
 */
const SIMPLEST_FIRST: ReadonlyArray<ChurnModelSettings['models'][number]> = ['logistic', 'stumps', 'blend', 'trees'];

/** What the core stores as the model's parameters: one model, or the members of a blend. */
type Member = { model: ModelJson; spec: FittedFeatureSpec };
type Parameters = Member | { members: Member[] };

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const logit = (p: number) => Math.log(Math.min(1 - 1e-12, Math.max(1e-12, p)) / (1 - Math.min(1 - 1e-12, Math.max(1e-12, p))));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Evaluated {
  label: string;
  mean: Metrics;
  aucSd: number;
  outOfFold: Float64Array[];
  members: Array<keyof typeof CANDIDATES>;
}

export async function trainChurnModel(input: ChurnModelTrainInput<ChurnModelSettings>): Promise<TrainedChurnModel> {
  const { settings, histories } = input;
  const records = histories.map(recordOf);
  const labels = Float64Array.from(histories, (h) => (h.churned ? 1 : 0));
  const cv = { folds: settings.folds, repeats: settings.repeats, seed: settings.seed };
  const wanted = settings.models.includes('blend') ? [...new Set([...settings.models.filter((m) => m !== 'blend'), ...BLEND.members])] : settings.models;
  const singles = wanted as Array<keyof typeof CANDIDATES>;
  const steps = singles.length * settings.folds * settings.repeats + 1;
  let done = 0;
  const specs = new Map<string, FeatureSpec>();
  const evaluated = new Map<string, Evaluated>();
  for (const key of singles) {
    const { label, logTransforms, candidate } = CANDIDATES[key];
    const spec = specOf(records, { excludeAttributes: settings.excludeAttributes, logTransforms });
    specs.set(key, spec);
    const fit = foldFitter(seeded(candidate, settings.seed), { records, features: spec, labels });
    const result = crossValidate(labels, (trainRows, testRows) => {
      input.signal.throwIfAborted();
      const predicted = fit(trainRows, testRows);
      void input.progress(++done / steps, `cross-validating ${label}: fold ${((done - 1) % (settings.folds * settings.repeats)) + 1} of ${settings.folds * settings.repeats}`);
      return predicted;
    }, cv);
    evaluated.set(key, { label, mean: result.mean, aucSd: result.aucSd, outOfFold: result.outOfFold, members: [key] });
  }
  if (settings.models.includes('blend')) evaluated.set('blend', blendOf(labels, BLEND.members.map((m) => evaluated.get(m)!), cv));
  const shown = settings.models.map((m) => evaluated.get(m)!);
  const chosen = chooseSimplest(SIMPLEST_FIRST.filter((m) => settings.models.includes(m)).map((m) => evaluated.get(m)!), settings.folds * settings.repeats);
  await input.progress((steps - 1) / steps, `training ${chosen.label} on ${records.length} customers`);
  const members = chosen.members.map((key) => {
    const fitted = fitFeatureSpec(specs.get(key)!, records);
    const candidate = seeded(CANDIDATES[key].candidate, settings.seed);
    const model = train(candidate.kind, transformRecords(fitted, records), labels, { ...candidate.options, featureNames: fitted.names } as never);
    return { model, spec: fitted };
  });
  const oof = chosen.outOfFold;
  const pooled = calibration(repeatLabels(labels, oof.length), concat(oof));
  const metrics: ChurnModelMetrics = {
    auc: round(chosen.mean.auc),
    aucSd: round(chosen.aucSd),
    liftAt10: round(chosen.mean.lift10, 3),
    liftAt20: round(chosen.mean.lift20, 3),
    logLoss: round(chosen.mean.logLoss),
    brier: round(chosen.mean.brier),
    calibration: pooled.bins.map((b) => ({ predicted: round(b.meanPredicted), observed: round(b.observedRate), count: b.count / oof.length })),
    ece: round(pooled.error),
    importances: importancesOf(members.map((m) => m.model)),
    folds: settings.folds,
    repeats: settings.repeats,
    candidates: shown.map((r) => ({ label: r.label, auc: round(r.mean.auc) })),
  };
  await input.progress(1, `chose ${chosen.label}: AUC ${metrics.auc}, lift in the top 10% ${metrics.liftAt10}`);
  const stored = members.map((m) => ({ model: m.model.toJSON(), spec: m.spec }));
  const parameters: Parameters = stored.length === 1 ? stored[0]! : { members: stored };
  const kind = members.length === 1 ? members[0]!.model.kind : 'blend';
  return { kind, label: chosen.label, features: [...new Set(members.flatMap((m) => m.spec.names))], parameters, metrics };
}

/**
 * The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani and Friedman, section 7.10): of the
 * candidates, simplest first, the first whose mean AUC is within one standard error of the best mean AUC
 * (the best's fold sd / √folds). A more complex candidate must beat a simpler one by more than the
 * cross-validation can tell apart.
 */
export function chooseSimplest<T extends { mean: { auc: number }; aucSd: number }>(simplestFirst: readonly T[], foldCount: number): T {
  const best = simplestFirst.reduce((a, b) => (b.mean.auc > a.mean.auc ? b : a));
  const floor = best.mean.auc - best.aucSd / Math.sqrt(foldCount);
  return simplestFirst.find((c) => c.mean.auc >= floor)!;
}

/**
 * A blend's cross-validation from its members' out-of-fold predictions: the members were validated on the
 * same folds (same labels, count and seed), so each held-out fold is scored by the average of their logits.
 */
function blendOf(labels: Float64Array, members: Evaluated[], cv: { folds: number; repeats: number; seed: number }): Evaluated {
  const outOfFold = members[0]!.outOfFold.map((_, r) => Float64Array.from(members[0]!.outOfFold[r]!, (_p, i) => sigmoid(members.reduce((z, m) => z + logit(m.outOfFold[r]![i]!), 0) / members.length)));
  const folds: Metrics[] = [];
  outOfFold.forEach((predicted, r) => {
    for (const test of stratifiedFolds(labels, cv.folds, cv.seed + r)) folds.push(evaluate(test.map((i) => labels[i]!), test.map((i) => predicted[i]!)));
  });
  const average = (key: keyof Metrics) => folds.reduce((a, f) => a + f[key], 0) / folds.length;
  const mean = Object.fromEntries((Object.keys(folds[0]!) as Array<keyof Metrics>).map((k) => [k, average(k)])) as unknown as Metrics;
  const aucSd = Math.sqrt(folds.reduce((a, f) => a + (f.auc - mean.auc) ** 2, 0) / Math.max(1, folds.length - 1));
  return { label: BLEND.label, mean, aucSd, outOfFold, members: members.flatMap((m) => m.members) };
}

/** Importances of one model, or of a blend's members averaged (a feature absent from one counts 0 there). */
function importancesOf(models: Model[]): ChurnModelMetrics['importances'] {
  const sum = new Map<string, number>();
  for (const m of models) for (const f of m.importances()) sum.set(f.feature, (sum.get(f.feature) ?? 0) + f.importance / models.length);
  return [...sum].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([feature, importance]) => ({ feature, importance: round(importance) }));
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
const loaded = new Map<number, Array<{ model: Model; spec: FittedFeatureSpec }>>();

function membersFor(id: number, parameters: unknown): Array<{ model: Model; spec: FittedFeatureSpec }> {
  let found = loaded.get(id);
  if (!found) {
    const p = parameters as Parameters;
    found = ('members' in p ? p.members : [p]).map((m) => {
      const model = loadModel(m.model);
      if (model.features.join('\u0000') !== m.spec.names.join('\u0000')) throw new Error(`stored churn model ${id}: its features do not match its feature spec`);
      return { model, spec: m.spec };
    });
    if (loaded.size >= 20) loaded.delete(loaded.keys().next().value!);
    loaded.set(id, found);
  }
  return found;
}

/**
 * Scores histories: a blend averages its members' logits, so its factors are the members' contributions
 * (each additive in log-odds) averaged by feature: the sum of the factors still gives the score.
 */
export function scoreHistories(input: ChurnModelScoreInput<ChurnModelSettings>): ChurnScore[] {
  const members = membersFor(input.model.id, input.model.parameters);
  const records: FeatureRecord[] = input.histories.map(recordOf);
  const matrices = members.map((m) => transformRecords(m.spec, records));
  return records.map((_, i) => {
    const parts = new Map<string, { value: number; contribution: number }>();
    let z = 0;
    members.forEach((m, k) => {
      const explained = m.model.explain(rowOf(matrices[k]!, i), members.length === 1 ? 5 : m.model.features.length);
      z += explained.logit / members.length;
      for (const f of explained.factors) {
        const part = parts.get(f.feature) ?? { value: f.value, contribution: 0 };
        part.contribution += f.contribution / members.length;
        parts.set(f.feature, part);
      }
    });
    const probability = sigmoid(z);
    const factors = [...parts].sort((a, b) => Math.abs(b[1].contribution) - Math.abs(a[1].contribution)).slice(0, 5);
    return {
      probability,
      factors: factors.map(([feature, f]) => ({ feature, value: round(f.value), contribution: round(f.contribution) })),
      warn: probability >= input.settings.minProbability,
    };
  });
}
