/**
 * Whether the database already holds subscribers. Demo data is only ever seeded into an empty database,
 * so it never mixes with (or collides with the phone numbers of) real or earlier data.
 */
import { WeixiError } from '@weixi/core';
import type { Database } from '@weixi/db';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from './executor.js';

export async function hasCustomers(target: Database | Executor): Promise<boolean> {
  const executor = 'db' in target ? target.db : target;
  const [row] = await queryRows<{ present: boolean }>(executor, sql`select exists (select 1 from customers) as present`);
  return row?.present === true;
}

export class DatabaseNotEmptyError extends WeixiError {
  constructor() {
    super(
      'CONFLICT',
      'the database already has customers: demo data is only seeded into an empty database ' +
        '(point DATABASE_URL or WEIXI_DATA_DIR at a new one)',
    );
    this.name = 'DatabaseNotEmptyError';
  }
}
