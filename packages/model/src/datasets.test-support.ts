/**
 * The two public churn files the platform is measured on (IBM Telco, BigML 80%), read from the `shared/datasets`
 * folder beside the repository, with the feature specs the evaluation uses. For tests and scripts/evaluate.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelCandidate } from './cv.js';
import type { FeatureRecord, FeatureSpec } from './features.js';

export interface Dataset {
  name: string;
  file: string;
  records: FeatureRecord[];
  labels: Float64Array;
}

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Where the files are: $WEIXI_DATASETS_DIR, else `../shared/datasets` from the workspace root, else (in a git
 * worktree, whose `.git` is a file naming the main repository's) the same beside the main checkout.
 */
export function datasetsDir(): string | undefined {
  const candidates = [process.env.WEIXI_DATASETS_DIR, join(workspaceRoot, '../shared/datasets')];
  const dotGit = join(workspaceRoot, '.git');
  if (existsSync(dotGit) && statSync(dotGit).isFile()) {
    const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    const main = gitdir?.split(/[\\/]\.git[\\/]/)[0];
    if (main) candidates.push(join(main, '../shared/datasets'));
  }
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(dir));
}

/** These files hold no quoted fields (checked: no `"` in either), so a plain split on commas reads them. */
function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
  const columns = (header as string).split(',');
  return lines.map((line, k) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new Error(`${path}: line ${k + 2} has ${cells.length} fields, not ${columns.length}`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j] as string]));
  });
}

function load(name: string, file: string, label: string, positive: string): Dataset | undefined {
  const dir = datasetsDir();
  if (!dir || !existsSync(join(dir, file))) return undefined;
  const rows = readCsv(join(dir, file));
  const labels = Float64Array.from(rows, (r) => (r[label] === positive ? 1 : 0));
  const records = rows.map(({ [label]: _label, ...rest }) => rest);
  return { name, file, records, labels };
}

export const IBM_FILE = 'WA_Fn-UseC_-Telco-Customer-Churn.csv';
export const BIGML_FILE = 'churn-bigml-80.csv';

export const loadIbm = (): Dataset | undefined => load('IBM Telco', IBM_FILE, 'Churn', 'Yes');
export const loadBigml = (): Dataset | undefined => load('BigML 80%', BIGML_FILE, 'Churn', 'True');

const IBM_CATEGORICAL = [
  'gender', 'SeniorCitizen', 'Partner', 'Dependents', 'PhoneService', 'MultipleLines', 'InternetService', 'OnlineSecurity',
  'OnlineBackup', 'DeviceProtection', 'TechSupport', 'StreamingTV', 'StreamingMovies', 'Contract', 'PaperlessBilling', 'PaymentMethod',
];
const ADD_ONS = ['OnlineSecurity', 'OnlineBackup', 'DeviceProtection', 'TechSupport'];
const STREAMING = ['StreamingTV', 'StreamingMovies'];

/** IBM, plain: one-hot of every categorical, the three numbers as they are. */
export const IBM_PLAIN: FeatureSpec = {
  features: [
    ...IBM_CATEGORICAL.map((column) => ({ kind: 'categorical' as const, column })),
    { kind: 'numeric', column: 'tenure' },
    { kind: 'numeric', column: 'MonthlyCharges' },
    { kind: 'numeric', column: 'TotalCharges' },
  ],
};

/** IBM, engineered (STACK.md, "Churn models in Node 20"): tenure shape, charge ratios, service counts, crosses. */
export const IBM_ENGINEERED: FeatureSpec = {
  features: [
    ...IBM_PLAIN.features,
    { kind: 'numeric', column: 'tenure', transform: 'log1p' },
    { kind: 'numeric', column: 'TotalCharges', transform: 'log1p' },
    { kind: 'buckets', column: 'tenure', edges: [3, 6, 12, 24, 48, 60] },
    ...[6, 12, 24, 48].map((at) => ({ kind: 'hinge' as const, column: 'tenure', at })),
    { kind: 'numeric', numerator: 'TotalCharges', denominator: ['tenure'], name: 'averageCharge' },
    { kind: 'numeric', numerator: 'TotalCharges', denominator: ['tenure', 'MonthlyCharges'], name: 'averageToMonthly' },
    { kind: 'count', columns: ADD_ONS, equals: 'Yes', name: 'addOns' },
    { kind: 'count', columns: STREAMING, equals: 'Yes', name: 'streaming' },
    { kind: 'cross', columns: ['Contract', 'InternetService'] },
    { kind: 'cross', columns: ['Contract', 'PaymentMethod'] },
  ],
};

const BIGML_USAGE = [
  'Account length', 'Number vmail messages', 'Total day minutes', 'Total day calls', 'Total day charge', 'Total eve minutes',
  'Total eve calls', 'Total eve charge', 'Total night minutes', 'Total night calls', 'Total night charge', 'Total intl minutes',
  'Total intl calls', 'Total intl charge', 'Customer service calls',
];

/** BigML: the plans and area code one-hot, the usage numbers, and the total charge over the four periods. */
export const BIGML_FEATURES: FeatureSpec = {
  features: [
    { kind: 'categorical', column: 'International plan' },
    { kind: 'categorical', column: 'Voice mail plan' },
    { kind: 'categorical', column: 'Area code' },
    ...BIGML_USAGE.map((column) => ({ kind: 'numeric' as const, column })),
    { kind: 'numeric', sum: ['Total day charge', 'Total eve charge', 'Total night charge', 'Total intl charge'], name: 'totalCharge' },
  ],
};

/** A model of the evaluation: its label, features and candidate. */
export interface EvaluatedModel {
  label: string;
  features: FeatureSpec;
  candidate: ModelCandidate;
}

export interface Evaluation {
  key: 'ibm' | 'bigml';
  name: string;
  file: string;
  load: () => Dataset | undefined;
  models: EvaluatedModel[];
}

/** What scripts/evaluate.ts measures (the tuned settings; README.md has the figures). */
export const EVALUATIONS: Evaluation[] = [
  {
    key: 'ibm',
    name: 'IBM Telco',
    file: IBM_FILE,
    load: loadIbm,
    models: [
      { label: 'logistic l2=10, engineered', features: IBM_ENGINEERED, candidate: { kind: 'logistic', options: { l2: 10 } } },
      {
        label: 'boosting stumps 500 x 0.1, plain',
        features: IBM_PLAIN,
        candidate: { kind: 'boosting', options: { trees: 500, learningRate: 0.1, maxDepth: 1, minSamplesLeaf: 30, l2: 10 } },
      },
      {
        label: 'boosting depth 4, 400 x 0.02, plain',
        features: IBM_PLAIN,
        candidate: { kind: 'boosting', options: { trees: 400, learningRate: 0.02, maxDepth: 4, minSamplesLeaf: 50, subsample: 0.7, featureFraction: 0.5, l2: 5 } },
      },
    ],
  },
  {
    key: 'bigml',
    name: 'BigML 80%',
    file: BIGML_FILE,
    load: loadBigml,
    models: [
      { label: 'logistic l2=1', features: BIGML_FEATURES, candidate: { kind: 'logistic', options: { l2: 1 } } },
      { label: 'boosting depth 4, 300 x 0.05', features: BIGML_FEATURES, candidate: { kind: 'boosting', options: { trees: 300, learningRate: 0.05, maxDepth: 4 } } },
    ],
  },
];
