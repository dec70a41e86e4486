import type { Matrix } from './matrix.js';

/**
 * Quantile bins per feature, for histogram tree growing: `edges[j]` ascending; a value's bin is the first
 * edge it does not exceed (the last bin when it exceeds them all). So "bin ≤ b" is exactly "x ≤ edges[b]",
 * and a split found on bins is a threshold on raw values.
 */
export function fitBins(x: Matrix, maxBins: number): Float64Array[] {
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 256)) throw new RangeError(`maxBins must be a whole number from 2 to 256, not ${maxBins}`);
  const { rows: n, cols: p } = x;
  const column = new Float64Array(n);
  const edges: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) column[i] = x.data[i * p + j] as number;
    column.sort();
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || column[i] !== column[i - 1]) distinct.push(column[i] as number);
    if (distinct.length <= maxBins) {
      // Few values: one bin each, the edge halfway to the next value.
      edges.push(Float64Array.from(distinct.slice(1), (v, k) => ((distinct[k] as number) + v) / 2));
    } else {
      const cuts: number[] = [];
      for (let q = 1; q < maxBins; q++) {
        const v = column[Math.floor((q * n) / maxBins) - 1] as number;
        if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
      }
      if (cuts[cuts.length - 1] === column[n - 1]) cuts.pop();
      edges.push(Float64Array.from(cuts));
    }
  }
  return edges;
}

export function binOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bin indices, column-major: feature j of row i at `j * rows + i`. */
export function binMatrix(x: Matrix, edges: readonly Float64Array[]): Uint8Array {
  const { rows: n, cols: p } = x;
  const out = new Uint8Array(n * p);
  for (let j = 0; j < p; j++) {
    const e = edges[j] as Float64Array;
    for (let i = 0; i < n; i++) out[j * n + i] = binOf(e, x.data[i * p + j] as number);
  }
  return out;
}
