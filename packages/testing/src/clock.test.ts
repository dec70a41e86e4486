import { describe, expect, it } from 'vitest';
import { DAY, FakeClock, HOUR } from './clock.js';

describe('FakeClock', () => {
  it('stands still until set or advanced', () => {
    const clock = new FakeClock('2026-11-16T09:00:00+08:00');
    expect(clock.now().toISOString()).toBe('2026-11-16T01:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-11-16T01:00:00.000Z');
    expect(clock.advance(DAY + 2 * HOUR).toISOString()).toBe('2026-11-17T03:00:00.000Z');
    expect(clock.set(new Date('2027-01-01T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('hands out copies, so a caller cannot move it by mutating a Date', () => {
    const clock = new FakeClock('2026-11-16T00:00:00Z');
    clock.now().setUTCFullYear(2000);
    expect(clock.now().getUTCFullYear()).toBe(2026);
  });

  it('refuses what is not a time, saying what to write', () => {
    expect(() => new FakeClock('tomorrow')).toThrow(`now: "tomorrow" is not a time; use an ISO string such as '2026-11-17T09:00:00+08:00'`);
    expect(() => new FakeClock('2026-11-16T00:00:00Z').set('x')).toThrow(/clock\.set: "x" is not a time/);
    expect(() => new FakeClock('2026-11-16T00:00:00Z').advance(Number.NaN)).toThrow('clock.advance needs a number of milliseconds, got NaN');
  });
});
