import { binMatrix, fitBins } from './bins.js';
import { complementOf, stratifiedFolds } from './folds.js';
import type { Matrix } from './matrix.js';
import { sigmoid } from './model.js';
import { createRandom, shuffle, type Random } from './random.js';
import { treeValue, type Tree } from './tree.js';

export interface BoostingOptions {
  /** Boosting rounds (the most, with early stopping). */
  trees?: number;
  learningRate?: number;
  maxDepth?: number;
  /** Quantile bins per feature, 2 to 256. */
  maxBins?: number;
  minSamplesLeaf?: number;
  /** Least sum of hessians p(1 - p) in a leaf. */
  minHessianLeaf?: number;
  /** L2 penalty on leaf values. */
  l2?: number;
  /** Least loss reduction for a split. */
  minSplitGain?: number;
  /** Share of rows each tree sees (sampled without replacement). */
  subsample?: number;
  /** Share of features each tree may split on. */
  featureFraction?: number;
  seed?: number;
  /** Share of the training rows held out (stratified) to stop early on their log loss; 0 = no early stopping. */
  validationFraction?: number;
  /** Stop after this many rounds without a better validation log loss, keeping the best round. */
  earlyStoppingRounds?: number;
}

export const BOOSTING_DEFAULTS: Required<BoostingOptions> = {
  trees: 300,
  learningRate: 0.05,
  maxDepth: 4,
  maxBins: 255,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  l2: 1,
  minSplitGain: 0,
  subsample: 1,
  featureFraction: 1,
  seed: 1,
  validationFraction: 0,
  earlyStoppingRounds: 20,
};

/** logit = initialLogit + Σ tree values. */
export interface BoostingParameters {
  initialLogit: number;
  trees: Tree[];
  /** With early stopping: the validation log loss after each round that was grown. */
  validationLoss?: number[];
}

export function boostingLogit(parameters: BoostingParameters, row: ArrayLike<number>): number {
  let sum = parameters.initialLogit;
  for (const tree of parameters.trees) sum += treeValue(tree, row);
  return sum;
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/** Grows one tree on histograms of gradients and hessians (row order kept, smaller child built, larger by subtraction). */
class TreeGrower {
  private readonly offsets: Int32Array;
  private readonly pool: Float64Array[] = [];
  private tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], gain: [] };
  /** Each node's split as a bin (training only): scores of the training rows are updated on bins. */
  private splitBins: number[] = [];
  private features: number[] = [];

  constructor(
    private readonly bins: Uint8Array,
    private readonly edges: readonly Float64Array[],
    private readonly rows: number,
    private readonly gradient: Float64Array,
    private readonly hessian: Float64Array,
    private readonly options: Required<BoostingOptions>,
  ) {
    this.offsets = new Int32Array(edges.length + 1);
    edges.forEach((e, j) => (this.offsets[j + 1] = (this.offsets[j] as number) + e.length + 1));
  }

  private histogram(depth: number): Float64Array {
    const size = 3 * (this.offsets[this.edges.length] as number);
    this.pool[depth] ??= new Float64Array(size);
    return this.pool[depth] as Float64Array;
  }

  private fill(hist: Float64Array, members: Int32Array): void {
    hist.fill(0);
    const { bins, rows, gradient, hessian } = this;
    for (const j of this.features) {
      const column = j * rows;
      const base = 3 * (this.offsets[j] as number);
      for (let k = 0; k < members.length; k++) {
        const i = members[k] as number;
        const at = base + 3 * (bins[column + i] as number);
        hist[at] = (hist[at] as number) + (gradient[i] as number);
        hist[at + 1] = (hist[at + 1] as number) + (hessian[i] as number);
        hist[at + 2] = (hist[at + 2] as number) + 1;
      }
    }
  }

  private bestSplit(hist: Float64Array, g: number, h: number, count: number): Split | undefined {
    const { l2, minSamplesLeaf, minHessianLeaf } = this.options;
    const parent = (g * g) / (h + l2);
    let best: Split | undefined;
    for (const j of this.features) {
      const base = 3 * (this.offsets[j] as number);
      const binCount = (this.offsets[j + 1] as number) - (this.offsets[j] as number);
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b < binCount - 1; b++) {
        gl += hist[base + 3 * b] as number;
        hl += hist[base + 3 * b + 1] as number;
        cl += hist[base + 3 * b + 2] as number;
        const cr = count - cl;
        if (cl < minSamplesLeaf || hl < minHessianLeaf) continue;
        if (cr < minSamplesLeaf) break;
        const hr = h - hl;
        if (hr < minHessianLeaf) break;
        const gr = g - gl;
        const gain = ((gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent) / 2;
        if (gain > (best?.gain ?? this.options.minSplitGain)) best = { feature: j, bin: b, gain };
      }
    }
    return best;
  }

  private node(g: number, h: number): number {
    const t = this.tree;
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push((-g / (h + this.options.l2)) * this.options.learningRate);
    t.gain.push(0);
    this.splitBins.push(-1);
    return t.value.length - 1;
  }

  private grow(members: Int32Array, hist: Float64Array, depth: number, g: number, h: number): number {
    const node = this.node(g, h);
    if (depth >= this.options.maxDepth || members.length < 2 * this.options.minSamplesLeaf) return node;
    const split = this.bestSplit(hist, g, h, members.length);
    if (!split) return node;
    const column = split.feature * this.rows;
    const left: number[] = [];
    const right: number[] = [];
    let gl = 0;
    let hl = 0;
    for (let k = 0; k < members.length; k++) {
      const i = members[k] as number;
      if ((this.bins[column + i] as number) <= split.bin) {
        left.push(i);
        gl += this.gradient[i] as number;
        hl += this.hessian[i] as number;
      } else right.push(i);
    }
    const leftRows = Int32Array.from(left);
    const rightRows = Int32Array.from(right);
    const smallIsLeft = leftRows.length <= rightRows.length;
    const small = this.histogram(depth + 1);
    this.fill(small, smallIsLeft ? leftRows : rightRows);
    for (let k = 0; k < hist.length; k++) hist[k] = (hist[k] as number) - (small[k] as number);
    // `hist` now holds the larger child; the smaller child's subtree reuses deeper pool buffers only.
    const t = this.tree;
    t.feature[node] = split.feature;
    t.threshold[node] = this.edges[split.feature]?.[split.bin] as number;
    t.gain[node] = split.gain;
    this.splitBins[node] = split.bin;
    if (smallIsLeft) {
      t.left[node] = this.grow(leftRows, small, depth + 1, gl, hl);
      t.right[node] = this.grow(rightRows, hist, depth + 1, g - gl, h - hl);
    } else {
      t.right[node] = this.grow(rightRows, small, depth + 1, g - gl, h - hl);
      t.left[node] = this.grow(leftRows, hist, depth + 1, gl, hl);
    }
    return node;
  }

  growTree(members: Int32Array, features: number[]): Tree {
    this.tree = { feature: [], threshold: [], left: [], right: [], value: [], gain: [] };
    this.splitBins = [];
    this.features = features;
    const root = this.histogram(0);
    this.fill(root, members);
    let g = 0;
    let h = 0;
    for (let k = 0; k < members.length; k++) {
      g += this.gradient[members[k] as number] as number;
      h += this.hessian[members[k] as number] as number;
    }
    this.grow(members, root, 0, g, h);
    return this.tree;
  }

  /** Adds the last grown tree's output to every training row's score. */
  addTo(scores: Float64Array): void {
    const { feature, left, right, value } = this.tree;
    const { bins, rows, splitBins } = this;
    for (let i = 0; i < rows; i++) {
      let node = 0;
      for (let f = feature[0] as number; f >= 0; f = feature[node] as number) {
        node = (bins[f * rows + i] as number) <= (splitBins[node] as number) ? (left[node] as number) : (right[node] as number);
      }
      scores[i] = (scores[i] as number) + (value[node] as number);
    }
  }
}

