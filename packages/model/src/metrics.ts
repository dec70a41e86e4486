/**
 * Scores of a binary classifier against known outcomes (labels 0/1, predictions probabilities or any
 * score where higher means likelier churn). Each function needs both arrays of the same length.
 */

function checkLengths(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  if (labels.length === 0) throw new RangeError('no rows to score');
}

function positivesOf(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  return positives;
}

function orderBy(scores: ArrayLike<number>, descending: boolean): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  const sign = descending ? -1 : 1;
  return order.sort((a, b) => sign * ((scores[a] as number) - (scores[b] as number)));
}

/**
 * Area under the ROC curve: the chance that a random churner scores above a random stayer, a tie counting
 * half (Mann-Whitney with mid-ranks). NaN when one class is absent.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(labels, scores);
  const n = labels.length;
  const positives = positivesOf(labels);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = orderBy(scores, false);
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (labels[order[k] as number] === 1) positiveRankSum += midRank;
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Churn rate among the top `share` of rows by score, divided by the overall churn rate. The top holds
 * round(share × n) rows (at least one); rows tied at its edge count by their share of the tie.
 */
export function liftAt(labels: ArrayLike<number>, scores: ArrayLike<number>, share: number): number {
  checkLengths(labels, scores);
  if (!(share > 0 && share <= 1)) throw new RangeError(`lift share must be in (0, 1], not ${share}`);
  const n = labels.length;
  const positives = positivesOf(labels);
  if (positives === 0) return Number.NaN;
  const top = Math.max(1, Math.round(share * n));
  const order = orderBy(scores, true);
  const edge = scores[order[top - 1] as number] as number;
  let above = 0;
  let abovePositives = 0;
  let tied = 0;
  let tiedPositives = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const s = scores[i] as number;
    if (s > edge) {
      above++;
      abovePositives += labels[i] as number;
    } else if (s === edge) {
      tied++;
      tiedPositives += labels[i] as number;
    } else break;
  }
  const caught = abovePositives + ((top - above) / tied) * tiedPositives;
  return caught / top / (positives / n);
}

const EPSILON = 1e-15;

/** Mean negative log-likelihood of probabilities (clipped to [1e-15, 1 - 1e-15]). */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** Mean squared difference between probability and outcome. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  return sum / labels.length;
}

/** One calibration bin: rows with predictions in [minPredicted, maxPredicted]. */
export interface CalibrationBin {
  count: number;
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Expected calibration error: the row-weighted mean |meanPredicted - observedRate| over the bins. */
  error: number;
}

/** Calibration over `bins` equal-count bins of the sorted predictions (deciles by default). */
export function calibration(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): Calibration {
  checkLengths(labels, probabilities);
  const n = labels.length;
  const order = orderBy(probabilities, false);
  const out: CalibrationBin[] = [];
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.floor(((b + 1) * n) / bins);
    if (end === start) continue;
    let predicted = 0;
    let observed = 0;
    for (let k = start; k < end; k++) {
      predicted += probabilities[order[k] as number] as number;
      observed += labels[order[k] as number] as number;
    }
    const count = end - start;
    const bin = {
      count,
      minPredicted: probabilities[order[start] as number] as number,
      maxPredicted: probabilities[order[end - 1] as number] as number,
      meanPredicted: predicted / count,
      observedRate: observed / count,
    };
    error += (count / n) * Math.abs(bin.meanPredicted - bin.observedRate);
    out.push(bin);
  }
  return { bins: out, error };
}

/** The figures a model is judged by on held-out rows. */
export interface Metrics {
  rows: number;
  positives: number;
  auc: number;
  lift10: number;
  lift20: number;
  logLoss: number;
  brier: number;
  calibrationError: number;
}

export function evaluate(labels: ArrayLike<number>, probabilities: ArrayLike<number>): Metrics {
  return {
    rows: labels.length,
    positives: positivesOf(labels),
    auc: rocAuc(labels, probabilities),
    lift10: liftAt(labels, probabilities, 0.1),
    lift20: liftAt(labels, probabilities, 0.2),
    logLoss: logLoss(labels, probabilities),
    brier: brierScore(labels, probabilities),
    calibrationError: calibration(labels, probabilities).error,
  };
}
