/**
 * The evaluation protocol of the churn models: on each public data set, 3 repeated stratified 5-fold CVs per model
 * (seeds 1-3), the FeatureSpec fitted on the training folds only. Prints mean AUC (± sd over the 15 folds),
 * lift in the top 10% and 20%, log loss, Brier score, expected calibration error, time per fold (wall and CPU:
 * the CPU figure is the one to compare on a shared machine), and the
 * decile calibration of the first repeat's out-of-fold predictions.
 * Run: pnpm --filter @weixi/model evaluate [--repeats N] [--only ibm|bigml]
 */
import { calibration, crossValidateModel } from '../src/index.js';
import { EVALUATIONS } from '../src/datasets.test-support.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const repeats = Number(option('repeats') ?? 3);
const only = option('only');

const fixed = (v: number, digits = 4): string => v.toFixed(digits);

for (const evaluation of EVALUATIONS) {
  if (only && evaluation.key !== only) continue;
  const data = evaluation.load();
  if (!data) {
    console.log(`\n${evaluation.name}: ${evaluation.file} not found (shared/datasets beside the repository, or WEIXI_DATASETS_DIR); skipped`);
    continue;
  }
  const positives = data.labels.reduce((s, v) => s + v, 0);
  console.log(`\n${evaluation.name} (${evaluation.file}): ${data.labels.length} rows, ${positives} churned; ${repeats} x stratified 5-fold CV`);
  const width = Math.max(...evaluation.models.map((m) => m.label.length)) + 2;
  console.log(['model'.padEnd(width), 'AUC', '± sd  ', 'lift10', 'lift20', 'logLoss', 'Brier ', 'ECE   ', 'wall s/fold', 'cpu s/fold'].join('  '));
  for (const entry of evaluation.models) {
    const cpuBefore = process.cpuUsage();
    const cv = crossValidateModel(entry.candidate, { records: data.records, labels: data.labels, features: entry.features }, { folds: 5, repeats, seed: 1 });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerFold = (cpu.user + cpu.system) / 1e6 / cv.folds.length;
    const m = cv.mean;
    console.log(
      [entry.label.padEnd(width), fixed(m.auc), fixed(cv.aucSd), fixed(m.lift10, 3) + ' ', fixed(m.lift20, 3) + ' ', fixed(m.logLoss), fixed(m.brier), fixed(m.calibrationError), fixed(cv.seconds / cv.folds.length, 2).padEnd(11), fixed(cpuPerFold, 2)].join('  '),
    );
    const bins = calibration(data.labels, cv.outOfFold[0] as Float64Array).bins;
    console.log(`${''.padEnd(width + 2)}deciles predicted/observed: ${bins.map((b) => `${fixed(b.meanPredicted, 2)}/${fixed(b.observedRate, 2)}`).join(' ')}`);
  }
}
