/**
 * Cron slots in a region's time zone. A job's `cron` is five fields (`m h dom mon dow`), evaluated in the
 * time zone of each region it runs for: `0 9 * * *` is 09:00 in Shanghai, 01:00Z.
 */
import cronParser from 'cron-parser';

export class CronError extends Error {
  override name = 'CronError';
}

/** Throws a `CronError` unless `expression` is a valid five-field cron expression. */
export function validateCron(expression: string): void {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`cron "${expression}" must have five fields (m h dom mon dow), not ${fields.length}`);
  try {
    cronParser.parseExpression(expression, { utc: true });
  } catch (error) {
    throw new CronError(`cron "${expression}" is invalid: ${(error as Error).message}`);
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The latest slot of `expression` at or before `now`, in `timeZone`. */
export function latestSlot(expression: string, timeZone: string, now: Date): Date {
  // prev() is strictly before its start: start one second after `now` (truncated) so a slot equal to now counts.
  const start = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  return cronParser.parseExpression(expression, { currentDate: start, tz: timeZone }).prev().toDate();
}

/** The first slot of `expression` strictly after `after`, in `timeZone`. */
export function nextSlot(expression: string, timeZone: string, after: Date): Date {
  return cronParser.parseExpression(expression, { currentDate: after, tz: timeZone }).next().toDate();
}
