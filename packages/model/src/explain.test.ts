import { describe, expect, it } from 'vitest';
import { rowOf } from './matrix.js';
import { logisticSample, xorSample } from './synthetic.test-support.js';
import { train } from './train.js';

describe('explanations', () => {
  it('logistic: coefficient × standardised value, summing with the intercept to the logit', () => {
    const { x, y } = logisticSample(1_000, 0, [2, -1, 0.1], 1);
    const model = train('logistic', x, y, { featureNames: ['tenure', 'arpu', 'noise'] });
    const json = model.toJSON();
    if (json.kind !== 'logistic') throw new Error('kind');
    const p = json.parameters;
    const row = rowOf(x, 17);
    const e = model.explain(row, 3);
    expect(e.base).toBe(p.intercept);
    for (const f of e.factors) {
      expect(f.contribution).toBeCloseTo((p.coefficients[f.index] as number) * ((f.value - (p.means[f.index] as number)) / (p.scales[f.index] as number)), 12);
    }
    expect(e.base + e.factors.reduce((s, f) => s + f.contribution, 0) + e.rest).toBeCloseTo(e.logit, 10);
    expect(e.probability).toBeCloseTo(model.predict(row), 12);
  });

  it('boosting: path contributions sum to logit minus base, the largest first, the rest in `rest`', () => {
    const { x, y } = xorSample(1_000, 2);
    const model = train('boosting', x, y, { trees: 50, featureNames: ['a', 'b', 'noise'] });
    for (const i of [0, 1, 2, 3, 4]) {
      const row = rowOf(x, i);
      const all = model.explain(row, 3);
      expect(all.base + all.factors.reduce((s, f) => s + f.contribution, 0)).toBeCloseTo(all.logit, 10);
      expect(all.rest).toBe(0);
      const top = model.explain(row, 1);
      expect(top.factors).toHaveLength(1);
      expect(Math.abs(top.factors[0]?.contribution ?? 0)).toBe(Math.max(...all.factors.map((f) => Math.abs(f.contribution))));
      expect(top.base + (top.factors[0]?.contribution ?? 0) + top.rest).toBeCloseTo(top.logit, 10);
    }
    // The base is the same for every row: the model's starting log-odds.
    expect(model.explain(rowOf(x, 0)).base).toBe(model.explain(rowOf(x, 1)).base);
  });

  it('importances are shares, largest first', () => {
    const { x, y } = logisticSample(1_000, 0, [0.1, 3, -1], 4);
    for (const model of [train('logistic', x, y), train('boosting', x, y, { trees: 30 })]) {
      const importances = model.importances();
      expect(importances[0]?.feature).toBe('x1');
      expect(importances.reduce((s, f) => s + f.importance, 0)).toBeCloseTo(1, 12);
    }
  });
});
