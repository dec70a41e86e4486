/**
 * Writes one batch in one transaction: the batch's customers, usage and events are COPYed into staging
 * tables and moved by one set-based statement each. Reruns change nothing: customers upsert by MSISDN,
 * usage by customer and month, events by their idempotency key, and an update that would not change a
 * row does not touch it. Usage and events naming a customer that does not exist (or is outside the
 * import's region) are rejected by line. A dry run does all of it and rolls back.
 */
import type { Database } from '@weixi/db';
import { csvField, inCopyTransaction, type CopySession } from './copy-session.js';
import type { Reject } from './mapping.js';
import { USAGE_COUNTERS, type ImportRow, type UsageRow } from './rows.js';

export interface BatchItem {
  line: number;
  row: ImportRow;
}

/** Usage rows per COPY chunk: a chunk is one string (then bytes), not a string per row. */
const USAGE_CHUNK_ROWS = 2_000;

/**
 * One batch's accepted rows. Usage rows become their COPY line as they are added (millions of rows pass
 * here: no row object outlives its record, and the garbage collector never has to move them); rows with a
 * customer or events are kept as they are for their own staging.
 */
export class Batch {
  /** The rows with a customer or events (their usage, if any, is in the usage chunks already). */
  readonly items: BatchItem[] = [];
  /** Rows added. */
  size = 0;
  firstLine = 0;
  lastLine = 0;
  usageRows = 0;
  private readonly usageChunks: Buffer[] = [];
  private usageLines: string[] = [];

  add(line: number, row: ImportRow): void {
    if (this.size++ === 0) this.firstLine = line;
    this.lastLine = line;
    if (row.customer || row.events) this.items.push({ line, row });
    const usage = row.usage;
    if (!usage) return;
    for (let i = 0; i < usage.length; i++) this.usageLines.push(usageLine(line, usage[i]!));
    this.usageRows += usage.length;
    if (this.usageLines.length >= USAGE_CHUNK_ROWS) this.sealUsage();
  }

  /** The usage rows as COPY CSV, a chunk at a time. */
  usage(): readonly Buffer[] {
    this.sealUsage();
    return this.usageChunks;
  }

  private sealUsage(): void {
    if (this.usageLines.length === 0) return;
    this.usageChunks.push(Buffer.from(`${this.usageLines.join('\n')}\n`));
    this.usageLines = [];
  }
}

