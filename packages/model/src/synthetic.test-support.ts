/** Generated data with known answers, for the engine's tests. */
import { createMatrix, type Matrix } from './matrix.js';
import { createRandom, type Random } from './random.js';

export function normal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

export interface Sample {
  x: Matrix;
  y: Float64Array;
}

/** Rows x ~ N(mean, scale²) per column; y ~ Bernoulli(σ(intercept + Σ coefficients[j] x[j])). */
export function logisticSample(n: number, intercept: number, coefficients: number[], seed: number, means: number[] = [], scales: number[] = []): Sample {
  const random = createRandom(seed);
  const p = coefficients.length;
  const x = createMatrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = intercept;
    for (let j = 0; j < p; j++) {
      const v = (means[j] ?? 0) + (scales[j] ?? 1) * normal(random);
      x.data[i * p + j] = v;
      z += (coefficients[j] as number) * v;
    }
    y[i] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y };
}

/** Two uniform columns in [-1, 1] and a noise column; churn when the first two have the same sign (2% flipped: the best possible AUC is 0.98). */
export function xorSample(n: number, seed: number): Sample {
  const random = createRandom(seed);
  const x = createMatrix(n, 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * random.next() - 1;
    const b = 2 * random.next() - 1;
    x.data.set([a, b, normal(random)], i * 3);
    const same = a * b > 0 ? 1 : 0;
    y[i] = random.next() < 0.02 ? 1 - same : same;
  }
  return { x, y };
}
