import { describe, expect, it } from 'vitest';
import { addMonths, silentCondition, trailingSilentMonths } from './rule.js';

const usage = (month: string, activeDays: number) => ({
  customerId: 1, month, activeDays, revenueCents: 0, voiceMinutes: 0, dataMb: 0, sms: 0, rechargeCents: 0, complaints: 0, competitorContacts: 0,
});

describe('silent customer rule', () => {
  it('counts months across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', -12)).toBe('2025-11');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
  });

  it('is a condition over the complete months before the region\'s month, for customers who joined before them', () => {
    expect(silentCondition(2, '2026-01-05')).toEqual({
      and: [
        { field: { field: 'status', op: 'eq', value: 'active' } },
        { field: { field: 'joinedOn', op: 'lt', value: '2025-11-01' } },
        { metric: { metric: 'activeDays', measure: 'monthsWithoutActivity', months: 2, op: 'gte', value: 2 } },
      ],
    });
  });

  it('counts trailing silent months after the join month, missing months as silent, up to six', () => {
    expect(trailingSilentMonths([usage('2026-10', 3)], '2026-11', '2020-01-01')).toBe(0);
    expect(trailingSilentMonths([usage('2026-09', 3), usage('2026-10', 0)], '2026-11', '2020-01-01')).toBe(1);
    expect(trailingSilentMonths([usage('2026-07', 12)], '2026-11', '2020-01-01')).toBe(3);
    expect(trailingSilentMonths([], '2026-11', '2020-01-01')).toBe(6);
    expect(trailingSilentMonths([], '2026-11', '2026-08-20')).toBe(2); // September and October only
  });
});
