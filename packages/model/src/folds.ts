import { createRandom, shuffle } from './random.js';

/**
 * Stratified k-fold assignment: each class is shuffled (seeded) and dealt round the folds in turn, so every
 * fold holds each class's share to within one row and every row sits in exactly one fold. Returns each
 * fold's row indices, ascending.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): number[][] {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new RangeError(`folds must be a whole number of at least 2, not ${folds}`);
  if (labels.length < folds) throw new RangeError(`${labels.length} rows cannot make ${folds} folds`);
  const random = createRandom(seed);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? positives : negatives).push(i);
  const out = Array.from({ length: folds }, () => [] as number[]);
  // Negatives continue the deal where positives stopped, so fold sizes differ by at most one too.
  [...shuffle(positives, random), ...shuffle(negatives, random)].forEach((row, k) => (out[k % folds] as number[]).push(row));
  return out.map((fold) => fold.sort((a, b) => a - b));
}

/** The rows not in `fold`, ascending. */
export function complementOf(fold: readonly number[], rows: number): number[] {
  const inFold = new Uint8Array(rows);
  for (const i of fold) inFold[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if (!inFold[i]) out.push(i);
  return out;
}
