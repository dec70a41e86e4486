import { describe, expect, it } from 'vitest';
import { matrixFromRows } from './matrix.js';
import { rocAuc } from './metrics.js';
import { xorSample } from './synthetic.test-support.js';
import { train } from './train.js';

describe('gradient boosting', () => {
  const fitted = xorSample(2_000, 11);
  const held = xorSample(1_000, 12);

  it('fits an XOR interaction that logistic regression cannot', () => {
    const boosted = train('boosting', fitted.x, fitted.y, { trees: 100, learningRate: 0.1, maxDepth: 3 });
    const linear = train('logistic', fitted.x, fitted.y);
    expect(rocAuc(held.y, boosted.predictMany(held.x))).toBeGreaterThan(0.95);
    expect(Math.abs(rocAuc(held.y, linear.predictMany(held.x)) - 0.5)).toBeLessThan(0.06);
    // The noise column hardly matters.
    const [first, second, third] = boosted.importances();
    expect([first?.feature, second?.feature].sort()).toEqual(['x0', 'x1']);
    expect(third?.importance).toBeLessThan(0.05);
  });

  it('is deterministic for a seed and varies with it when subsampling', () => {
    const options = { trees: 20, subsample: 0.7, featureFraction: 0.67, seed: 5 };
    const a = train('boosting', fitted.x, fitted.y, options).predictMany(held.x);
    const b = train('boosting', fitted.x, fitted.y, options).predictMany(held.x);
    const c = train('boosting', fitted.x, fitted.y, { ...options, seed: 6 }).predictMany(held.x);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('stops early on a held-out share, keeping the best round', () => {
    const model = train('boosting', fitted.x, fitted.y, { trees: 2_000, learningRate: 0.3, validationFraction: 0.2, earlyStoppingRounds: 10 });
    const json = model.toJSON();
    if (json.kind !== 'boosting') throw new Error('kind');
    const losses = json.parameters.validationLoss ?? [];
    const kept = json.parameters.trees.length;
    expect(kept).toBeLessThan(losses.length);
    expect(losses.length - kept).toBe(10);
    expect(Math.min(...losses)).toBe(losses[kept - 1]);
  });

  it('honours depth and leaf size, and splits on raw thresholds between seen values', () => {
    const x = matrixFromRows(Array.from({ length: 40 }, (_, i) => [i < 20 ? 1 : 3]));
    const y = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
    const json = train('boosting', x, y, { trees: 1, maxDepth: 1, minSamplesLeaf: 5 }).toJSON();
    if (json.kind !== 'boosting') throw new Error('kind');
    const [tree] = json.parameters.trees;
    expect(tree?.feature).toEqual([0, -1, -1]);
    expect(tree?.threshold[0]).toBe(2);
    const tooSmall = train('boosting', x, y, { trees: 1, minSamplesLeaf: 21 }).toJSON();
    if (tooSmall.kind !== 'boosting') throw new Error('kind');
    expect(tooSmall.parameters.trees[0]?.feature).toEqual([-1]);
    expect(() => train('boosting', x, y, { trees: 2.5 })).toThrow('trees must be a whole number');
    expect(() => train('boosting', x, y, { learningRate: 2 })).toThrow('learningRate must be at most 1');
  });
});
