import { describe, expect, it } from 'vitest';
import { chooseModel, crossValidate, crossValidateModel } from './cv.js';
import { fitFeatureSpec, transformRecords } from './features.js';
import { stratifiedFolds } from './folds.js';
import { createRandom, shuffle } from './random.js';
import { logisticSample, xorSample } from './synthetic.test-support.js';

describe('stratifiedFolds', () => {
  const labels: number[] = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));

  it('puts every row in exactly one fold and keeps the class ratio in each', () => {
    const folds = stratifiedFolds(labels, 5, 42);
    const seen = folds.flat().sort((a, b) => a - b);
    expect(seen).toEqual(labels.map((_, i) => i));
    const positives = labels.reduce((s, v) => s + v, 0);
    for (const fold of folds) {
      expect(Math.abs(fold.filter((i) => labels[i] === 1).length - positives / 5)).toBeLessThanOrEqual(1);
      expect(Math.abs(fold.length - labels.length / 5)).toBeLessThanOrEqual(1);
    }
  });

  it('is the same for a seed and different for another', () => {
    expect(stratifiedFolds(labels, 5, 1)).toEqual(stratifiedFolds(labels, 5, 1));
    expect(stratifiedFolds(labels, 5, 1)).not.toEqual(stratifiedFolds(labels, 5, 2));
    expect(() => stratifiedFolds(labels, 1, 1)).toThrow('at least 2');
  });
});

describe('crossValidate', () => {
  it('scores shuffled labels near AUC 0.5 (nothing leaks from the test rows)', () => {
    const { x, y } = logisticSample(2_000, 0, [2, -1, 1], 21);
    const shuffled = Float64Array.from(shuffle(Array.from(y), createRandom(3)));
    const cv = crossValidateModel({ kind: 'logistic' }, { matrix: x, labels: shuffled }, { folds: 5, seed: 9 });
    expect(cv.mean.auc).toBeGreaterThan(0.45);
    expect(cv.mean.auc).toBeLessThan(0.55);
    const real = crossValidateModel({ kind: 'logistic' }, { matrix: x, labels: y }, { folds: 5, seed: 9 });
    expect(real.mean.auc).toBeGreaterThan(0.8);
  });

  it('repeats with fresh folds, one result a fold, and averages them', () => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 3 === 0 ? 1 : 0);
    const tested: number[][] = [];
    const cv = crossValidate(labels, (train, test) => {
      tested.push(test);
      expect(train.length + test.length).toBe(60);
      expect(train.some((i) => test.includes(i))).toBe(false);
      return test.map((i) => labels[i] as number);
    }, { folds: 3, repeats: 2, seed: 4 });
    expect(cv.folds.map((f) => [f.repeat, f.fold])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(cv.mean.auc).toBe(1);
    expect(tested[0]).not.toEqual(tested[3]);
  });
});

describe('crossValidateModel on records', () => {
  it('fits the FeatureSpec on the training rows of each fold only', () => {
    // Rows come in pairs sharing a level and a label. With minCount 2, a pair split across training and test has its
    // level dropped when only training rows are counted, so it cannot carry the test row's label; counted on all
    // rows, it would.
    const random = createRandom(8);
    const pairLabels = Array.from({ length: 300 }, () => (random.next() < 0.5 ? 1 : 0));
    const records = Array.from({ length: 600 }, (_, i) => ({ pair: `p${i >> 1}` }));
    const labels = Float64Array.from(records, (_, i) => pairLabels[i >> 1] as number);
    const features = { features: [{ kind: 'categorical' as const, column: 'pair', minCount: 2 }] };
    const honest = crossValidateModel({ kind: 'logistic' }, { records, features, labels }, { seed: 2 });
    // Every held-out row then has all-zero features: one prediction for all, AUC exactly 0.5.
    expect(honest.mean.auc).toBe(0.5);
    const leaky = crossValidateModel({ kind: 'logistic' }, { matrix: transformRecords(fitFeatureSpec(features, records), records), labels }, { seed: 2 });
    expect(leaky.mean.auc).toBeGreaterThan(0.9);
    expect(honest.outOfFold[0]).toHaveLength(600);
  });
});

describe('chooseModel', () => {
  it('picks boosting on an interaction and reports every candidate on the same folds', () => {
    const { x, y } = xorSample(1_000, 5);
    const choice = chooseModel([{ kind: 'logistic' }, { kind: 'boosting', options: { trees: 60, learningRate: 0.2 } }], { matrix: x, labels: y }, { folds: 3 });
    expect(choice.best.kind).toBe('boosting');
    expect(choice.results.map((r) => r.cv.folds.map((f) => f.positives))).toEqual([
      choice.results[1]?.cv.folds.map((f) => f.positives),
      choice.results[1]?.cv.folds.map((f) => f.positives),
    ]);
  });
});
