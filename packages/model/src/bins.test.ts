import { describe, expect, it } from 'vitest';
import { binMatrix, binOf, fitBins } from './bins.js';
import { createMatrix, matrixFromRows } from './matrix.js';
import { createRandom } from './random.js';

describe('quantile bins', () => {
  it('give few distinct values one bin each, cut halfway between them', () => {
    const [edges] = fitBins(matrixFromRows([[0], [1], [1], [3]]), 255);
    expect(Array.from(edges ?? [])).toEqual([0.5, 2]);
    expect([0, 1, 2, 3, 9].map((v) => binOf(edges as Float64Array, v))).toEqual([0, 1, 1, 2, 2]);
  });

  it('cut many distinct values into at most maxBins bins of about equal counts', () => {
    const random = createRandom(1);
    const x = createMatrix(10_000, 1, Float64Array.from({ length: 10_000 }, () => random.next() ** 3));
    const edges = fitBins(x, 255);
    const bins = binMatrix(x, edges);
    const counts = new Array<number>(256).fill(0);
    for (const b of bins) counts[b] = (counts[b] as number) + 1;
    const used = counts.filter((c) => c > 0);
    expect(used.length).toBeLessThanOrEqual(255);
    expect(used.length).toBeGreaterThan(250);
    expect(Math.max(...used)).toBeLessThan(2 * (10_000 / 255));
    // "bin <= b" is "x <= edges[b]": a split on bins is a threshold on raw values.
    for (let i = 0; i < 10_000; i += 97) {
      const b = bins[i] as number;
      const e = edges[0] as Float64Array;
      expect(x.data[i]).toBeLessThanOrEqual(b < e.length ? (e[b] as number) : Number.POSITIVE_INFINITY);
      if (b > 0) expect(x.data[i]).toBeGreaterThan(e[b - 1] as number);
    }
    expect(() => fitBins(x, 300)).toThrow('2 to 256');
  });
});
