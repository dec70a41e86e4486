import { and, eq, getTableColumns, ilike, inArray, isNull, like, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { customers, segmentMemberships, type CustomerStatus, type Db, type Tier } from '@weixi/db';
import { keysetBounds, keysetOrder, type PageRequest, type SortDirection } from '../pages.js';
import { escapeLike, inRegionSubtrees } from '../regions/subtrees.js';
import type { Customer } from './upsert.js';

/** Columns a customer list can be sorted by; the id breaks ties so every position is unique. */
export const CUSTOMER_ORDER_COLUMNS = {
  id: customers.id,
  msisdn: customers.msisdn,
  name: customers.name,
  joinedOn: customers.joinedOn,
  balanceCents: customers.balanceCents,
  points: customers.points,
} as const;
export type CustomerOrderField = keyof typeof CUSTOMER_ORDER_COLUMNS;

export interface CustomerOrder {
  field: CustomerOrderField;
  direction: SortDirection;
}

export interface CustomerFilter {
  /** Customers in the subtree of any of these regions. */
  regionCodes?: readonly string[] | null;
  statuses?: readonly CustomerStatus[] | null;
  tiers?: readonly Tier[] | null;
  /** Current members of this segment. */
  segmentId?: number | null;
  msisdnPrefix?: string | null;
  /** Case-insensitive substring of the name. */
  nameContains?: string | null;
  /** Any further predicate on customer ids, e.g. a compiled segment condition (`customers.id in (...)`). */
  where?: SQL | null;
}

/** Builds the WHERE clause for a filter; unknown region codes are reported at `${path}.regionCodes[i]`. */
export async function customerFilterSql(db: Db, filter: CustomerFilter | null | undefined, path = 'filter'): Promise<SQL | undefined> {
  if (!filter) return undefined;
  const parts: (SQL | undefined)[] = [];
  if (filter.regionCodes?.length) parts.push(await inRegionSubtrees(db, filter.regionCodes, `${path}.regionCodes`, customers.regionId));
  if (filter.statuses?.length) parts.push(inArray(customers.status, [...filter.statuses]));
  if (filter.tiers?.length) parts.push(inArray(customers.tier, [...filter.tiers]));
  if (filter.segmentId != null) {
    parts.push(
      inArray(
        customers.id,
        db
          .select({ id: segmentMemberships.customerId })
          .from(segmentMemberships)
          .where(and(eq(segmentMemberships.segmentId, filter.segmentId), isNull(segmentMemberships.leftAt))),
      ),
    );
  }
  if (filter.msisdnPrefix) parts.push(like(customers.msisdn, `${escapeLike(filter.msisdnPrefix)}%`));
  if (filter.nameContains) parts.push(ilike(customers.name, `%${escapeLike(filter.nameContains)}%`));
  if (filter.where) parts.push(filter.where);
  return and(...parts);
}

/** The sort key values of a row, for its cursor. */
export function customerSortKey(customer: Customer, order: CustomerOrder): unknown[] {
  return [customer[order.field], customer.id];
}

/** One page of customers in one statement (keyset, so deep pages cost the same as the first). */
export async function listCustomers(db: Db, where: SQL | undefined, order: CustomerOrder, page: PageRequest): Promise<Customer[]> {
  return customersPageQuery(db, where, order, page);
}

/**
 * The select of `listCustomers`, not yet run (to be prepared once per shape by the caller). `columns`
 * replaces the select list (the API selects the columns its fields read, and nested fields as json); it
 * must hold `id` and the order's column, the sort keys.
 */
export function customersPageQuery(db: Db, where: SQL | undefined, order: CustomerOrder, page: PageRequest, columns?: Record<string, AnyColumn | SQL>) {
  const keys = order.field === 'id' ? [sql`${customers.id}`] : [sql`${CUSTOMER_ORDER_COLUMNS[order.field]}`, sql`${customers.id}`];
  const trim = (v: readonly unknown[] | null | undefined) => (v && order.field === 'id' ? v.slice(-1) : v);
  const bounds = keysetBounds(keys, order.direction, { ...page, after: trim(page.after), before: trim(page.before) });
  return db
    .select((columns ?? getTableColumns(customers)) as ReturnType<typeof getTableColumns<typeof customers>>)
    .from(customers)
    .where(and(where, bounds))
    .orderBy(keysetOrder(keys, order.direction, page.inverted))
    .limit(page.limit);
}

export async function countCustomers(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(customers).where(where);
  return Number(row?.n ?? 0);
}
