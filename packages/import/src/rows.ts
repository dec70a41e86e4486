/**
 * What one source record becomes: a customer, months of usage and events, each checked field by field with
 * the same rules as the GraphQL ingest (`checkCustomerInput`, the usage and event limits), so a row the API
 * would refuse is rejected here too, naming its field.
 */
import { checkCustomerInput, checkJson, checkText, IssueList, isIsoDate, monthStart, normaliseMsisdn, parseMonth, TEXT_LIMITS, type CustomerInput } from '@weixi/core';

export type ImportKind = 'customers' | 'usage' | 'events';
export const IMPORT_KINDS: readonly ImportKind[] = ['customers', 'usage', 'events'];

export const USAGE_COUNTERS = ['revenueCents', 'voiceMinutes', 'dataMb', 'sms', 'rechargeCents', 'activeDays', 'complaints', 'competitorContacts'] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** One month of a customer's usage; counters left out are 0. */
export type UsageRow = { msisdn: string; month: string } & Partial<Record<UsageCounter, number | null>>;

export interface EventRow {
  msisdn: string;
  type: string;
  /** An ISO 8601 instant. */
  occurredAt: string;
  payload?: Record<string, unknown> | null;
  /** Unique per customer; a rerun with the same key adds nothing. */
  idempotencyKey: string;
}

/** What one record fills. */
export interface ImportRow {
  customer?: CustomerInput;
  usage?: UsageRow[];
  events?: EventRow[];
}

/** A field that failed its check: `field` is the row field (`customer.joinedOn`, `usage[2].revenueCents`). */
export interface RowIssue {
  field: string;
  value: unknown;
  reason: string;
}

/** Every problem of a row's customer, usage and events, with `now` bounding the months. */
export function rowIssues(row: ImportRow, now: Date): RowIssue[] {
  return rowChecker(now)(row);
}

/** `rowIssues` for one `now`, with what depends on it worked out once (a file has millions of rows). */
export function rowChecker(now: Date): (row: ImportRow) => RowIssue[] {
  const currentMonth = monthStart(now);
  return (row) => issuesOf(row, now, currentMonth);
}

function issuesOf(row: ImportRow, now: Date, currentMonth: string): RowIssue[] {
  const issues = new IssueList();
  if (row.customer) checkCustomerInput(row.customer, 'customer', issues);
  const usage = row.usage ?? [];
  for (let i = 0; i < usage.length; i++) {
    const u = usage[i]!;
    const at = i === 0 ? 'usage[0]' : `usage[${i}]`;
    if (normaliseMsisdn(u.msisdn) === undefined) issues.add(`${at}.msisdn`, `${JSON.stringify(u.msisdn)} is not an MSISDN (6 to 15 digits, optional leading +)`);
    const month = parseMonth(u.month);
    if (month === undefined) issues.add(`${at}.month`, `${JSON.stringify(u.month)} is not a month (YYYY-MM)`);
    else if (month > currentMonth) issues.add(`${at}.month`, `${u.month} is in the future`);
    for (const key of USAGE_COUNTERS) {
      const value = u[key];
      if (value == null) continue;
      if (!Number.isSafeInteger(value) || value > 2_147_483_647) issues.add(`${at}.${key}`, `${value} is not a whole number`);
      else if (value < 0) issues.add(`${at}.${key}`, `${value} is negative; usage figures are 0 or more`);
    }
    if (u.activeDays != null && u.activeDays > 31) issues.add(`${at}.activeDays`, `${u.activeDays} is more than the 31 days a month can have`);
  }
  row.events?.forEach((e, i) => {
    const at = `events[${i}]`;
    if (normaliseMsisdn(e.msisdn) === undefined) issues.add(`${at}.msisdn`, `${JSON.stringify(e.msisdn)} is not an MSISDN (6 to 15 digits, optional leading +)`);
    if (checkText(issues, `${at}.type`, e.type, TEXT_LIMITS.eventType) && !e.type.trim()) issues.add(`${at}.type`, 'must not be empty');
    if (Number.isNaN(Date.parse(e.occurredAt)) || !/^\d{4}-\d{2}-\d{2}/.test(e.occurredAt)) issues.add(`${at}.occurredAt`, `${JSON.stringify(e.occurredAt)} is not an ISO 8601 date or instant`);
    else if (Date.parse(e.occurredAt) > now.getTime()) issues.add(`${at}.occurredAt`, `${e.occurredAt} is in the future`);
    checkText(issues, `${at}.idempotencyKey`, e.idempotencyKey, TEXT_LIMITS.idempotencyKey);
    checkJson(issues, `${at}.payload`, e.payload);
  });
  return issues.empty ? NONE : issues.issues.map((issue) => ({ field: issue.path, value: valueAt(row, issue.path), reason: issue.message }));
}

const NONE: RowIssue[] = [];

/** The value at an issue's path (`customer.joinedOn`, `usage[1].month`), for the reject file. */
function valueAt(row: ImportRow, path: string): unknown {
  let at: unknown = row;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

export { isIsoDate };
