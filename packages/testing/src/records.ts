/** What plugins did, read straight from the tables: the contacts outbox and the retention tasks. */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { listContactRecords, type ContactRecord } from '@weixi/core';
import { customers, regions, retentionTasks, type ContactStatus, type Db, type TaskState } from '@weixi/db';

/** A contact some plugin asked for, and what became of it (one row of the `contacts` table). */
export interface CapturedContact extends Omit<ContactRecord, 'contactId'> {
  id: number;
}

export interface ContactsFilter {
  channel?: string;
  customerId?: number;
  pluginId?: string;
  status?: ContactStatus | ContactStatus[];
  /** Customers in this region's subtree. */
  region?: string;
}

/** A retention task (one row of `retention_tasks`). */
export interface CapturedTask {
  id: number;
  customerId: number;
  regionCode: string;
  reason: string;
  tactic: string | null;
  channel: string | null;
  state: TaskState;
  dueAt: Date;
  script: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
}

export interface TasksFilter {
  customerId?: number;
  state?: TaskState | TaskState[];
  /** Customers in this region's subtree. */
  region?: string;
  /** Tasks whose idempotency key starts with this text (plugins prefix their keys with their id). */
  keyPrefix?: string;
}

const oneOrMany = <T,>(v: T | T[]) => (Array.isArray(v) ? v : [v]);
const inSubtree = (code: string) => sql`starts_with(${regions.path}, (select path from regions where code = ${code}))`;

export async function listContacts(db: Db, filter: ContactsFilter = {}): Promise<CapturedContact[]> {
  const records = await listContactRecords(db, {
    channel: filter.channel,
    customerId: filter.customerId,
    pluginId: filter.pluginId,
    statuses: filter.status === undefined ? undefined : oneOrMany(filter.status),
    regionCode: filter.region,
    order: 'oldest',
  });
  return records.map(({ contactId, ...rest }) => ({ id: contactId, ...rest }));
}

export async function listTasks(db: Db, filter: TasksFilter = {}): Promise<CapturedTask[]> {
  const where: Array<SQL | undefined> = [
    filter.customerId === undefined ? undefined : eq(retentionTasks.customerId, filter.customerId),
    filter.state === undefined ? undefined : sql`${retentionTasks.state} = any(${sql.param(oneOrMany(filter.state))}::text[])`,
    filter.region === undefined ? undefined : inSubtree(filter.region),
    filter.keyPrefix === undefined ? undefined : sql`starts_with(${retentionTasks.idempotencyKey}, ${filter.keyPrefix})`,
  ];
  const rows = await db
    .select({ t: retentionTasks, regionCode: regions.code })
    .from(retentionTasks)
    .innerJoin(customers, eq(customers.id, retentionTasks.customerId))
    .innerJoin(regions, eq(regions.id, customers.regionId))
    .where(and(...where))
    .orderBy(asc(retentionTasks.id));
  return rows.map(({ t, regionCode }) => ({
    id: t.id,
    customerId: t.customerId,
    regionCode,
    reason: t.reason,
    tactic: t.tactic,
    channel: t.channel,
    state: t.state,
    dueAt: t.dueAt,
    script: t.script,
    idempotencyKey: t.idempotencyKey,
    createdAt: t.createdAt,
  }));
}
