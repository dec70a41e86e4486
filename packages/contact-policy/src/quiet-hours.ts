/**
 * Quiet hours and public holidays in a region's own time zone: when may a contact go out at the earliest?
 * Pure functions over Intl, so a deferral is computed exactly across midnight, month ends and DST changes.
 */

/** Quiet hours as minutes after local midnight; `start > end` crosses midnight (21:00-08:00). */
export interface QuietHours {
  text: string;
  start: number;
  end: number;
}

const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

export function parseQuietHours(text: string): QuietHours | null {
  const m = HOURS.exec(text);
  if (!m) return null;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return start === end ? null : { text, start, end };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and minute of the day of an instant. */
export function localTime(at: Date, timeZone: string): { date: string; minute: number } {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(at: Date, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of a local date and minute (a time skipped by a DST change resolves to just after it). */
export function instantOf(date: string, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

export const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const inQuiet = (minute: number, q: QuietHours): boolean => (q.start < q.end ? minute >= q.start && minute < q.end : minute >= q.start || minute < q.end);

export interface Deferral {
  until: Date;
  rule: 'quiet_hours' | 'holiday';
  reason: string;
}

/**
 * When a contact asked for at `at` may go out: null for now, else the first instant outside quiet hours
 * and, for marketing, not on a public holiday (a holiday with quiet hours ends at their end on the next
 * working day; a channel without quiet hours ignores holidays: it does not disturb).
 */
export function deferral(at: Date, timeZone: string, quiet: QuietHours | null, holidays: ReadonlySet<string>, marketing: boolean, what: string): Deferral | null {
  if (!quiet) return null;
  let candidate = at;
  let first: Deferral['rule'] | null = null;
  let holiday: string | null = null;
  for (let step = 0; step < 400; step++) {
    const local = localTime(candidate, timeZone);
    if (marketing && holidays.has(local.date)) {
      first ??= 'holiday';
      holiday ??= local.date;
      candidate = instantOf(nextDate(local.date), quiet.start < quiet.end ? 0 : quiet.end, timeZone);
      continue;
    }
    if (inQuiet(local.minute, quiet)) {
      first ??= 'quiet_hours';
      const endDate = quiet.start > quiet.end && local.minute >= quiet.start ? nextDate(local.date) : local.date;
      candidate = instantOf(endDate, quiet.end, timeZone);
      continue;
    }
    break;
  }
  if (!first) return null;
  const local = localTime(candidate, timeZone);
  const hhmm = `${String(Math.floor(local.minute / 60)).padStart(2, '0')}:${String(local.minute % 60).padStart(2, '0')}`;
  const because = first === 'holiday' ? `public holiday ${holiday}: no marketing on ${what}` : `quiet hours ${quiet.text} on ${what}`;
  return { until: candidate, rule: first, reason: `${because} (${timeZone}); deferred until ${local.date} ${hhmm}` };
}
