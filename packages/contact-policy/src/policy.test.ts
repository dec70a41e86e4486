import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_POLICY, mergePolicy, pathChain, policyPatchIssues } from './policy.js';

describe('policyPatchIssues', () => {
  it('accepts a partial policy and null keys', () => {
    expect(policyPatchIssues({ frequencyCap: { perDay: 2 }, quietHours: { sms: '22:00-07:00', email: null }, holidays: ['2026-10-01'], marketingConsent: null })).toEqual([]);
  });
  it('names every problem by its path, unknown keys included', () => {
    expect(policyPatchIssues({ marketingConsent: 'maybe', frequencyCap: { perDay: 1.5 }, quietHours: { 'SMS!': '21:00-08:00' }, holidays: ['2026-02-30x'], portOut: { days: 0, via: 'x' }, colour: 1 }).map((i) => i.path)).toEqual([
      'policy.marketingConsent',
      'policy.frequencyCap.perDay',
      'policy.quietHours.SMS!',
      'policy.holidays[0]',
      'policy.portOut.days',
      'policy.portOut.via',
      'policy.colour',
    ]);
    expect(policyPatchIssues([], 'p')).toEqual([{ path: 'p', message: 'must be an object with keys of the contact policy' }]);
  });
});

describe('mergePolicy', () => {
  it('takes each key from the nearest region that sets it, maps key by key, and keeps a null quiet-hours entry', () => {
    const policy = mergePolicy([
      { frequencyCap: { perDay: 2 }, quietHours: { sms: '22:00-07:00' }, holidays: ['2026-10-01'] },
      { frequencyCap: { perWeek: 5 }, quietHours: { call: null }, marketingConsent: 'opt-in' },
    ]);
    expect(policy).toEqual({
      ...DEFAULT_CONTACT_POLICY,
      marketingConsent: 'opt-in',
      frequencyCap: { perDay: 2, perWeek: 5, perMonth: 6 },
      quietHours: { ...DEFAULT_CONTACT_POLICY.quietHours, sms: '22:00-07:00', call: null },
      holidays: ['2026-10-01'],
    });
    expect(mergePolicy([])).toEqual(DEFAULT_CONTACT_POLICY);
  });
  it('walks a region path root first', () => {
    expect(pathChain('/JS/JS-NJ/JS-NJ-GL/')).toEqual(['/JS/', '/JS/JS-NJ/', '/JS/JS-NJ/JS-NJ-GL/']);
  });
});
