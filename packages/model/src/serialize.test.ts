import { describe, expect, it } from 'vitest';
import { rowOf } from './matrix.js';
import { loadModel } from './serialize.js';
import { xorSample } from './synthetic.test-support.js';
import { train } from './train.js';

describe('serialised models', () => {
  const { x, y } = xorSample(800, 3);

  it('score identically after a JSON round trip, and keep their metadata', () => {
    for (const model of [
      train('logistic', x, y, { l2: 0.5, featureNames: ['a', 'b', 'c'], trainedAt: new Date('2026-05-01T00:00:00Z') }),
      train('boosting', x, y, { trees: 40, subsample: 0.8, featureNames: ['a', 'b', 'c'], trainedAt: new Date('2026-05-01T00:00:00Z') }),
    ]) {
      const text = JSON.stringify({ ...model.toJSON(), metrics: { auc: 0.9 } });
      const loaded = loadModel(text);
      expect(Array.from(loaded.predictMany(x))).toEqual(Array.from(model.predictMany(x)));
      expect(loaded.explain(rowOf(x, 5))).toEqual(model.explain(rowOf(x, 5)));
      expect(loaded.toJSON()).toMatchObject({ kind: model.kind, features: ['a', 'b', 'c'], trainedAt: '2026-05-01T00:00:00.000Z', metrics: { auc: 0.9 }, training: { rows: 800 } });
    }
  });

  it('refuses what is not a model, saying what is wrong', () => {
    const good = train('boosting', x, y, { trees: 2 }).toJSON();
    if (good.kind !== 'boosting') throw new Error('kind');
    expect(() => loadModel({})).toThrow('not a Weixi model');
    expect(() => loadModel({ ...good, version: 2 })).toThrow('version 2 is not supported');
    expect(() => loadModel({ ...good, kind: 'forest' })).toThrow('unknown model kind "forest"');
    const tree = good.parameters.trees[0];
    if (!tree) throw new Error('no tree');
    const badFeature = { ...good, parameters: { ...good.parameters, trees: [{ ...tree, feature: tree.feature.map((f) => (f >= 0 ? 9 : f)) }] } };
    expect(() => loadModel(badFeature)).toThrow('no such feature');
    const loop = { ...good, parameters: { ...good.parameters, trees: [{ ...tree, left: tree.left.map((l) => (l >= 0 ? 0 : l)) }] } };
    expect(() => loadModel(loop)).toThrow('has child 0');
    const logistic = train('logistic', x, y).toJSON();
    expect(() => loadModel({ ...logistic, features: ['a'] })).toThrow('parameters.means has 3 values, not 1');
    if (logistic.kind !== 'logistic') throw new Error('kind');
    expect(() => loadModel({ ...logistic, parameters: { ...logistic.parameters, scales: [1, 0, 1] } })).toThrow('scales must all be above 0');
  });

  it('checks the width of rows it scores', () => {
    const model = train('logistic', x, y);
    expect(() => model.predict([1, 2])).toThrow('needs 3 feature values, not 2');
  });
});