/** A usage row's COPY line: line, MSISDN, first day of the month, the counters (0 for those left out). */
function usageLine(line: number, u: UsageRow): string {
  return `${line},${csvField(u.msisdn)},${u.month}-01,${u.revenueCents ?? 0},${u.voiceMinutes ?? 0},${u.dataMb ?? 0},${u.sms ?? 0},${u.rechargeCents ?? 0},${u.activeDays ?? 0},${u.complaints ?? 0},${u.competitorContacts ?? 0}`;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface BatchResult {
  customers: WriteCounts;
  usage: WriteCounts;
  events: WriteCounts;
  /** Rows the database checks refused (unknown customer, a customer outside the region); `column` is the row field. */
  rejects: Reject[];
}

export interface BatchOptions {
  /** Only customers of this region subtree are written or referenced; null: anywhere. */
  scopePath: string | null;
  /** Customer fields the file provides: an existing customer keeps the others. */
  customerFields: ReadonlySet<string>;
  dryRun: boolean;
}

const CUSTOMER_COLUMNS: Array<[field: string, column: string, type: string, fallback?: string]> = [
  ['name', 'name', 'text'],
  ['joinedOn', 'joined_on', 'date'],
  ['plan', 'plan', 'text'],
  ['paymentType', 'payment_type', 'text'],
  ['balanceCents', 'balance_cents', 'integer', '0'],
  ['creditLimitCents', 'credit_limit_cents', 'integer', '0'],
  ['points', 'points', 'integer', '0'],
  ['contractEndsOn', 'contract_ends_on', 'date'],
  ['device', 'device', 'text'],
  ['birthday', 'birthday', 'date'],
  ['groupId', 'group_id', 'text'],
  ['groupKind', 'group_kind', 'text'],
  ['isCampus', 'is_campus', 'boolean', 'false'],
  ['accountManager', 'account_manager', 'text'],
  ['status', 'status', 'text', "'active'"],
  ['churnedOn', 'churned_on', 'date'],
  ['attributes', 'attributes', 'jsonb', "'{}'::jsonb"],
];
const USAGE_COLUMNS = USAGE_COUNTERS.map((c) => c.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`));

class DryRun extends Error {
  constructor(readonly result: BatchResult) {
    super('dry run');
  }
}

export async function writeBatch(database: Database, batch: Batch, options: BatchOptions): Promise<BatchResult> {
  const items = batch.items;
  try {
    return await inCopyTransaction(database, async (session) => {
      const rejects: Reject[] = [];
      const customers = await writeCustomers(session, items, options, rejects);
      const usage = await writeUsage(session, batch, options, rejects);
      const events = await writeEvents(session, items, options, rejects);
      const result: BatchResult = { customers, usage, events, rejects };
      if (options.dryRun) throw new DryRun(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    throw error;
  }
}

const counts = (row: { created: number; updated: number } | undefined, total: number): WriteCounts => {
  const created = Number(row?.created ?? 0);
  const updated = Number(row?.updated ?? 0);
  return { created, updated, unchanged: total - created - updated };
};

/** The customers of the scope, by MSISDN, as a join condition on `c` for rows `s`. */
const inScope = (options: BatchOptions, param: number) =>
  options.scopePath === null ? 'true' : `c.region_id in (select sr.id from regions sr where starts_with(sr.path, $${param}))`;

async function writeCustomers(session: CopySession, items: readonly BatchItem[], options: BatchOptions, rejects: Reject[]): Promise<WriteCounts> {
  const rows = items.filter((i) => i.row.customer);
  if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  const stageColumns = ['line int', 'msisdn text', 'region_code text', ...CUSTOMER_COLUMNS.map(([, column, type]) => `${column} ${type}`)];
  await session.query(`create temp table import_customers (${stageColumns.join(', ')}) on commit drop`);
  const csv = rows
    .map(({ line, row }) => {
      const c = row.customer! as unknown as Record<string, unknown>;
      const cells = [line, c.msisdn as string, c.regionCode as string, ...CUSTOMER_COLUMNS.map(([field]) => cellOf(c[field]))];
      return cells.map((v) => csvField(v as never)).join(',');
    })
    .join('\n');
  await session.copy('import_customers', ['line', 'msisdn', 'region_code', ...CUSTOMER_COLUMNS.map(([, column]) => column)], csv);
  let refused = 0;
  if (options.scopePath !== null) {
    // An import bounded to a region may not move in a customer that lives outside it.
    const outside = await session.query<{ line: number; msisdn: string }>(
      `delete from import_customers s using customers c join regions r on r.id = c.region_id
       where c.msisdn = s.msisdn and not starts_with(r.path, $1) returning s.line, s.msisdn`,
      [options.scopePath],
    );
    for (const o of outside) rejects.push({ line: Number(o.line), column: 'customer.msisdn', value: o.msisdn, reason: `${o.msisdn} is a customer outside the import region` });
    refused = outside.length;
  }
  // An existing customer keeps what the file does not provide (consent, attributes set elsewhere).
  const provided = CUSTOMER_COLUMNS.filter(([field]) => options.customerFields.has(field));
  const set = [
    'region_id = excluded.region_id',
    ...provided.map(([field, column]) => (field === 'attributes' ? 'attributes = t.attributes || excluded.attributes' : `${column} = excluded.${column}`)),
  ];
  const compared = ['region_id', ...provided.map(([, column]) => column)];
  const [row] = await session.query<{ created: number; updated: number }>(
    `with written as (
       insert into customers as t (msisdn, region_id, ${CUSTOMER_COLUMNS.map(([, column]) => column).join(', ')})
       select s.msisdn, r.id, ${CUSTOMER_COLUMNS.map(([, column, , fallback]) => (fallback ? `coalesce(s.${column}, ${fallback})` : `s.${column}`)).join(', ')}
       from import_customers s join regions r on r.code = s.region_code
       on conflict (msisdn) do update set ${set.join(', ')}, updated_at = now()
       where (${compared.map((c) => `t.${c}`).join(', ')})
         is distinct from (${compared.map((c) => (c === 'attributes' ? 't.attributes || excluded.attributes' : `excluded.${c}`)).join(', ')})
       returning (xmax = 0) as inserted)
     select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from written`,
  );
  return counts(row, rows.length - refused);
}

async function writeUsage(session: CopySession, batch: Batch, options: BatchOptions, rejects: Reject[]): Promise<WriteCounts> {
  if (batch.usageRows === 0) return { created: 0, updated: 0, unchanged: 0 };
  await session.query(`create temp table import_usage (line int, msisdn text, month date, ${USAGE_COLUMNS.map((c) => `${c} integer`).join(', ')}) on commit drop`);
  await session.copy('import_usage', ['line', 'msisdn', 'month', ...USAGE_COLUMNS], batch.usage());
  // One pass over the staged rows: each finds its customer once; the unknown ones come back by line.
  const [row] = await session.query<{ created: number; updated: number; unknown: Array<{ line: number; msisdn: string }> | string }>(
    `with staged as materialized (
       select s.*, c.id as customer_id from import_usage s left join customers c on c.msisdn = s.msisdn and ${inScope(options, 1)}),
     written as (
       insert into monthly_usage as t (customer_id, month, ${USAGE_COLUMNS.join(', ')})
       select customer_id, month, ${USAGE_COLUMNS.join(', ')} from staged where customer_id is not null
       on conflict (customer_id, month) do update set ${USAGE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
       where (${USAGE_COLUMNS.map((c) => `t.${c}`).join(', ')}) is distinct from (${USAGE_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
       returning (xmax = 0) as inserted)
     select (select count(*) filter (where inserted) from written)::int as created, (select count(*) filter (where not inserted) from written)::int as updated,
       (select coalesce(json_agg(json_build_object('line', line, 'msisdn', msisdn) order by line), '[]') from staged where customer_id is null) as unknown`,
    options.scopePath === null ? [] : [options.scopePath],
  );
  const unknown = typeof row!.unknown === 'string' ? (JSON.parse(row!.unknown) as Array<{ line: number; msisdn: string }>) : row!.unknown;
  for (const u of unknown) rejects.push(unknownCustomer(u, 'usage[0].msisdn', options));
  return counts(row, batch.usageRows - unknown.length);
}

async function writeEvents(session: CopySession, items: readonly BatchItem[], options: BatchOptions, rejects: Reject[]): Promise<WriteCounts> {
  const events = items.flatMap(({ line, row }) => (row.events ?? []).map((e) => ({ line, e })));
  if (events.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  await session.query('create temp table import_events (line int, msisdn text, type text, occurred_at timestamptz, payload jsonb, idempotency_key text) on commit drop');
  const csv = events.map(({ line, e }) => [line, e.msisdn, e.type, e.occurredAt, JSON.stringify(e.payload ?? {}), e.idempotencyKey].map((v) => csvField(v)).join(',')).join('\n');
  await session.copy('import_events', ['line', 'msisdn', 'type', 'occurred_at', 'payload', 'idempotency_key'], csv);
  const before = rejects.length;
  await rejectUnknown(session, 'import_events', 'events[0].msisdn', options, rejects);
  const [row] = await session.query<{ created: number }>(
    `with written as (
       insert into customer_events (customer_id, type, occurred_at, payload, idempotency_key)
       select c.id, s.type, s.occurred_at, s.payload, s.idempotency_key
       from import_events s join customers c on c.msisdn = s.msisdn where ${inScope(options, 1)}
       on conflict (customer_id, idempotency_key) do nothing
       returning 1)
     select count(*)::int as created from written`,
    options.scopePath === null ? [] : [options.scopePath],
  );
  return counts({ created: row?.created ?? 0, updated: 0 }, events.length - (rejects.length - before));
}

/** Rejects the staged rows whose MSISDN is no customer (of the scope), by line; `field` names the row field. */
async function rejectUnknown(session: CopySession, table: string, field: string, options: BatchOptions, rejects: Reject[]): Promise<void> {
  const unknown = await session.query<{ line: number; msisdn: string }>(
    `select s.line, s.msisdn from ${table} s where not exists (select from customers c where c.msisdn = s.msisdn and ${inScope(options, 1)}) order by s.line`,
    options.scopePath === null ? [] : [options.scopePath],
  );
  for (const u of unknown) rejects.push(unknownCustomer(u, field, options));
}

function unknownCustomer(u: { line: number; msisdn: string }, field: string, options: BatchOptions): Reject {
  return { line: Number(u.line), column: field, value: u.msisdn, reason: `no customer has MSISDN ${u.msisdn}${options.scopePath === null ? '' : ' in the import region'}: import the customers first` };
}

function cellOf(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}
