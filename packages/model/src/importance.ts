import type { BoostingParameters } from './boosting.js';
import type { LogisticParameters } from './logistic.js';

/** Logistic regression: |coefficient| on the standardised scale (the log-odds change of one standard deviation). */
export function logisticImportances(parameters: LogisticParameters): Float64Array {
  return Float64Array.from(parameters.coefficients, Math.abs);
}

/** Boosted trees: the total loss reduction (gain) of every split on the feature. */
export function boostingImportances(parameters: BoostingParameters, features: number): Float64Array {
  const out = new Float64Array(features);
  for (const tree of parameters.trees) {
    tree.feature.forEach((f, node) => {
      if (f >= 0) out[f] = (out[f] as number) + (tree.gain[node] as number);
    });
  }
  return out;
}
