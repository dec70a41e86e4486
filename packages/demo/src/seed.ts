/**
 * `seedDemoData`: a realistic, deterministic subscriber population for demos, tests and benchmarks.
 * Everything is generated inside the database, a chunk of customers per statement, in one transaction:
 * a failed seed leaves nothing behind, and Node's memory does not grow with the population.
 */
import { IssueList } from '@weixi/core';
import type { Database } from '@weixi/db';
import { sql } from 'drizzle-orm';
import { DEFAULT_USAGE_MONTHS, demoCalendar, MAX_USAGE_MONTHS } from './calendar.js';
import { chunkStatement } from './chunk-statement.js';
import type { GeneratorContext } from './context.js';
import { queryRows } from './executor.js';
import { MSISDN_CAPACITY } from './msisdn.js';
import { DatabaseNotEmptyError, hasCustomers } from './population.js';
import { upsertDemoRegions } from './seed-regions.js';

export const DEFAULT_DEMO_SEED = 20260101;
export const MAX_DEMO_CUSTOMERS = Math.min(10_000_000, MSISDN_CAPACITY);

export type SeedPhase = 'regions' | 'customers' | 'statistics';

export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

export interface SeedDemoOptions {
  customers: number;
  /** Same seed and `now`, same population. */
  seed?: number;
  /** The moment the population is generated for: usage covers the `months` complete months before its month. */
  now?: Date;
  /**
   * Months of usage history (1 to 36, default 12). Churn is spread evenly over them, so a longer history
   * also holds more churners (~0.9% a month), each with the signals that led up to it.
   */
  months?: number;
  /**
   * Customers per statement (5,000 on PGlite, 50,000 on PostgreSQL). PGlite blocks the event loop for the
   * length of a statement (~1 s per 5,000 here), so it gets small ones. The population does not depend on it.
   */
  chunkSize?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedDemoResult {
  customers: number;
  usageRows: number;
  /** Customer events written: port-out inquiries. */
  events: number;
  regions: number;
}

export async function seedDemoData(database: Database, options: SeedDemoOptions): Promise<SeedDemoResult> {
  const { customers: total, seed = DEFAULT_DEMO_SEED, now = new Date(), months = DEFAULT_USAGE_MONTHS, onProgress = () => {} } = options;
  const chunkSize = options.chunkSize ?? (database.kind === 'pglite' ? 5_000 : 50_000);
  validate({ customers: total, seed, now, months, chunkSize });

  const result = await database.db.transaction(async (tx) => {
    // Taken before the emptiness check, so two seeders cannot both find the table empty.
    await tx.execute(sql`lock table customers in exclusive mode`);
    if (await hasCustomers(tx)) throw new DatabaseNotEmptyError();
    // The planner overestimates the usage rows ~30x, which triggers JIT compilation that cost more than
    // the query (1.5 s per chunk). On PostgreSQL the sorts of a 50k chunk fit in 64 MB instead of spilling.
    await tx.execute(sql`set local jit = off`);
    if (database.kind === 'postgres') await tx.execute(sql`set local work_mem = '64MB'`);

    onProgress({ phase: 'regions', done: 0, total: 1 });
    const { regions, districts } = await upsertDemoRegions(tx);
    onProgress({ phase: 'regions', done: 1, total: 1 });

    const context: GeneratorContext = { seed, calendar: demoCalendar(now, months), districts };
    let customers = 0;
    let usageRows = 0;
    let events = 0;
    onProgress({ phase: 'customers', done: 0, total });
    for (let first = 1; first <= total; first += chunkSize) {
      const last = Math.min(total, first + chunkSize - 1);
      const [row] = await queryRows<{ customers: number; usage_rows: number; events: number }>(
        tx,
        sql.raw(chunkStatement(context, first, last)),
      );
      customers += row!.customers;
      usageRows += row!.usage_rows;
      events += row!.events;
      onProgress({ phase: 'customers', done: customers, total });
    }
    return { customers, usageRows, events, regions };
  });

  // Fresh statistics, so the first queries over a large population get sensible plans.
  onProgress({ phase: 'statistics', done: 0, total: 1 });
  await database.rows(sql`analyze regions, customers, monthly_usage, customer_events`);
  onProgress({ phase: 'statistics', done: 1, total: 1 });
  return result;
}

function validate(o: { customers: number; seed: number; now: Date; months: number; chunkSize: number }): void {
  const issues = new IssueList();
  if (!Number.isSafeInteger(o.customers) || o.customers < 1 || o.customers > MAX_DEMO_CUSTOMERS) {
    issues.add('customers', `must be a whole number from 1 to ${MAX_DEMO_CUSTOMERS}, got ${o.customers}`);
  }
  if (!Number.isSafeInteger(o.seed)) issues.add('seed', `must be a whole number, got ${o.seed}`);
  if (!(o.now instanceof Date) || Number.isNaN(o.now.getTime())) issues.add('now', 'must be a valid date');
  if (!Number.isSafeInteger(o.months) || o.months < 1 || o.months > MAX_USAGE_MONTHS) {
    issues.add('months', `must be a whole number from 1 to ${MAX_USAGE_MONTHS}, got ${o.months}`);
  }
  if (!Number.isSafeInteger(o.chunkSize) || o.chunkSize < 1) issues.add('chunkSize', `must be a positive whole number, got ${o.chunkSize}`);
  issues.throwIfAny();
}
