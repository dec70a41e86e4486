/**
 * One statement per chunk of customers: generate the rows, insert them, and insert their monthly usage and
 * port-out inquiries joined back through the returned ids. Nothing travels to Node but three counts, so
 * memory stays flat whatever the population size.
 */
import type { GeneratorContext } from './context.js';
import { CUSTOMER_ROWS, customerRowsSql } from './customer-sql.js';
import { portOutEventsSql } from './events-sql.js';
import { usageRowsSql } from './usage-sql.js';

const CUSTOMER_COLUMNS = [
  'msisdn', 'name', 'region_id', 'joined_on', 'plan', 'payment_type', 'balance_cents', 'credit_limit_cents',
  'points', 'contract_ends_on', 'device', 'birthday', 'group_id', 'group_kind', 'is_campus', 'account_manager',
  'consent', 'status', 'churned_on', 'attributes',
].join(', ');

const USAGE_COLUMNS = [
  'customer_id', 'month', 'revenue_cents', 'voice_minutes', 'data_mb', 'sms', 'recharge_cents', 'active_days',
  'complaints', 'competitor_contacts',
].join(', ');

const EVENT_COLUMNS = ['customer_id', 'type', 'occurred_at', 'payload', 'idempotency_key'].join(', ');

/** Rows `first..last` (1-based row numbers of the whole population). Returns one row: customers, usage_rows, events. */
export function chunkStatement(context: GeneratorContext, first: number, last: number): string {
  return `with ${customerRowsSql(context, first, last)},
  inserted as (
    insert into customers (${CUSTOMER_COLUMNS})
    select ${CUSTOMER_COLUMNS} from ${CUSTOMER_ROWS} order by n
    returning id, msisdn
  ),
  ${usageRowsSql(context, 'inserted')},
  inserted_usage as (
    insert into monthly_usage (${USAGE_COLUMNS}) select ${USAGE_COLUMNS} from usage_rows
    returning 1
  ),
  ${portOutEventsSql(context)},
  inserted_events as (
    insert into customer_events (${EVENT_COLUMNS}) select ${EVENT_COLUMNS} from port_out_events
    returning 1
  )
  select (select count(*) from inserted)::int as customers, (select count(*) from inserted_usage)::int as usage_rows,
    (select count(*) from inserted_events)::int as events`;
}
