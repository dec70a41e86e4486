import { describe, expect, it } from 'vitest';
import { deferral, instantOf, localTime, parseQuietHours } from './quiet-hours.js';

const NIGHT = parseQuietHours('21:00-08:00')!;
const at = (iso: string) => new Date(iso);
const none = new Set<string>();

describe('parseQuietHours', () => {
  it('reads HH:MM-HH:MM, crossing midnight or not, and refuses anything else', () => {
    expect(NIGHT).toEqual({ text: '21:00-08:00', start: 1260, end: 480 });
    expect(parseQuietHours('12:30-14:00')).toEqual({ text: '12:30-14:00', start: 750, end: 840 });
    for (const bad of ['21:00', '24:00-08:00', '21:00-21:00', '9:00-10:00', '21:00 - 08:00']) expect(parseQuietHours(bad)).toBeNull();
  });
});

describe('deferral', () => {
  it('lets a contact through outside quiet hours, and defers one inside to their end, across midnight', () => {
    expect(deferral(at('2026-11-16T20:59:00+08:00'), 'Asia/Shanghai', NIGHT, none, true, 'sms')).toBeNull();
    expect(deferral(at('2026-11-16T22:00:00+08:00'), 'Asia/Shanghai', NIGHT, none, true, 'sms')).toEqual({
      until: at('2026-11-17T08:00:00+08:00'),
      rule: 'quiet_hours',
      reason: 'quiet hours 21:00-08:00 on sms (Asia/Shanghai); deferred until 2026-11-17 08:00',
    });
    // after midnight the end is the same day's 08:00
    expect(deferral(at('2026-11-17T03:10:00+08:00'), 'Asia/Shanghai', NIGHT, none, false, 'sms')?.until).toEqual(at('2026-11-17T08:00:00+08:00'));
    expect(deferral(at('2026-11-17T08:00:00+08:00'), 'Asia/Shanghai', NIGHT, none, false, 'sms')).toBeNull();
    // quiet hours within a day (a lunch break)
    expect(deferral(at('2026-11-17T13:00:00+08:00'), 'Asia/Shanghai', parseQuietHours('12:00-14:00'), none, true, 'call')?.until).toEqual(at('2026-11-17T14:00:00+08:00'));
    expect(deferral(at('2026-11-17T23:00:00+08:00'), 'Asia/Shanghai', null, none, true, 'email')).toBeNull();
  });

  it('keeps marketing off public holidays, holiday after holiday, but not service messages', () => {
    const golden = new Set(['2026-10-01', '2026-10-02', '2026-10-03']);
    expect(deferral(at('2026-10-01T10:00:00+08:00'), 'Asia/Shanghai', NIGHT, golden, true, 'sms')).toEqual({
      until: at('2026-10-04T08:00:00+08:00'),
      rule: 'holiday',
      reason: 'public holiday 2026-10-01: no marketing on sms (Asia/Shanghai); deferred until 2026-10-04 08:00',
    });
    // the evening before a holiday: quiet hours first, then the holidays
    expect(deferral(at('2026-09-30T22:00:00+08:00'), 'Asia/Shanghai', NIGHT, golden, true, 'sms')?.until).toEqual(at('2026-10-04T08:00:00+08:00'));
    expect(deferral(at('2026-10-01T10:00:00+08:00'), 'Asia/Shanghai', NIGHT, golden, false, 'sms')).toBeNull();
  });

  it('counts local time in the region\'s zone, across a daylight-saving change', () => {
    // New York falls back on 2026-11-01 at 02:00 EDT: 21:30 EST on Nov 1 is 02:30 UTC on Nov 2.
    const d = deferral(at('2026-11-02T02:30:00Z'), 'America/New_York', NIGHT, none, true, 'sms');
    expect(d?.until).toEqual(at('2026-11-02T13:00:00Z')); // 08:00 EST
    // Spring forward on 2026-03-08: 08:00 EDT is 12:00 UTC.
    expect(deferral(at('2026-03-08T06:00:00Z'), 'America/New_York', NIGHT, none, true, 'sms')?.until).toEqual(at('2026-03-08T12:00:00Z'));
  });
});

describe('localTime and instantOf', () => {
  it('are each other\'s inverse in a zone, and a time skipped by DST resolves to just after it', () => {
    expect(localTime(at('2026-11-16T16:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-17', minute: 30 });
    expect(instantOf('2026-11-17', 30, 'Asia/Shanghai')).toEqual(at('2026-11-16T16:30:00Z'));
    expect(instantOf('2026-07-01', 8 * 60, 'America/Los_Angeles')).toEqual(at('2026-07-01T15:00:00Z'));
    expect(instantOf('2026-03-08', 2 * 60 + 30, 'America/New_York').toISOString()).toMatch(/^2026-03-08T0[67]:30:00\.000Z$/);
  });
});
