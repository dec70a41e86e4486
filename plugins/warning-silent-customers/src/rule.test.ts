import { describe, expect, it } from 'vitest';
import { warningRuleProblems } from '@weixi/sdk';
import { addMonths, silentRule, trailingSilentMonths } from './rule.js';

const usage = (month: string, activeDays: number) => ({
  customerId: 1, month, activeDays, revenueCents: 0, voiceMinutes: 0, dataMb: 0, sms: 0, rechargeCents: 0, complaints: 0, competitorContacts: 0,
});

describe('silent customer rule', () => {
  it('counts months across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', -12)).toBe('2025-11');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
  });

  it('is a valid warning rule definition whose reason names its evidence', () => {
    const rule = silentRule({ silentMonths: 2, reason: '连续{silentMonths}个月', weight: 1 });
    expect(warningRuleProblems(rule)).toEqual([]);
    expect(rule.when).toEqual({
      all: [
        { in: { fact: 'status', values: ['active'] } },
        { compare: [{ customer: 'tenureMonths' }, 'gte', 2] },
        { compare: [{ monthsWithout: 'activeDays', months: 2 }, 'gte', 2] },
      ],
    });
    expect(warningRuleProblems({ ...rule, reason: '{months}' })).toEqual(['reason: {months} names no evidence; evidence has silentMonths, tenureMonths']);
  });

  it('counts trailing silent months after the join month, missing months as silent, up to six', () => {
    expect(trailingSilentMonths([usage('2026-10', 3)], '2026-11', '2020-01-01')).toBe(0);
    expect(trailingSilentMonths([usage('2026-09', 3), usage('2026-10', 0)], '2026-11', '2020-01-01')).toBe(1);
    expect(trailingSilentMonths([usage('2026-07', 12)], '2026-11', '2020-01-01')).toBe(3);
    expect(trailingSilentMonths([], '2026-11', '2020-01-01')).toBe(6);
    expect(trailingSilentMonths([], '2026-11', '2026-08-20')).toBe(2); // September and October only
  });
});