function sampleRows(rows: readonly number[], share: number, random: Random): Int32Array {
  if (share >= 1) return Int32Array.from(rows);
  return Int32Array.from(rows.filter(() => random.next() < share));
}

function sampleFeatures(count: number, share: number, random: Random): number[] {
  const all = Array.from({ length: count }, (_, j) => j);
  if (share >= 1) return all;
  return shuffle(all, random)
    .slice(0, Math.max(1, Math.round(share * count)))
    .sort((a, b) => a - b);
}

/** Gradient boosting of depth-limited histogram trees on log-loss (second order, as in XGBoost/LightGBM). */
export function fitBoosting(x: Matrix, labels: ArrayLike<number>, options: Required<BoostingOptions>): BoostingParameters {
  const n = x.rows;
  const random = createRandom(options.seed);
  let fitRows = Array.from({ length: n }, (_, i) => i);
  let validationRows: number[] = [];
  if (options.validationFraction > 0) {
    const folds = Math.max(2, Math.round(1 / options.validationFraction));
    validationRows = stratifiedFolds(labels, folds, options.seed)[0] as number[];
    fitRows = complementOf(validationRows, n);
  }
  const positives = fitRows.reduce((s, i) => s + (labels[i] as number), 0);
  const initialLogit = Math.log(positives / (fitRows.length - positives));

  const edges = fitBins(x, options.maxBins);
  const bins = binMatrix(x, edges);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  const scores = new Float64Array(n).fill(initialLogit);
  const grower = new TreeGrower(bins, edges, n, gradient, hessian, options);
  const trees: Tree[] = [];
  const validationLoss: number[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, trees: 0 };
  for (let round = 0; round < options.trees; round++) {
    for (const i of fitRows) {
      const p = sigmoid(scores[i] as number);
      gradient[i] = p - (labels[i] as number);
      hessian[i] = Math.max(p * (1 - p), 1e-16);
    }
    const tree = grower.growTree(sampleRows(fitRows, options.subsample, random), sampleFeatures(x.cols, options.featureFraction, random));
    trees.push(tree);
    grower.addTo(scores);
    if (validationRows.length > 0) {
      let loss = 0;
      for (const i of validationRows) {
        const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(scores[i] as number)));
        loss -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
      }
      loss /= validationRows.length;
      validationLoss.push(loss);
      if (loss < best.loss) best = { loss, trees: trees.length };
      else if (trees.length - best.trees >= options.earlyStoppingRounds) break;
    }
  }
  if (validationRows.length > 0) return { initialLogit, trees: trees.slice(0, best.trees), validationLoss };
  return { initialLogit, trees };
}
