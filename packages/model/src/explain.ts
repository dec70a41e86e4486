import type { BoostingParameters } from './boosting.js';
import type { LogisticParameters } from './logistic.js';
import { addPathContributions } from './tree.js';

/**
 * Logistic regression: feature j contributes coefficient × standardised value, the base is the intercept
 * (the log-odds of a row at the training means).
 */
export function logisticContributions(parameters: LogisticParameters, row: ArrayLike<number>, out: Float64Array): number {
  const { means, scales, coefficients } = parameters;
  for (let j = 0; j < coefficients.length; j++) {
    out[j] = (out[j] as number) + (coefficients[j] as number) * (((row[j] as number) - (means[j] as number)) / (scales[j] as number));
  }
  return parameters.intercept;
}

/**
 * Boosted trees: Saabas path attribution summed over the trees; the base is the initial log-odds plus every
 * tree's root value (the log-odds before any split looks at the row).
 */
export function boostingContributions(parameters: BoostingParameters, row: ArrayLike<number>, out: Float64Array): number {
  let base = parameters.initialLogit;
  for (const tree of parameters.trees) base += addPathContributions(tree, row, out);
  return base;
}
