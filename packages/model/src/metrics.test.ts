import { describe, expect, it } from 'vitest';
import { brierScore, calibration, evaluate, liftAt, logLoss, rocAuc } from './metrics.js';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });

  it('counts a tie as half a win, by hand', () => {
    // Positives 0.8, 0.4; negatives 0.4, 0.2, 0.1. Pairs: 0.8 beats all 3; 0.4 ties one and beats two: 2.5. (3 + 2.5) / 6.
    expect(rocAuc([1, 0, 1, 0, 0], [0.8, 0.4, 0.4, 0.2, 0.1])).toBeCloseTo(5.5 / 6, 12);
    // All scores equal: every pair a tie.
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // Positives 0.3, 0.3, 0.9; negatives 0.3, 0.1: 0.3s each tie one and beat one (1.5 each), 0.9 beats both (2). 5 / 6.
    expect(rocAuc([1, 1, 1, 0, 0], [0.3, 0.3, 0.9, 0.3, 0.1])).toBeCloseTo(5 / 6, 12);
  });
});

describe('liftAt', () => {
  it('divides the churn rate of the top share by the overall rate', () => {
    const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
    const scores = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    // Top 20%: two rows, both churned: rate 1 over 0.3.
    expect(liftAt(labels, scores, 0.2)).toBeCloseTo(1 / 0.3, 12);
    // Top 40%: 3 of 4 churned.
    expect(liftAt(labels, scores, 0.4)).toBeCloseTo(0.75 / 0.3, 12);
    expect(liftAt(labels, scores, 1)).toBeCloseTo(1, 12);
  });

  it('counts rows tied at the edge of the top by their share of the tie', () => {
    // Top 2 of 4; the first row is above, rows 1-3 tie at 0.5 with one churner among three: 1 + 1/3 caught.
    const lift = liftAt([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.5], 0.5);
    expect(lift).toBeCloseTo((1 + 1 / 3) / 2 / 0.5, 12);
  });
});

describe('probability scores', () => {
  it('log loss and Brier score by hand', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(brierScore([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
  });

  it('calibration bins hold equal counts of sorted predictions', () => {
    const c = calibration([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], 2);
    expect(c.bins).toEqual([
      { count: 2, minPredicted: 0.1, maxPredicted: 0.3, meanPredicted: 0.2, observedRate: 0 },
      { count: 2, minPredicted: 0.6, maxPredicted: 0.8, meanPredicted: 0.7, observedRate: 1 },
    ]);
    expect(c.error).toBeCloseTo(0.5 * 0.2 + 0.5 * 0.3, 12);
  });

  it('evaluate gathers the figures and rejects unequal lengths', () => {
    const m = evaluate([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.9]);
    expect(m).toMatchObject({ rows: 4, positives: 2, auc: 1 });
    expect(() => rocAuc([0, 1], [0.5])).toThrow('2 labels but 1 scores');
  });
});
