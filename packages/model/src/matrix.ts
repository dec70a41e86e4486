/** A dense row-major matrix of numbers: row i, column j is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`a matrix needs whole, non-negative sizes, not ${rows} x ${cols}`);
  }
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) throw new RangeError(`a ${rows} x ${cols} matrix needs ${rows * cols} values, not ${values.length}`);
  return { rows, cols, data: values };
}

/** A matrix from arrays of equal length, one a row. */
export function matrixFromRows(rows: readonly ArrayLike<number>[], cols = rows[0]?.length ?? 0): Matrix {
  const m = createMatrix(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} values, not ${cols}`);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = row[j] as number;
  });
  return m;
}

/** Row i as a view (no copy). */
export function rowOf(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** A new matrix of the given rows, in that order. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = createMatrix(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) out.data.set(rowOf(m, indices[k] as number), k * m.cols);
  return out;
}

/** The values at the given positions, in that order (labels of a fold, say). */
export function takeValues(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k] as number] as number;
  return out;
}

/** Throws, naming the place, unless every value is a finite number. */
export function assertFinite(m: Matrix, what = 'matrix'): void {
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) {
      throw new RangeError(`${what}: row ${Math.floor(k / m.cols)}, column ${k % m.cols} is ${m.data[k]}; impute missing values first (FeatureSpec does)`);
    }
  }
}

/**
 * Solves A x = b for a symmetric positive definite d x d matrix A (row-major) by Cholesky. A and b are
 * left unchanged. Throws when A is not positive definite.
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`matrix is not positive definite (pivot ${i} is ${sum})`);
        l[i * d + i] = Math.sqrt(sum);
      } else {
        l[i * d + j] = sum / (l[j * d + j] as number);
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let sum = x[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * d + k] as number) * (x[k] as number);
    x[i] = sum / (l[i * d + i] as number);
  }
  for (let i = d - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let k = i + 1; k < d; k++) sum -= (l[k * d + i] as number) * (x[k] as number);
    x[i] = sum / (l[i * d + i] as number);
  }
  return x;
}
