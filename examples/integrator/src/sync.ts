/**
 * Example integration: reads customers from a CSV export, upserts them into Weixi, records their recent monthly
 * usage, and prints the customers now in the warning lifecycle stage (预警期). Copy it and change the mapping.
 *
 *   WEIXI_URL=http://127.0.0.1:4000/graphql WEIXI_TOKEN=secret pnpm --filter @weixi/example-integrator sync [file.csv]
 */
import { readFile, realpath } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createWeixiClient,
  customersByIdQuery,
  graphql,
  recordUsageMutation,
  WeixiClientError,
  type CustomerInput,
  type CustomerStatus,
  type CustomerSummaryFragment,
  type PaymentType,
  type UsageInput,
} from '@weixi/client';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';
export const DEFAULT_CSV = fileURLToPath(new URL('../data/customers.csv', import.meta.url));
/** The API's limits per call (see the schema): upsertCustomers 1000, recordUsage 5000. */
const CUSTOMER_BATCH = 1000;
const USAGE_BATCH = 5000;
/** How many complete months of usage to send per customer. */
const USAGE_MONTHS = 6;

/**
 * The library's upsertCustomersMutation answers with counts only; this sync also wants the ids it wrote, to
 * read their lifecycle back, so it asks for them in an operation of its own.
 */
const upsertWithIds = graphql<{ upsertCustomers: { created: number; updated: number; customers: Array<{ id: string }> } }, { customers: CustomerInput[] }>(`
  mutation SyncCustomers($customers: [CustomerInput!]!) {
    upsertCustomers(customers: $customers) { created updated customers { id } }
  }
`);

export interface SyncOptions {
  url?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  csvPath?: string;
  /** "Today" for tenure, contract and usage months; the server's clock in production. */
  now?: Date;
  fetch?: typeof globalThis.fetch;
  log?: (line: string) => void;
}

export interface SyncReport {
  created: number;
  updated: number;
  usageRecorded: number;
  /** The synced customers in the warning stage, with the indicators that put them there. */
  warning: CustomerSummaryFragment[];
}

/** One row of the export, typed. Money is in yuan in the file and in cents at the API. */
export interface CsvCustomer {
  line: number;
  msisdn: string;
  name: string;
  regionCode: string;
  status: CustomerStatus;
  paymentType: PaymentType;
  plan: string;
  /** Contract term in months; 0 for month-to-month. */
  contractMonths: number;
  tenureMonths: number;
  internetService: string;
  monthlyChargesCents: number;
  balanceCents: number;
  /** Last 3 months' revenue against the 3 before, in percent (-45 = down 45%). */
  revenueChangePct: number;
  activeDaysLastMonth: number;
  complaintsLastMonth: number;
  competitorContactsLastMonth: number;
}

const CONTRACTS: Record<string, number> = { 'month-to-month': 0, 'one year': 12, 'two year': 24 };
const DATA_MB: Record<string, number> = { 'fiber optic': 30_720, dsl: 8_192, no: 512 };

/** Splits one CSV line, honouring double quotes ("a, b" and "" inside quotes). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** Parses the export, naming the line and column of every bad value. */
export function parseCustomersCsv(text: string): CsvCustomer[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  const problems: string[] = [];
  const rows: CsvCustomer[] = [];
  lines.slice(1).forEach((raw, index) => {
    if (!raw.trim()) return;
    const line = index + 2;
    const cells = splitCsvLine(raw);
    const get = (column: string): string => {
      const at = header.indexOf(column);
      if (at < 0) throw new Error(`CSV header has no "${column}" column`);
      return cells[at] ?? '';
    };
    const bad = (column: string, why: string) => problems.push(`line ${line}, ${column}: ${JSON.stringify(get(column))} ${why}`);
    const number = (column: string, opts: { integer?: boolean; min?: number } = {}): number => {
      const value = Number(get(column));
      if (get(column) === '' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value)) || value < (opts.min ?? -Infinity)) {
        bad(column, `is not ${opts.integer ? 'a whole number' : 'a number'}${opts.min !== undefined ? ` of ${opts.min} or more` : ''}`);
        return 0;
      }
      return value;
    };
    const cents = (column: string) => Math.round(number(column) * 100);
    const oneOf = <T extends string>(column: string, allowed: Record<string, T>): T => {
      const value = allowed[get(column).toLowerCase()];
      if (value === undefined) bad(column, `is not one of ${Object.keys(allowed).join(', ')}`);
      return value ?? (Object.values(allowed)[0] as T);
    };
    const contract = get('contract').toLowerCase();
    if (!(contract in CONTRACTS)) bad('contract', `is not one of ${Object.keys(CONTRACTS).join(', ')}`);
    if (!get('msisdn')) bad('msisdn', 'is empty');
    rows.push({
      line,
      msisdn: get('msisdn'),
      name: get('name'),
      regionCode: get('region_code'),
      status: oneOf('status', { active: 'ACTIVE', suspended: 'SUSPENDED' }),
      paymentType: oneOf('payment_type', { prepaid: 'PREPAID', postpaid: 'POSTPAID' }),
      plan: get('plan'),
      contractMonths: CONTRACTS[contract] ?? 0,
      tenureMonths: number('tenure_months', { integer: true, min: 0 }),
      internetService: get('internet_service'),
      monthlyChargesCents: cents('monthly_charges_cny'),
      balanceCents: cents('balance_cny'),
      revenueChangePct: number('revenue_change_pct', { min: -100 }),
      activeDaysLastMonth: number('active_days_last_month', { integer: true, min: 0 }),
      complaintsLastMonth: number('complaints_last_month', { integer: true, min: 0 }),
      competitorContactsLastMonth: number('competitor_contacts_last_month', { integer: true, min: 0 }),
    });
  });
  if (problems.length) throw new Error(`the CSV has ${problems.length} bad value(s):\n  ${problems.join('\n  ')}`);
  return rows;
}

