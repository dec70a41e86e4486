import type { Clock } from '@weixi/core';

/**
 * A clock that only moves when the test moves it. The platform, the job scheduler (cron slots, leases,
 * retries) and every service read it, so a test can stand at "09:00 in Shanghai" and stay there.
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: string | Date) {
    this.current = FakeClock.parse(start, 'now');
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Jumps to an instant: an ISO string with an offset (`2026-11-17T09:00:00+08:00`) or a Date. */
  set(at: string | Date): Date {
    this.current = FakeClock.parse(at, 'clock.set');
    return this.now();
  }

  /** Moves forward (or back, with a negative number) by `ms` milliseconds. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms)) throw new TypeError(`clock.advance needs a number of milliseconds, got ${ms}`);
    this.current += ms;
    return this.now();
  }

  private static parse(at: string | Date, what: string): number {
    const time = at instanceof Date ? at.getTime() : Date.parse(at);
    if (Number.isNaN(time)) throw new TypeError(`${what}: ${JSON.stringify(at)} is not a time; use an ISO string such as '2026-11-17T09:00:00+08:00'`);
    return time;
  }
}

/** Milliseconds in a minute, an hour and a day, for `clock.advance(2 * DAY)`. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
