import { describe, expect, it } from 'vitest';
import { createMatrix, matrixFromRows } from './matrix.js';
import { logisticSample } from './synthetic.test-support.js';
import { train } from './train.js';

describe('logistic regression', () => {
  it('recovers known coefficients on generated data', () => {
    const coefficients = [1.5, -2, 0.5, 0];
    const means = [3, -1, 0, 10];
    const scales = [1, 0.5, 2, 4];
    // Intercept -6.5 centres the log-odds near 0 at the means, so both classes are common.
    const { x, y } = logisticSample(20_000, -6.5, coefficients, 7, means, scales);
    const model = train('logistic', x, y, { l2: 1e-6 });
    const json = model.toJSON();
    if (json.kind !== 'logistic') throw new Error('kind');
    const p = json.parameters;
    expect(p.converged).toBe(true);
    expect(p.iterations).toBeLessThan(15);
    // Back on the raw scale: beta_j = w_j / scale_j, intercept = b0 - Σ beta_j mean_j.
    const raw = p.coefficients.map((w, j) => w / (p.scales[j] as number));
    raw.forEach((b, j) => expect(Math.abs(b - (coefficients[j] as number))).toBeLessThan(0.08));
    const intercept = p.intercept - raw.reduce((s, b, j) => s + b * (p.means[j] as number), 0);
    expect(Math.abs(intercept - -6.5)).toBeLessThan(0.3);
  });

  it('shrinks coefficients as L2 grows, and fits a constant column with coefficient 0', () => {
    // Intercept -6.5 centres the log-odds near 0 at the means, so both classes are common.
    const { x, y } = logisticSample(2_000, 0, [1], 3);
    const withConstant = createMatrix(x.rows, 2);
    for (let i = 0; i < x.rows; i++) withConstant.data.set([x.data[i] as number, 5], i * 2);
    const coefficient = (l2: number) => {
      const json = train('logistic', withConstant, y, { l2 }).toJSON();
      if (json.kind !== 'logistic') throw new Error('kind');
      expect(json.parameters.coefficients[1]).toBeCloseTo(0, 12);
      return json.parameters.coefficients[0] as number;
    };
    expect(coefficient(1)).toBeGreaterThan(coefficient(100));
    expect(coefficient(100)).toBeGreaterThan(coefficient(10_000));
  });

  it('stays finite on separable data, and says what is wrong with bad input', () => {
    const x = matrixFromRows([[0], [1], [2], [3]]);
    const model = train('logistic', x, [0, 0, 1, 1], { l2: 0.01 });
    expect(model.predict([3])).toBeGreaterThan(0.9);
    expect(model.predict([0])).toBeLessThan(0.1);
    expect(() => train('logistic', x, [0, 0, 0, 0])).toThrow('both churned and retained');
    expect(() => train('logistic', x, [0, 2, 1, 0])).toThrow('label 1 is 2');
    expect(() => train('logistic', matrixFromRows([[0], [Number.NaN]]), [0, 1])).toThrow('row 1, column 0 is NaN');
    expect(() => train('logistic', x, [0, 0, 1, 1], { trees: 3 } as never)).toThrow('unknown option trees');
  });
});
