/** The day a run judges and the months it counts, as the warning-rule host derives them for a city. */

export interface RunDates {
  /** The run's day in the regions' time zone, `YYYY-MM-DD`. */
  day: string;
  /** The first instant of that day, ISO. */
  dayStart: string;
  /** The as-of month M (the last complete one), `YYYY-MM-01`, and the months before it. */
  m: string;
  m1: string;
  m2: string;
  m3: string;
  m5: string;
  /** The month after M, `YYYY-MM-01`: windows end before it. */
  next: string;
  /** M as year × 12 + month − 1. */
  mIndex: number;
}

const first = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;

/** The UTC offset of `timeZone` at `at`, in milliseconds. */
function offsetMs(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) - Math.floor(at.getTime() / 1000) * 1000;
}

export function runDates(now: Date, timeZone: string): RunDates {
  const local = new Date(now.getTime() + offsetMs(timeZone, now));
  const day = local.toISOString().slice(0, 10);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const dayStart = new Date(midnight - offsetMs(timeZone, new Date(midnight))).toISOString();
  const mIndex = local.getUTCFullYear() * 12 + local.getUTCMonth() - 1;
  return { day, dayStart, m: first(mIndex), m1: first(mIndex - 1), m2: first(mIndex - 2), m3: first(mIndex - 3), m5: first(mIndex - 5), next: first(mIndex + 1), mIndex };
}