/** `date` plus `months` calendar months (UTC), the day clamped to the month's end, as YYYY-MM-DD. */
function addMonths(date: Date, months: number): string {
  const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return first.toISOString().slice(0, 10);
}

/** The export has tenure and a contract term; Weixi wants a join date and the next contract end. */
export function toCustomerInput(row: CsvCustomer, now: Date): CustomerInput {
  const terms = row.contractMonths ? Math.ceil((row.tenureMonths + 1) / row.contractMonths) : 0;
  return {
    msisdn: row.msisdn,
    name: row.name,
    regionCode: row.regionCode,
    status: row.status,
    paymentType: row.paymentType,
    plan: row.plan,
    joinedOn: addMonths(now, -row.tenureMonths),
    contractEndsOn: row.contractMonths ? addMonths(now, terms * row.contractMonths - row.tenureMonths) : null,
    balanceCents: row.balanceCents,
    attributes: { internetService: row.internetService, contractMonths: row.contractMonths, source: 'csv-export' },
  };
}

/** Up to six complete months before `now` (none before the customer joined), oldest first. */
export function toUsage(row: CsvCustomer, now: Date): UsageInput[] {
  const months = Math.min(USAGE_MONTHS, row.tenureMonths);
  const recentFactor = 1 + row.revenueChangePct / 100;
  return Array.from({ length: months }, (_, i) => {
    const monthsAgo = months - i; // 1 = last complete month
    const revenueCents = Math.round(row.monthlyChargesCents * (monthsAgo <= 3 ? recentFactor : 1));
    const last = monthsAgo === 1;
    return {
      msisdn: row.msisdn,
      month: addMonths(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), -monthsAgo).slice(0, 7),
      revenueCents,
      rechargeCents: row.paymentType === 'PREPAID' ? revenueCents : 0,
      activeDays: last ? row.activeDaysLastMonth : 26,
      dataMb: DATA_MB[row.internetService.toLowerCase()] ?? 0,
      voiceMinutes: 240,
      sms: 15,
      complaints: last ? row.complaintsLastMonth : 0,
      competitorContacts: last ? row.competitorContactsLastMonth : 0,
    };
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Rewrites `customers[3].regionCode` as the CSV line it came from, so the file can be fixed. */
function withCsvLines(error: WeixiClientError, rows: CsvCustomer[], offset: number): Error {
  const lines = error.issues.map((issue) => {
    const index = /^customers\[(\d+)\]/.exec(issue.path)?.[1];
    const row = index === undefined ? undefined : rows[offset + Number(index)];
    return row ? `line ${row.line} (${issue.path}): ${issue.message}` : `${issue.path}: ${issue.message}`;
  });
  return lines.length ? new Error(`Weixi rejected the batch (${error.code}):\n  ${lines.join('\n  ')}`, { cause: error }) : error;
}

export async function main(options: SyncOptions = {}): Promise<SyncReport> {
  const url = options.url || DEFAULT_URL;
  const now = options.now ?? new Date();
  const log = options.log ?? ((line: string) => console.log(line));
  const weixi = createWeixiClient({
    url,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });

  const rows = parseCustomersCsv(await readFile(options.csvPath ?? DEFAULT_CSV, 'utf8'));
  const report: SyncReport = { created: 0, updated: 0, usageRecorded: 0, warning: [] };
  const ids: string[] = [];
  for (const [n, batch] of chunks(rows, CUSTOMER_BATCH).entries()) {
    const result = await weixi
      .request(upsertWithIds, { customers: batch.map((row) => toCustomerInput(row, now)) })
      .catch((error: unknown) => {
        throw error instanceof WeixiClientError ? withCsvLines(error, rows, n * CUSTOMER_BATCH) : error;
      });
    report.created += result.upsertCustomers.created;
    report.updated += result.upsertCustomers.updated;
    ids.push(...result.upsertCustomers.customers.map((c) => c.id));
  }
  for (const batch of chunks(rows.flatMap((row) => toUsage(row, now)), USAGE_BATCH)) {
    report.usageRecorded += (await weixi.request(recordUsageMutation, { usage: batch })).recordUsage.recorded;
  }
  log(`Synced ${rows.length} customers (${report.created} new, ${report.updated} updated) and ${report.usageRecorded} months of usage to ${url}`);

  // The lifecycle stage is computed from the usage just recorded, so read it back now.
  for (const batch of chunks(ids, 100)) {
    const { nodes } = await weixi.request(customersByIdQuery, { ids: batch });
    for (const node of nodes) if (node?.__typename === 'Customer' && node.lifecycleStage === 'WARNING') report.warning.push(node);
  }
  log(`${report.warning.length} in the warning stage (预警期):`);
  for (const c of report.warning) log(`  ${c.msisdn}  ${c.name}  ${c.region.code}  ${c.warnings.join(', ')}`);
  return report;
}

const invokedDirectly = process.argv[1] !== undefined && (await realpath(process.argv[1]).catch(() => '')) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main({ url: process.env.WEIXI_URL, token: process.env.WEIXI_TOKEN, csvPath: process.argv[2] }).catch((error: unknown) => {
    console.error(`sync failed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof WeixiClientError) for (const issue of error.issues) console.error(`  ${issue.path}: ${issue.message}`);
    process.exitCode = 1;
  });
}
