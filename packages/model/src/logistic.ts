import { solveSymmetric, type Matrix } from './matrix.js';

export interface LogisticOptions {
  /** L2 penalty on the standardised coefficients (not the intercept), added to the summed log-loss as l2/2 × |w|². */
  l2?: number;
  maxIterations?: number;
  /** Converged when no parameter moves by more than this in a Newton step. */
  tolerance?: number;
}

export const LOGISTIC_DEFAULTS: Required<LogisticOptions> = { l2: 1, maxIterations: 100, tolerance: 1e-8 };

/**
 * logit = intercept + Σ coefficients[j] × (x[j] - means[j]) / scales[j]. A constant column has scale 1
 * (and, with any L2, coefficient 0).
 */
export interface LogisticParameters {
  means: number[];
  scales: number[];
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** L2-regularised logistic regression by Newton's method (IRLS) with step halving, on standardised columns. */
export function fitLogistic(x: Matrix, labels: ArrayLike<number>, options: Required<LogisticOptions>): LogisticParameters {
  const { rows: n, cols: p } = x;
  const means = new Array<number>(p).fill(0);
  const scales = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) means[j] = (means[j] as number) + (x.data[i * p + j] as number) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scales[j] = (scales[j] as number) + ((x.data[i * p + j] as number) - (means[j] as number)) ** 2 / n;
  for (let j = 0; j < p; j++) scales[j] = (scales[j] as number) > 1e-24 ? Math.sqrt(scales[j] as number) : 1;

  // Design row i: [1, x_i1 / s_1 … x_ip / s_p]. Scaled but not centred, so one-hot zeros stay zeros (sparse);
  // the intercept is moved to the centred form at the end (the penalty, on the coefficients only, is the same).
  const d = p + 1;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    z[i * d] = 1;
    for (let j = 0; j < p; j++) z[i * d + j + 1] = (x.data[i * p + j] as number) / (scales[j] as number);
  }
  const eta = new Float64Array(n);
  const linear = (beta: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += (z[i * d + k] as number) * (beta[k] as number);
      eta[i] = sum;
    }
  };
  const objective = (beta: Float64Array): number => {
    linear(beta);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += softplus(eta[i] as number) - (labels[i] as number) * (eta[i] as number);
    for (let k = 1; k < d; k++) sum += (options.l2 / 2) * (beta[k] as number) ** 2;
    return sum;
  };

  const nonZero = new Int32Array(d);
  let beta = new Float64Array(d);
  const mean = Array.from(labels).reduce((s, v) => s + v, 0) / n;
  beta[0] = Math.log(mean / (1 - mean));
  let current = objective(beta);
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations && !converged) {
    iterations++;
    // eta holds the linear predictor of `beta` (objective() leaves it there).
    const gradient = new Float64Array(d);
    const hessian = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-(eta[i] as number)));
      const residual = mu - (labels[i] as number);
      const w = Math.max(mu * (1 - mu), 1e-12);
      // One-hot columns make rows sparse: accumulate over the non-zero entries only.
      const row = i * d;
      let count = 0;
      for (let a = 0; a < d; a++) if (z[row + a] !== 0) nonZero[count++] = a;
      for (let ka = 0; ka < count; ka++) {
        const a = nonZero[ka] as number;
        const za = z[row + a] as number;
        gradient[a] = (gradient[a] as number) + residual * za;
        const wa = w * za;
        for (let kb = 0; kb <= ka; kb++) {
          const b = nonZero[kb] as number;
          hessian[a * d + b] = (hessian[a * d + b] as number) + wa * (z[row + b] as number);
        }
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) hessian[b * d + a] = hessian[a * d + b] as number;
      hessian[a * d + a] = (hessian[a * d + a] as number) + (a > 0 ? options.l2 : 0) + 1e-10;
      if (a > 0) gradient[a] = (gradient[a] as number) + options.l2 * (beta[a] as number);
    }
    const step = solveSymmetric(hessian, gradient, d);
    let size = 1;
    let next = beta;
    let value = Number.POSITIVE_INFINITY;
    for (let halvings = 0; halvings < 40; halvings++, size /= 2) {
      next = beta.map((v, k) => v - size * (step[k] as number));
      value = objective(next);
      if (value <= current + 1e-12 * Math.abs(current)) break;
    }
    if (!Number.isFinite(value)) throw new RangeError('logistic regression diverged (non-finite log-likelihood); add L2');
    const moved = step.reduce((m, v) => Math.max(m, Math.abs(size * v)), 0);
    beta = next;
    current = value;
    converged = moved < options.tolerance;
  }
  const coefficients = Array.from(beta.subarray(1));
  const intercept = coefficients.reduce((b0, w, j) => b0 + (w * (means[j] as number)) / (scales[j] as number), beta[0] as number);
  return { means, scales, intercept, coefficients, iterations, converged };
}

export function logisticLogit(parameters: LogisticParameters, row: ArrayLike<number>): number {
  const { means, scales, coefficients } = parameters;
  let sum = parameters.intercept;
  for (let j = 0; j < coefficients.length; j++) sum += (coefficients[j] as number) * (((row[j] as number) - (means[j] as number)) / (scales[j] as number));
  return sum;
}
