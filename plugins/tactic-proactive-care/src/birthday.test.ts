import { describe, expect, it } from 'vitest';
import { daysBetween, nextBirthday, wholeYears } from './birthday.js';
import { greetingKey, greetingText } from './greeting.js';

describe('birthdays', () => {
  it('finds the next birthday on or after today, across New Year, Feb 29 on Feb 28', () => {
    expect(nextBirthday('1990-11-16', '2026-11-16')).toBe('2026-11-16');
    expect(nextBirthday('1990-11-15', '2026-11-16')).toBe('2027-11-15');
    expect(nextBirthday('1999-01-01', '2026-12-29')).toBe('2027-01-01');
    expect(nextBirthday('2000-02-29', '2026-02-01')).toBe('2026-02-28');
    expect(daysBetween('2026-12-29', '2027-01-01')).toBe(3);
  });

  it('counts whole years on the network (网龄)', () => {
    expect(wholeYears('2019-11-20', '2026-11-16')).toBe(6);
    expect(wholeYears('2019-11-16', '2026-11-16')).toBe(7);
  });

  it('fills the greeting and keys it to the birthday\'s year', () => {
    const customer = { id: 7, regionCode: 'JS-NJ-GL', tier: 'ordinary', status: 'active', joinedOn: '2026-03-01', plan: 'P59', paymentType: 'prepaid', contractEndsOn: null, consent: {}, name: '韩梅梅' };
    expect(greetingText('生日快乐，{name}！感谢{networkYears}年陪伴', customer, '2026-11-16')).toBe('生日快乐，韩梅梅！感谢1年陪伴');
    expect(greetingKey(7, '2027-01-01')).toBe('tactic-proactive-care:birthday:2027:7');
  });
});
