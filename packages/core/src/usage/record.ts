import { sql } from 'drizzle-orm';
import { monthlyUsage, type Db } from '@weixi/db';
import type { Clock } from '../clock.js';
import { SYSTEM_PRINCIPAL } from '../access/index.js';
import { IssueList } from '../errors.js';
import type { BatchOptions } from '../customers/write-scope.js';
import { resolveCustomerReferences, throwIfUnknown, type CustomerReference } from '../customers/identify.js';
import { monthStart, parseMonth } from '../months.js';

export type MonthlyUsage = typeof monthlyUsage.$inferSelect;

/** One month of facts for one customer; counters left out are 0. `month` is `YYYY-MM`. */
export interface UsageInput extends CustomerReference {
  month: string;
  revenueCents?: number | null;
  voiceMinutes?: number | null;
  dataMb?: number | null;
  sms?: number | null;
  rechargeCents?: number | null;
  activeDays?: number | null;
  complaints?: number | null;
  competitorContacts?: number | null;
}

const COUNTERS = ['revenueCents', 'voiceMinutes', 'dataMb', 'sms', 'rechargeCents', 'activeDays', 'complaints', 'competitorContacts'] as const;
export const MAX_USAGE_BATCH = 5000;

/**
 * Records monthly facts, replacing any earlier figures for the same customer and month (idempotent).
 * The batch is validated whole; one bad item rejects it and nothing is written, and one naming a customer
 * the principal does not see (missing, or outside its regions) rejects it with NOT_FOUND.
 */
export async function recordUsage(db: Db, clock: Clock, inputs: readonly UsageInput[], options: BatchOptions = {}): Promise<MonthlyUsage[]> {
  const { path = 'usage', principal = SYSTEM_PRINCIPAL } = options;
  const issues = new IssueList();
  const unknown = new IssueList();
  if (inputs.length === 0) issues.add(path, 'must hold at least one month of usage');
  if (inputs.length > MAX_USAGE_BATCH) issues.add(path, `holds ${inputs.length} items; at most ${MAX_USAGE_BATCH} per call`);
  issues.throwIfAny();

  const currentMonth = monthStart(clock.now());
  const customerIds = await resolveCustomerReferences(db, inputs, path, issues, { principal, unknown });
  const seen = new Map<string, number>();
  const rows = inputs.map((input, index) => {
    const at = `${path}[${index}]`;
    const month = parseMonth(input.month);
    if (month === undefined) issues.add(`${at}.month`, `${JSON.stringify(input.month)} is not a month (YYYY-MM)`);
    else if (month > currentMonth) issues.add(`${at}.month`, `${input.month} is in the future`);
    for (const key of COUNTERS) {
      const value = input[key];
      if (value == null) continue;
      if (!Number.isSafeInteger(value)) issues.add(`${at}.${key}`, `${value} is not a whole number`);
      else if (value < 0) issues.add(`${at}.${key}`, `${value} is negative; usage figures are 0 or more`);
    }
    if (input.activeDays != null && input.activeDays > 31) issues.add(`${at}.activeDays`, `${input.activeDays} is more than the 31 days a month can have`);
    const customerId = customerIds[index];
    if (customerId !== undefined && month !== undefined) {
      const key = `${customerId}/${month}`;
      const first = seen.get(key);
      if (first !== undefined) issues.add(`${at}.month`, `the same customer and month already appear at ${path}[${first}]`);
      else seen.set(key, index);
    }
    return {
      customerId: customerId ?? 0,
      month: month ?? '',
      revenueCents: input.revenueCents ?? 0,
      voiceMinutes: input.voiceMinutes ?? 0,
      dataMb: input.dataMb ?? 0,
      sms: input.sms ?? 0,
      rechargeCents: input.rechargeCents ?? 0,
      activeDays: input.activeDays ?? 0,
      complaints: input.complaints ?? 0,
      competitorContacts: input.competitorContacts ?? 0,
    };
  });
  throwIfUnknown(unknown, issues);
  issues.throwIfAny();

  const replaced = Object.fromEntries(
    COUNTERS.map((key) => [key, sql.raw(`excluded.${monthlyUsage[key].name}`)]),
  );
  return db
    .insert(monthlyUsage)
    .values(rows)
    .onConflictDoUpdate({ target: [monthlyUsage.customerId, monthlyUsage.month], set: replaced })
    .returning();
}
