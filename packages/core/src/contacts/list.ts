/** The contacts outbox as records: one query shared by the plugin service and the test harness. */
import { and, asc, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { contacts, customers, regions, type ContactStatus, type Db } from '@weixi/db';
import type { ContactView } from '@weixi/sdk';

/** One row of the `contacts` table with its customer's region: what plugins see, plus the idempotency key. */
export interface ContactRecord extends ContactView {
  idempotencyKey: string;
}

export interface ContactRecordFilter {
  /** Customers in this region's subtree (an unknown code matches nothing). */
  regionCode?: string;
  contactId?: number;
  customerId?: number;
  channel?: string;
  pluginId?: string;
  statuses?: readonly ContactStatus[];
  since?: Date;
  /** `newest` for the latest first (the default), `oldest` for the order they were asked for. */
  order?: 'newest' | 'oldest';
  limit?: number;
  /** A further predicate on the joined `customers` and `regions` (e.g. a caller's scope). */
  where?: SQL;
}

export async function listContactRecords(db: Db, filter: ContactRecordFilter = {}): Promise<ContactRecord[]> {
  const where: SQL[] = [];
  if (filter.regionCode !== undefined) where.push(sql`starts_with(${regions.path}, (select path from regions where code = ${filter.regionCode}))`);
  if (filter.contactId !== undefined) where.push(eq(contacts.id, filter.contactId));
  if (filter.customerId !== undefined) where.push(eq(contacts.customerId, filter.customerId));
  if (filter.channel !== undefined) where.push(eq(contacts.channel, filter.channel));
  if (filter.pluginId !== undefined) where.push(eq(contacts.pluginId, filter.pluginId));
  if (filter.statuses !== undefined) where.push(filter.statuses.length === 0 ? sql`false` : inArray(contacts.status, [...filter.statuses]));
  if (filter.since !== undefined) where.push(gte(contacts.createdAt, filter.since));
  if (filter.where !== undefined) where.push(filter.where);
  const query = db
    .select({ c: contacts, regionCode: regions.code })
    .from(contacts)
    .innerJoin(customers, eq(customers.id, contacts.customerId))
    .innerJoin(regions, eq(regions.id, customers.regionId))
    .where(and(...where))
    .orderBy(filter.order === 'oldest' ? asc(contacts.id) : desc(contacts.id));
  const rows = filter.limit === undefined ? await query : await query.limit(filter.limit);
  return rows.map(({ c, regionCode }) => ({
    contactId: c.id,
    customerId: c.customerId,
    regionCode,
    channel: c.channel,
    pluginId: c.pluginId,
    message: c.message,
    purpose: c.purpose,
    status: c.status,
    detail: c.detail,
    providerCode: c.providerCode,
    providerRef: c.providerRef,
    deferredUntil: c.deferredUntil,
    fallbackOf: c.fallbackOf,
    taskId: c.taskId,
    idempotencyKey: c.idempotencyKey,
    createdAt: c.createdAt,
  }));
}
