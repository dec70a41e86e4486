import { getTableColumns, sql } from 'drizzle-orm';
import { customers, queryRows, type Db } from '@weixi/db';
import { SYSTEM_PRINCIPAL, type Principal } from '../access/index.js';
import { IssueList } from '../errors.js';
import { regionsByCode } from '../regions/regions.js';
import { checkCustomerInput, normaliseMsisdn, type CustomerInput } from './input.js';
import { callerRegions, mayWriteRegion, throwIfOutside, type BatchOptions } from './write-scope.js';

export type Customer = typeof customers.$inferSelect;

/** Largest batch one call accepts; larger imports go through several calls (or the CLI importer). */
export const MAX_CUSTOMER_BATCH = 1000;

export interface UpsertCustomersResult {
  customers: Customer[];
  created: number;
  updated: number;
}

/**
 * Inserts or replaces customers by MSISDN in one statement. The whole batch is validated first and a
 * batch with any bad item writes nothing; re-sending the same batch changes nothing but `updated_at`.
 * The principal may only write customers into its regions, and may not take over (replace) a customer
 * that lives outside them: either rejects the batch with FORBIDDEN.
 */
export async function upsertCustomers(db: Db, inputs: readonly CustomerInput[], options: BatchOptions = {}): Promise<UpsertCustomersResult> {
  const { path = 'customers', principal = SYSTEM_PRINCIPAL } = options;
  const issues = new IssueList();
  if (inputs.length === 0) issues.add(path, 'must hold at least one customer');
  if (inputs.length > MAX_CUSTOMER_BATCH) issues.add(path, `holds ${inputs.length} customers; at most ${MAX_CUSTOMER_BATCH} per call`);
  issues.throwIfAny();

  const found = await regionsByCode(db, inputs.map((i) => i.regionCode));
  const firstIndexOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    const at = `${path}[${index}]`;
    checkCustomerInput(input, at, issues);
    if (!found.has(input.regionCode)) issues.add(`${at}.regionCode`, `region ${JSON.stringify(input.regionCode)} does not exist`);
    const msisdn = normaliseMsisdn(input.msisdn);
    if (msisdn === undefined) return;
    const first = firstIndexOf.get(msisdn);
    if (first !== undefined) issues.add(`${at}.msisdn`, `${msisdn} appears twice in this batch (also at ${path}[${first}])`);
    else firstIndexOf.set(msisdn, index);
  });
  issues.throwIfAny();
  await checkWriteScope(db, principal, inputs, found, path);

  const rows = inputs.map((i) => ({
    msisdn: normaliseMsisdn(i.msisdn)!,
    name: i.name.trim(),
    regionId: found.get(i.regionCode)!.id,
    joinedOn: i.joinedOn,
    plan: i.plan.trim(),
    paymentType: i.paymentType,
    balanceCents: i.balanceCents ?? 0,
    creditLimitCents: i.creditLimitCents ?? 0,
    points: i.points ?? 0,
    contractEndsOn: i.contractEndsOn ?? null,
    device: i.device ?? null,
    birthday: i.birthday ?? null,
    groupId: i.groupId ?? null,
    groupKind: i.groupKind ?? null,
    isCampus: i.isCampus ?? false,
    accountManager: i.accountManager ?? null,
    consent: i.consent ?? {},
    status: i.status ?? 'active',
    churnedOn: i.churnedOn ?? null,
    attributes: i.attributes ?? {},
  }));
  const replaced = Object.fromEntries(
    Object.keys(rows[0]!)
      .filter((k) => k !== 'msisdn')
      .map((k) => [k, sql.raw(`excluded.${columnName(k)}`)]),
  );
  const written = await db
    .insert(customers)
    .values(rows)
    .onConflictDoUpdate({ target: customers.msisdn, set: { ...replaced, updatedAt: sql`now()` } })
    .returning({ ...getTableColumns(customers), inserted: sql<boolean>`(xmax = 0)` });
  const created = written.filter((w) => w.inserted).length;
  return {
    customers: written.map(({ inserted: _inserted, ...row }) => row),
    created,
    updated: written.length - created,
  };
}

/** Rejects the batch when an item's region, or the region of the customer it would replace, is outside the principal's. */
async function checkWriteScope(db: Db, principal: Principal, inputs: readonly CustomerInput[], found: Map<string, { path: string }>, path: string): Promise<void> {
  if (principal.kind === 'admin') return;
  const msisdns = inputs.map((i) => normaliseMsisdn(i.msisdn)!);
  // Through a security-definer function: on PostgreSQL row-level security hides customers of other regions
  // from this request, and a takeover must still be refused by name rather than fail in the database.
  const existing = await queryRows<{ msisdn: string; region_path: string }>(db, sql`select msisdn, region_path from weixi_customer_regions(${sql.param(msisdns)}::text[])`);
  const taken = new Set(existing.filter((r) => !mayWriteRegion(principal, r.region_path)).map((r) => r.msisdn));
  const outside = new IssueList();
  inputs.forEach((input, index) => {
    const at = `${path}[${index}]`;
    if (!mayWriteRegion(principal, found.get(input.regionCode)!.path)) outside.add(`${at}.regionCode`, `${input.regionCode} is outside ${callerRegions(principal)}`);
    if (taken.has(msisdns[index]!)) outside.add(`${at}.msisdn`, `${msisdns[index]} is a customer outside ${callerRegions(principal)}`);
  });
  throwIfOutside(principal, outside.issues);
}

function columnName(key: string): string {
  const column = (customers as unknown as Record<string, { name: string }>)[key];
  return column!.name;
}
