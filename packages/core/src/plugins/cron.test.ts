import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron.js';

describe('cronProblem', () => {
  it('accepts five-field expressions with lists, ranges, steps and names', () => {
    for (const cron of ['0 6 * * *', '*/15 * * * *', '0 9-18/3 * * MON-FRI', '30 2 1,15 * *', '0 0 1 jan,jul 0', '0 0 * * 7', '5/10 * * * *']) {
      expect(cronProblem(cron), cron).toBeUndefined();
    }
  });

  it.each([
    ['0 6 * *', /has 4 fields; a cron expression has five fields "minute hour day-of-month month day-of-week"/],
    ['0 0 6 * * *', /has 6 fields/],
    ['0 25 * * *', /hour 25 is out of range 0-23/],
    ['60 * * * *', /minute 60 is out of range 0-59/],
    ['0 0 0 * *', /day of month 0 is out of range 1-31/],
    ['0 0 * 13 *', /month 13 is out of range 1-12/],
    ['0 0 * * 8', /day of week 8 is out of range 0-7/],
    ['*/0 * * * *', /minute step '\/0' must be a whole number from 1 to 59/],
    ['0 18-9 * * *', /hour range '18-9' runs backwards/],
    ['0 6 * * FUNDAY', /day of week 'FUNDAY' is not a number or a name \(SUN, MON/],
    ['0 6 * * 1-2-3', /day of week '1-2-3' is not a value or a range a-b/],
    ['@daily', /is a macro; write it as five fields: "0 0 \* \* \*"/],
  ])('%s: %s', (cron, message) => {
    expect(cronProblem(cron)).toMatch(message);
  });
});
