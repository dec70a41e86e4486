import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';
import { latestSlot, nextSlot, validateCron } from './cron.js';

describe('cron slots', () => {
  it('computes the latest slot at or before now in a time zone', () => {
    const at = (iso: string) => latestSlot('0 9 * * *', 'Asia/Shanghai', new Date(iso)).toISOString();
    expect(at('2026-03-10T01:00:00Z')).toBe('2026-03-10T01:00:00.000Z');
    expect(at('2026-03-10T01:00:00.999Z')).toBe('2026-03-10T01:00:00.000Z');
    expect(at('2026-03-10T00:59:59.999Z')).toBe('2026-03-09T01:00:00.000Z');
    expect(latestSlot('0 9 * * *', 'UTC', new Date('2026-03-10T01:00:00Z')).toISOString()).toBe('2026-03-09T09:00:00.000Z');
    expect(nextSlot('0 9 * * *', 'Asia/Shanghai', new Date('2026-03-10T01:00:00Z')).toISOString()).toBe('2026-03-11T01:00:00.000Z');
  });

  it('handles daylight saving time in zones that have it', () => {
    // Europe/Berlin: 09:00 is 08:00Z in winter, 07:00Z in summer (clocks went forward on 2026-03-29).
    expect(latestSlot('0 9 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(latestSlot('0 9 * * *', 'Europe/Berlin', new Date('2026-03-30T12:00:00Z')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('accepts five-field expressions only', () => {
    expect(() => validateCron('*/5 * * * *')).not.toThrow();
    expect(() => validateCron('0 9 * * 1-5')).not.toThrow();
    expect(() => validateCron('0 0 9 * * *')).toThrow(/five fields/);
    expect(() => validateCron('61 * * * *')).toThrow(/invalid/);
  });
});

describe('backoff', () => {
  it('doubles from the base and is capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelayMs(a))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
    expect(backoffDelayMs(3, { baseMs: 1000, maxMs: 3000 })).toBe(3000);
    expect(backoffDelayMs(1000)).toBe(600_000);
  });
});
