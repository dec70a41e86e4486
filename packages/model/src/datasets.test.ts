import { describe, expect, it } from 'vitest';
import { crossValidateModel, type CvResult } from './cv.js';
import { BIGML_FEATURES, BIGML_FILE, IBM_ENGINEERED, IBM_FILE, IBM_PLAIN, loadBigml, loadIbm, type Dataset } from './datasets.test-support.js';
import type { FeatureSpec } from './features.js';
import type { ModelCandidate } from './cv.js';

// One stratified 5-fold CV per model on each public file (the full protocol, 3 repeats, is scripts/evaluate.ts),
// with floors a little below the targets. Fewer trees than the evaluation, to stay quick on busy cores.
const ibm = loadIbm();
const bigml = loadBigml();
const absent = (file: string) => `(skipped: ${file} not found in shared/datasets beside the repository; set WEIXI_DATASETS_DIR)`;

function cv(data: Dataset, features: FeatureSpec, candidate: ModelCandidate): CvResult {
  return crossValidateModel(candidate, { records: data.records, labels: data.labels, features }, { folds: 5, seed: 1 });
}

describe('churn models on the public data sets', () => {
  it.skipIf(!ibm)(`IBM Telco: logistic regression on engineered features ${ibm ? '' : absent(IBM_FILE)}`, () => {
    const { mean } = cv(ibm as Dataset, IBM_ENGINEERED, { kind: 'logistic', options: { l2: 10 } });
    expect(mean.auc).toBeGreaterThanOrEqual(0.84);
    expect(mean.lift10).toBeGreaterThanOrEqual(2.7);
  });

  it.skipIf(!ibm)(`IBM Telco: boosted stumps ${ibm ? '' : absent(IBM_FILE)}`, () => {
    const { mean } = cv(ibm as Dataset, IBM_PLAIN, { kind: 'boosting', options: { trees: 250, learningRate: 0.2, maxDepth: 1, minSamplesLeaf: 30 } });
    expect(mean.auc).toBeGreaterThanOrEqual(0.84);
    expect(mean.lift10).toBeGreaterThanOrEqual(2.7);
  });

  it.skipIf(!bigml)(`BigML 80%: boosting, and logistic regression well behind ${bigml ? '' : absent(BIGML_FILE)}`, () => {
    const boosted = cv(bigml as Dataset, BIGML_FEATURES, { kind: 'boosting', options: { trees: 150, learningRate: 0.1, maxDepth: 4 } });
    expect(boosted.mean.auc).toBeGreaterThanOrEqual(0.91);
    const linear = cv(bigml as Dataset, BIGML_FEATURES, { kind: 'logistic' });
    expect(linear.mean.auc).toBeGreaterThanOrEqual(0.78);
    expect(linear.mean.auc).toBeLessThan(boosted.mean.auc - 0.05);
  });
});
