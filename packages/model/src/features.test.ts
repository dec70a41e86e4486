import { describe, expect, it } from 'vitest';
import { fitFeatureSpec, transformRecord, transformRecords, type FeatureSpec } from './features.js';

const training = [
  { contract: 'Month-to-month', tenure: '1', total: '29.85', monthly: 29.85, tv: 'Yes', movies: 'No' },
  { contract: 'One year', tenure: 34, total: '1889.5', monthly: 56.95, tv: 'No', movies: 'No' },
  { contract: 'Month-to-month', tenure: 2, total: ' ', monthly: 53.85, tv: 'Yes', movies: 'Yes' },
  { contract: 'Two year', tenure: 45, total: '1840.75', monthly: 42.3, tv: null, movies: 'No' },
];

describe('FeatureSpec', () => {
  it('one-hot with the vocabulary of the training rows; unseen and missing levels set nothing', () => {
    const fitted = fitFeatureSpec({ features: [{ kind: 'categorical', column: 'contract' }] }, training);
    expect(fitted.names).toEqual(['contract=Month-to-month', 'contract=One year', 'contract=Two year']);
    expect(Array.from(transformRecord(fitted, { contract: 'Two year' }))).toEqual([0, 0, 1]);
    expect(Array.from(transformRecord(fitted, { contract: 'Ten year' }))).toEqual([0, 0, 0]);
    expect(Array.from(transformRecord(fitted, { contract: null }))).toEqual([0, 0, 0]);
    const rare = fitFeatureSpec({ features: [{ kind: 'categorical', column: 'contract', minCount: 2, name: 'c' }] }, training);
    expect(rare.names).toEqual(['c=Month-to-month']);
  });

  it('numbers: median-imputed, with a missing indicator only when training lacked values; log1p', () => {
    const fitted = fitFeatureSpec({ features: [{ kind: 'numeric', column: 'total' }, { kind: 'numeric', column: 'tenure', transform: 'log1p' }] }, training);
    expect(fitted.names).toEqual(['total', 'missing(total)', 'log1p(tenure)']);
    expect(fitted.features[0]?.fitted).toEqual({ median: 1840.75, missingIndicator: true });
    const m = transformRecords(fitted, training);
    expect(Array.from(m.data.subarray(0, 3))).toEqual([29.85, 0, Math.log1p(1)]);
    expect(Array.from(m.data.subarray(6, 9))).toEqual([1840.75, 1, Math.log1p(2)]);
    // A value missing now but present in every training row is imputed, with no indicator column.
    expect(fitted.features[1]?.fitted).toEqual({ median: (Math.log1p(2) + Math.log1p(34)) / 2, missingIndicator: false });
    expect(Array.from(transformRecord(fitted, { total: '10', tenure: 'n/a' }))).toEqual([10, 0, (Math.log1p(2) + Math.log1p(34)) / 2]);
  });

  it('hinges, buckets, ratios, sums, counts and crosses, with readable names', () => {
    const spec: FeatureSpec = {
      features: [
        { kind: 'hinge', column: 'tenure', at: 12 },
        { kind: 'hinge', column: 'tenure', at: 12, side: 'below' },
        { kind: 'buckets', column: 'tenure', edges: [6, 24] },
        { kind: 'numeric', numerator: 'total', denominator: ['tenure'] },
        { kind: 'numeric', sum: ['tenure', 'monthly'], name: 'both' },
        { kind: 'count', columns: ['tv', 'movies'], equals: 'Yes', name: 'streaming' },
        { kind: 'cross', columns: ['contract', 'tv'], minCount: 2 },
      ],
    };
    const fitted = fitFeatureSpec(spec, training);
    expect(fitted.names).toEqual([
      'max(0,tenure-12)', 'max(0,12-tenure)', 'tenure<6', '6<=tenure<24', 'tenure>=24', 'total/tenure', 'missing(total/tenure)', 'both', 'streaming',
      'contract=Month-to-month&tv=Yes',
    ]);
    expect(Array.from(transformRecord(fitted, training[1] as never))).toEqual([22, 0, 0, 0, 1, 1889.5 / 34, 0, 34 + 56.95, 0, 0]);
    expect(Array.from(transformRecord(fitted, training[2] as never)).slice(5, 10)).toEqual([fitted.features[3]?.fitted.median, 1, 2 + 53.85, 2, 1]);
  });

  it('byLevel: a slope per level of a categorical, the number where the record has the level, 0 elsewhere', () => {
    const fitted = fitFeatureSpec({ features: [{ kind: 'byLevel', column: 'tenure', by: 'contract', transform: 'log1p' }, { kind: 'byLevel', column: 'total', by: 'contract', minCount: 2 }] }, training);
    expect(fitted.names).toEqual(['log1p(tenure)|contract=Month-to-month', 'log1p(tenure)|contract=One year', 'log1p(tenure)|contract=Two year', 'total|contract=Month-to-month']);
    expect(Array.from(transformRecord(fitted, training[1] as never))).toEqual([0, Math.log1p(34), 0, 0]);
    // A missing number takes the training median in its level's column; an unseen or missing level sets none.
    expect(Array.from(transformRecord(fitted, training[2] as never))).toEqual([Math.log1p(2), 0, 0, 1840.75]);
    expect(Array.from(transformRecord(fitted, { contract: 'Ten year', tenure: 5, total: 1 }))).toEqual([0, 0, 0, 0]);
    expect(() => fitFeatureSpec({ features: [{ kind: 'byLevel', column: 'tenure', by: 'plan' }] }, training)).toThrow('reads column "plan"');
  });

  it('a fitted spec is JSON: it transforms the same after a round trip', () => {
    const spec: FeatureSpec = { features: [{ kind: 'categorical', column: 'contract' }, { kind: 'numeric', column: 'total', transform: 'log1p' }] };
    const fitted = fitFeatureSpec(spec, training);
    const copy = JSON.parse(JSON.stringify(fitted));
    expect(Array.from(transformRecords(copy, training).data)).toEqual(Array.from(transformRecords(fitted, training).data));
  });

  it('says what is wrong with a spec', () => {
    expect(() => fitFeatureSpec({ features: [{ kind: 'numeric', column: 'tenur' }] }, training)).toThrow('reads column "tenur", which no training record has');
    expect(() => fitFeatureSpec({ features: [{ kind: 'buckets', column: 'tenure', edges: [5, 5] }] }, training)).toThrow('ascending edges');
    expect(() => fitFeatureSpec({ features: [] }, [])).toThrow('needs training records');
  });
});
